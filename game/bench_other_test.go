//go:build !unix

package game

import (
	"testing"
	"time"
)

// processCPU is 0 where getrusage is not: benchmarks then report no CPU
// time.
func processCPU(*testing.B) time.Duration { return 0 }
