//go:build unix

package report

import (
	"syscall"
	"time"
)

// cpuTime is the process's user plus system CPU time, so a benchmark on a
// shared machine can report work done apart from time spent waiting.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
