//go:build unix

package classify

import "syscall"

// cpuTime returns the user+system CPU time of the process in nanoseconds,
// so benchmarks can report CPU per post that does not depend on how busy a
// shared machine is.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
