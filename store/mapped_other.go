//go:build !linux

package store

// dontNeed does nothing where madvise is not wired up: the mapped pages
// stay counted against the process until it exits.
func dontNeed(addr uintptr, size int64) {}
