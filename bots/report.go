package bots

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Report is the outcome of a run.
type Report struct {
	// Bots is how many bots ran.
	Bots int `json:"bots"`
	// ElapsedSeconds is how long the run took.
	ElapsedSeconds float64 `json:"elapsed_s"`
	// Logins is how many bots logged in at least once.
	Logins int64 `json:"logins"`
	// LoginsPerSecond is Logins over the time from the start to the last
	// bot's first login: the login throughput reached.
	LoginsPerSecond float64 `json:"logins_per_s"`
	// LoginFailures counts login attempts that failed (each retried).
	LoginFailures int64 `json:"login_failures"`
	// LoginTime is how long successful logins took, account server to
	// the end of the login chain (character creation included).
	LoginTime Latency `json:"login_time"`
	// Disconnects counts connections lost while playing.
	Disconnects int64 `json:"disconnects"`
	// Reconnects counts logins after a lost connection.
	Reconnects int64 `json:"reconnects"`
	// ActiveAtEnd is how many bots were in the world when the run ended.
	ActiveAtEnd int64 `json:"active_at_end"`
	// Walks and Jumps count the moves and the server's answers.
	Walks Moves `json:"walks"`
	Jumps Moves `json:"jumps"`
	// Chats counts chat lines sent.
	Chats int64 `json:"chats"`
	// MoveRTT is the walk round trip: from sending MsgWalk to reading the
	// server's echo of it.
	MoveRTT Latency `json:"move_rtt"`
	// SteadyMoveRTT is MoveRTT counted only from Config.Settle after every
	// bot has logged in: the swarm at full size, the login ramp left out.
	SteadyMoveRTT Latency `json:"steady_move_rtt"`
	// MoveRTTHistogram is MoveRTT's distribution in power-of-two buckets.
	MoveRTTHistogram []Bucket `json:"move_rtt_histogram"`
	// SeenRTT is how late the other bots see a walk: from sending MsgWalk
	// to another bot of the swarm reading that walk's MsgWalk, once per
	// bot that sees it. Only sightings certain to show that walk count
	// (jumps are left out); see SeenUnpaired.
	SeenRTT Latency `json:"seen_rtt"`
	// SteadySeenRTT is SeenRTT counted as SteadyMoveRTT is.
	SteadySeenRTT Latency `json:"steady_seen_rtt"`
	// SeenRTTHistogram is SeenRTT's distribution in power-of-two buckets.
	SeenRTTHistogram []Bucket `json:"seen_rtt_histogram"`
	// SeenUnpaired counts the other bots' steps seen that SeenRTT leaves
	// out because they could not be told for certain from the mover's
	// other walks (same direction, answer not read yet, many in flight).
	SeenUnpaired int64 `json:"seen_unpaired"`
	// NPCs counts the NPC behaviour's clicks, pages, answers and travels.
	NPCs NPCs `json:"npcs"`
	// Items counts the items behaviour's requests and rounds.
	Items Items `json:"items"`
	// Hunt counts the hunt behaviour's attacks, kills, deaths and revives.
	Hunt Hunt `json:"hunt"`
	// AttackRTT is the time from an attack or cast to its first result
	// (hunt behaviour).
	AttackRTT Latency `json:"attack_rtt"`
	// AttackRTTHistogram is AttackRTT's distribution in power-of-two buckets.
	AttackRTTHistogram []Bucket `json:"attack_rtt_histogram"`
	// ClickRTT is the time from clicking an NPC (MsgNpc) to reading the
	// create (MsgTaskDialog 100) of its first dialog page.
	ClickRTT Latency `json:"click_rtt"`
	// ClickRTTHistogram is ClickRTT's distribution in power-of-two buckets.
	ClickRTTHistogram []Bucket `json:"click_rtt_histogram"`
	// Errors counts errors by kind ("login_reject_InvalidPassword",
	// "conn_eof", ...).
	Errors map[string]int64 `json:"errors"`
}

// Moves counts one kind of move.
type Moves struct {
	Sent int64 `json:"sent"`
	// Acknowledged moves were echoed by the server.
	Acknowledged int64 `json:"acknowledged"`
	// Refused moves were pulled back (MsgAction 86).
	Refused int64 `json:"refused"`
	// Unanswered moves had no answer when the run ended or the connection
	// was lost.
	Unanswered int64 `json:"unanswered"`
}

// NPCs counts the NPC behaviour (BehaviourNPC).
type NPCs struct {
	// Clicks counts NPC clicks sent.
	Clicks int64 `json:"clicks"`
	// Pages counts dialog pages received, first pages and later ones.
	Pages int64 `json:"pages"`
	// Answers counts options chosen; Closes counts dialogs closed.
	Answers int64 `json:"answers"`
	Closes  int64 `json:"closes"`
	// Teleports counts changes of map the bots saw.
	Teleports int64 `json:"teleports"`
	// Unanswered counts clicks without a page within DialogTimeout.
	Unanswered int64 `json:"unanswered"`
}

// String returns the counts on one line.
func (n NPCs) String() string {
	return fmt.Sprintf("%d clicks, %d pages, %d answers, %d closes, %d teleports, %d clicks unanswered",
		n.Clicks, n.Pages, n.Answers, n.Closes, n.Teleports, n.Unanswered)
}

