//go:build unix

package game

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// BenchmarkIdleNPCMap measures what a map of 1,000 NPCs and no players
// costs while nothing happens, beside the same world without NPCs: the
// process CPU time per second of wall time (the Go runtime's and the
// benchmark's own wake-ups included). Each iteration waits 100 ms: the figure
// is the CPU spent while waiting, not the wait.
func BenchmarkIdleNPCMap(b *testing.B) {
	for _, n := range []int{0, 1000} {
		b.Run(fmt.Sprintf("npcs=%d", n), func(b *testing.B) { benchIdleMap(b, n) })
	}
}

func benchIdleMap(b *testing.B, npcs int) {
	w := newTestWorld(b, nil)
	m := w.maps[builtinTwinCityID]
	for i := range npcs {
		putNPC(m, uint32(1+i), uint16(i%1000), uint16(i/10))
	}
	sync_(m)
	start, c0 := time.Now(), processCPU(b)
	for b.Loop() {
		time.Sleep(100 * time.Millisecond)
	}
	b.ReportMetric(float64(processCPU(b)-c0)/float64(time.Since(start))*100, "%core")
}

// processCPU returns the CPU time the process has used so far, user and
// system.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
