//go:build !unix

package classify

func cpuTime() int64 { return 0 }