// Latency summarises a histogram, in milliseconds.
type Latency struct {
	Count  int64   `json:"count"`
	MeanMs float64 `json:"mean_ms"`
	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P99Ms  float64 `json:"p99_ms"`
	MaxMs  float64 `json:"max_ms"`
}

// Bucket is one bar of a histogram: Count values at most UpToMs.
type Bucket struct {
	UpToMs float64 `json:"le_ms"`
	Count  int64   `json:"count"`
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// latency summarises s.
func latency(s snapshot) Latency {
	return Latency{Count: s.count(), MeanMs: ms(s.mean()), P50Ms: ms(s.quantile(0.50)), P90Ms: ms(s.quantile(0.90)),
		P99Ms: ms(s.quantile(0.99)), MaxMs: ms(time.Duration(s.max))}
}

// powerBuckets merges s into power-of-two buckets, leaving out empty ones.
func powerBuckets(s snapshot) []Bucket {
	var out []Bucket
	for i := 0; i < numBuckets; i += subCount {
		var n int64
		for _, c := range s.counts[i : i+subCount] {
			n += c
		}
		if n > 0 {
			_, hi := bucketBounds(i + subCount - 1)
			out = append(out, Bucket{UpToMs: ms(time.Duration(hi)), Count: n})
		}
	}
	return out
}

// JSON returns the report as indented JSON.
func (r Report) JSON() []byte {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil { // plain numbers, strings and maps: cannot happen
		return fmt.Appendf(nil, "{\"error\": %q}\n", err.Error())
	}
	return append(b, '\n')
}

// String returns the report for people.
func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "bots:        %d for %.1f s\n", r.Bots, r.ElapsedSeconds)
	fmt.Fprintf(&b, "logins:      %d (%.1f/s), %d failed attempts; login time %s\n",
		r.Logins, r.LoginsPerSecond, r.LoginFailures, r.LoginTime)
	fmt.Fprintf(&b, "connections: %d lost, %d reconnects, %d in the world at the end\n",
		r.Disconnects, r.Reconnects, r.ActiveAtEnd)
	fmt.Fprintf(&b, "walks:       %s\n", r.Walks)
	fmt.Fprintf(&b, "jumps:       %s\n", r.Jumps)
	fmt.Fprintf(&b, "chats:       %d sent\n", r.Chats)
	fmt.Fprintf(&b, "move RTT:    %s\n", r.MoveRTT)
	fmt.Fprintf(&b, "  all in:    %s\n", r.SteadyMoveRTT)
	writeHistogram(&b, r.MoveRTTHistogram)
	fmt.Fprintf(&b, "seen RTT:    %s\n", r.SeenRTT)
	fmt.Fprintf(&b, "  all in:    %s\n", r.SteadySeenRTT)
	fmt.Fprintf(&b, "  unpaired:  %d sightings\n", r.SeenUnpaired)
	writeHistogram(&b, r.SeenRTTHistogram)
	if r.NPCs != (NPCs{}) {
		fmt.Fprintf(&b, "npcs:        %s\n", r.NPCs)
		fmt.Fprintf(&b, "click RTT:   %s\n", r.ClickRTT)
		writeHistogram(&b, r.ClickRTTHistogram)
	}
	if r.Items != (Items{}) {
		fmt.Fprintf(&b, "items:       %s\n", r.Items)
	}
	if r.Hunt != (Hunt{}) {
		fmt.Fprintf(&b, "hunt:        %s\n", r.Hunt)
		fmt.Fprintf(&b, "attack RTT:  %s\n", r.AttackRTT)
		writeHistogram(&b, r.AttackRTTHistogram)
	}
	if len(r.Errors) == 0 {
		b.WriteString("errors:      none\n")
	} else {
		b.WriteString("errors:\n")
		for _, k := range slices.Sorted(maps.Keys(r.Errors)) {
			fmt.Fprintf(&b, "  %-40s %d\n", k, r.Errors[k])
		}
	}
	return b.String()
}

// writeHistogram draws h as bars.
func writeHistogram(b *strings.Builder, h []Bucket) {
	if len(h) == 0 {
		return
	}
	peak := slices.MaxFunc(h, func(a, b Bucket) int { return cmp.Compare(a.Count, b.Count) }).Count
	for _, bk := range h {
		bar := strings.Repeat("#", int(1+39*bk.Count/max(peak, 1)))
		fmt.Fprintf(b, "  ≤ %10.3f ms %9d %s\n", bk.UpToMs, bk.Count, bar)
	}
}

// String returns the counts on one line.
func (m Moves) String() string {
	return fmt.Sprintf("%d sent, %d acknowledged, %d refused, %d unanswered", m.Sent, m.Acknowledged, m.Refused, m.Unanswered)
}

// String returns the summary on one line.
func (l Latency) String() string {
	if l.Count == 0 {
		return "no samples"
	}
	return fmt.Sprintf("n=%d mean %.3f ms, p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms",
		l.Count, l.MeanMs, l.P50Ms, l.P90Ms, l.P99Ms, l.MaxMs)
}
