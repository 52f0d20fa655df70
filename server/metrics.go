package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/coserver/coserver/wire"
)

// Metrics are the runtime's Prometheus collectors, shared by every listener
// of a process and labelled by listener name.
type Metrics struct {
	open        *prometheus.GaugeVec
	accepted    *prometheus.CounterVec
	closed      *prometheus.CounterVec
	rejected    *prometheus.CounterVec
	packetsIn   *prometheus.CounterVec
	bytesIn     *prometheus.CounterVec
	packetsOut  *prometheus.CounterVec
	bytesOut    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	unknown     *prometheus.CounterVec
	overflows   *prometheus.CounterVec
	rateKicks   *prometheus.CounterVec
	writeBatchs *prometheus.CounterVec
	laterWrites *prometheus.CounterVec
	writeLate   *prometheus.HistogramVec
	laterDelay  *prometheus.GaugeVec
}

// NewMetrics creates the runtime's collectors and registers them with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	l := []string{"listener"}
	lt := []string{"listener", "type"}
	m := &Metrics{
		open: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "coserver_connections_open",
			Help: "Connections open now."}, l),
		accepted: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_connections_accepted_total",
			Help: "Connections accepted."}, l),
		closed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_connections_closed_total",
			Help: "Connections closed, by reason."}, []string{"listener", "reason"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_connections_rejected_total",
			Help: "Connections refused at accept, by limit (total, per_ip, shutdown)."}, []string{"listener", "limit"}),
		packetsIn: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_packets_in_total",
			Help: "Packets received, by type."}, lt),
		bytesIn: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_bytes_in_total",
			Help: "Packet bytes received, by type."}, lt),
		packetsOut: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_packets_out_total",
			Help: "Packets queued for sending."}, l),
		bytesOut: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_bytes_out_total",
			Help: "Bytes written to sockets."}, l),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "coserver_handler_seconds",
			Help:    "Handler latency, by packet type.",
			Buckets: []float64{1e-6, 5e-6, 25e-6, 1e-4, 5e-4, 2.5e-3, 1e-2, 5e-2, 0.25, 1}}, lt),
		unknown: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_packets_unknown_total",
			Help: "Packets of a type without a handler (ignored)."}, l),
		overflows: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_outbox_overflows_total",
			Help: "Connections kicked because their outbox was full."}, l),
		rateKicks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_rate_limit_kicks_total",
			Help: "Connections kicked by the packet-rate limit."}, l),
		writeBatchs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_write_syscalls_total",
			Help: "Socket writes (each carries one or more packets)."}, l),
		laterWrites: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coserver_later_flushes_total",
			Help: "Writes started because packets sent for later had waited the whole later delay (part of coserver_write_syscalls_total)."}, l),
		writeLate: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "coserver_write_late_seconds",
			Help: "How long after it was due (the flush delay after a first packet, the later delay after a first packet for later) a connection's write began: " +
				"more than a few milliseconds says the server's processors are saturated.",
			Buckets: []float64{1e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 1e-2, 2.5e-2, 5e-2, 0.1, 0.25, 1}}, l),
		laterDelay: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "coserver_later_delay_seconds",
			Help: "The later delay now: the longest news of others waits for a write (-later-delay, stretching toward -later-delay-busy while the processors are busy)."}, l),
	}
	reg.MustRegister(m.open, m.accepted, m.closed, m.rejected, m.packetsIn, m.bytesIn, m.packetsOut,
		m.bytesOut, m.latency, m.unknown, m.overflows, m.rateKicks, m.writeBatchs, m.laterWrites, m.writeLate, m.laterDelay)
	return m
}

// typeMetrics are one packet type's collectors, resolved once so the hot path
// does no label lookups.
type typeMetrics struct {
	packets, bytes prometheus.Counter
	latency        prometheus.Observer
}

// listenerMetrics are one listener's collectors, resolved at startup.
type listenerMetrics struct {
	open                            prometheus.Gauge
	accepted, unknown, overflows    prometheus.Counter
	rateKicks, packetsOut, bytesOut prometheus.Counter
	writes, laterWrites             prometheus.Counter
	writeLate                       prometheus.Observer
	laterDelay                      prometheus.Gauge
	closed                          *prometheus.CounterVec
	rejected                        *prometheus.CounterVec
	byType                          map[wire.Type]*typeMetrics
	other                           *typeMetrics
}

func (m *Metrics) forListener(name string, types []wire.Type) *listenerMetrics {
	tm := func(label string) *typeMetrics {
		return &typeMetrics{
			packets: m.packetsIn.WithLabelValues(name, label),
			bytes:   m.bytesIn.WithLabelValues(name, label),
			latency: m.latency.WithLabelValues(name, label),
		}
	}
	lm := &listenerMetrics{
		open:        m.open.WithLabelValues(name),
		accepted:    m.accepted.WithLabelValues(name),
		unknown:     m.unknown.WithLabelValues(name),
		overflows:   m.overflows.WithLabelValues(name),
		rateKicks:   m.rateKicks.WithLabelValues(name),
		packetsOut:  m.packetsOut.WithLabelValues(name),
		bytesOut:    m.bytesOut.WithLabelValues(name),
		writes:      m.writeBatchs.WithLabelValues(name),
		laterWrites: m.laterWrites.WithLabelValues(name),
		writeLate:   m.writeLate.WithLabelValues(name),
		laterDelay:  m.laterDelay.WithLabelValues(name),
		closed:      m.closed.MustCurryWith(prometheus.Labels{"listener": name}),
		rejected:    m.rejected.MustCurryWith(prometheus.Labels{"listener": name}),
		byType:      make(map[wire.Type]*typeMetrics, len(types)),
		other:       tm("unknown"),
	}
	for _, t := range types {
		lm.byType[t] = tm(t.String())
	}
	return lm
}

func (lm *listenerMetrics) forType(t wire.Type) *typeMetrics {
	if m, ok := lm.byType[t]; ok {
		return m
	}
	return lm.other
}
