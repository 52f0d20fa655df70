package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// httpTimeout bounds one request to the server's stats endpoint (a CPU
// profile request adds its own duration).
const httpTimeout = 30 * time.Second

// statsClient reads the server's /mem and /metrics endpoints.
type statsClient struct {
	base string
	hc   *http.Client
}

func newStatsClient(httpAddr string) *statsClient {
	return &statsClient{base: "http://" + httpAddr, hc: &http.Client{Timeout: httpTimeout}}
}

// mem returns the server's memory and CPU; gc forces a collection first.
func (s *statsClient) mem(gc bool) (memStats, error) {
	url := s.base + "/mem"
	if gc {
		url += "?gc=1"
	}
	var st memStats
	resp, err := s.hc.Get(url)
	if err != nil {
		return st, err
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(&st)
	return st, err
}

// counters returns the runtime's close and kick counters: "closed:<reason>",
// "rate_limit_kicks", "outbox_overflows", "rejected:<limit>".
func (s *statsClient) counters() (map[string]float64, error) {
	resp, err := s.hc.Get(s.base + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	out := make(map[string]float64)
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		name, labels, value, ok := parseSample(line)
		if !ok {
			continue
		}
		switch name {
		case "coserver_connections_closed_total":
			out["closed:"+labels["reason"]] = value
		case "coserver_connections_rejected_total":
			out["rejected:"+labels["limit"]] = value
		case "coserver_rate_limit_kicks_total":
			out["rate_limit_kicks"] = value
		case "coserver_outbox_overflows_total":
			out["outbox_overflows"] = value
		}
	}
	return out, sc.Err()
}

// parseSample parses one line of the Prometheus text format:
// name{a="x",b="y"} value. It does not handle escaped quotes, which the
// runtime's label values never contain.
func parseSample(line string) (name string, labels map[string]string, value float64, ok bool) {
	if line == "" || line[0] == '#' {
		return "", nil, 0, false
	}
	sp := strings.LastIndexByte(line, ' ')
	if sp < 0 {
		return "", nil, 0, false
	}
	v, err := strconv.ParseFloat(line[sp+1:], 64)
	if err != nil {
		return "", nil, 0, false
	}
	head := line[:sp]
	labels = make(map[string]string)
	if i := strings.IndexByte(head, '{'); i >= 0 {
		for kv := range strings.SplitSeq(strings.TrimSuffix(head[i+1:], "}"), ",") {
			k, val, found := strings.Cut(kv, "=")
			if found {
				labels[k] = strings.Trim(val, `"`)
			}
		}
		head = head[:i]
	}
	return head, labels, v, true
}

// delta returns after - before for every key of after.
func delta(before, after map[string]float64) map[string]float64 {
	d := make(map[string]float64, len(after))
	for k, v := range after {
		if x := v - before[k]; x != 0 {
			d[k] = x
		}
	}
	return d
}

// cpuProfile fetches a CPU profile of d from the server into path.
func (s *statsClient) cpuProfile(path string, d time.Duration) error {
	hc := &http.Client{Timeout: d + httpTimeout}
	resp, err := hc.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", s.base, int(d.Seconds())))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("profile: %s", resp.Status)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// percentile returns the q-quantile (0..1) of sorted, nearest rank.
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// metric is one named figure of a result.
type metric struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
}

// result is one repeat of one configuration of a scenario, appended as a
// JSON line to the results file for the summary.
type result struct {
	Scenario string   `json:"scenario"`
	Key      string   `json:"key"`
	Rep      int      `json:"rep"`
	Metrics  []metric `json:"metrics"`
}

// add appends a metric.
func (r *result) add(name string, v float64) { r.Metrics = append(r.Metrics, metric{name, v}) }

// print writes r as one readable line.
func (r *result) print(w io.Writer) {
	fmt.Fprintf(w, "%s [%s] rep %d:", r.Scenario, r.Key, r.Rep)
	for _, m := range r.Metrics {
		fmt.Fprintf(w, " %s=%s", m.Name, format(m.Value))
	}
	fmt.Fprintln(w)
}

// appendResult appends r to the JSON-lines file path ("" for none).
func appendResult(path string, r result) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	if err := json.NewEncoder(f).Encode(r); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// format prints v compactly: integers without decimals, others with three
// significant decimals.
func format(v float64) string {
	switch {
	case v == float64(int64(v)):
		return strconv.FormatInt(int64(v), 10)
	case v >= 100 || v <= -100:
		return strconv.FormatFloat(v, 'f', 0, 64)
	default:
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
}

// summarize reads a results file and prints one Markdown table per scenario:
// a row per repeat and a median row per configuration, with the spread
// ((max-min)/median) of each metric.
func summarize(w io.Writer, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var all []result
	dec := json.NewDecoder(f)
	for {
		var r result
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			return err
		}
		all = append(all, r)
	}
	var scenarios []string
	for _, r := range all {
		if !slices.Contains(scenarios, r.Scenario) {
			scenarios = append(scenarios, r.Scenario)
		}
	}
	for _, sc := range scenarios {
		var keys, names []string
		for _, r := range all {
			if r.Scenario != sc {
				continue
			}
			if !slices.Contains(keys, r.Key) {
				keys = append(keys, r.Key)
			}
			for _, m := range r.Metrics {
				if !slices.Contains(names, m.Name) {
					names = append(names, m.Name)
				}
			}
		}
		fmt.Fprintf(w, "\n### %s\n\n| config | rep | %s |\n|---|---|%s\n", sc,
			strings.Join(names, " | "), strings.Repeat("---|", len(names)))
		for _, k := range keys {
			cols := make([][]float64, len(names))
			for _, r := range all {
				if r.Scenario != sc || r.Key != k {
					continue
				}
				row := make([]string, len(names))
				for i, n := range names {
					for _, m := range r.Metrics {
						if m.Name == n {
							row[i] = format(m.Value)
							cols[i] = append(cols[i], m.Value)
						}
					}
				}
				fmt.Fprintf(w, "| %s | %d | %s |\n", k, r.Rep, strings.Join(row, " | "))
			}
			med := make([]string, len(names))
			for i, c := range cols {
				med[i] = medianSpread(c)
			}
			fmt.Fprintf(w, "| **%s** | **median (spread)** | %s |\n", k, strings.Join(med, " | "))
		}
	}
	return nil
}

// medianSpread formats the median of vs and its spread (max-min)/median.
func medianSpread(vs []float64) string {
	if len(vs) == 0 {
		return ""
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	if len(s) == 1 || med == 0 {
		return "**" + format(med) + "**"
	}
	return fmt.Sprintf("**%s** (±%.0f%%)", format(med), 100*(s[len(s)-1]-s[0])/med/2)
}

// cpuPressure returns the host's CPU pressure over the last 10 s (the share
// of time some runnable task waited for a CPU, /proc/pressure/cpu "some
// avg10"), a gauge of how much the other users of the machine disturbed a
// run; -1 when unavailable.
func cpuPressure() float64 {
	b, err := os.ReadFile("/proc/pressure/cpu")
	if err != nil {
		return -1
	}
	line, _, _ := strings.Cut(string(b), "\n")
	for f := range strings.FieldsSeq(line) {
		if v, ok := strings.CutPrefix(f, "avg10="); ok {
			if x, err := strconv.ParseFloat(v, 64); err == nil {
				return x
			}
		}
	}
	return -1
}
