//go:build !unix

package server

import "time"

// processCPU cannot tell the process's processor time here: the later
// delay does not stretch.
func processCPU() (time.Duration, bool) { return 0, false }
