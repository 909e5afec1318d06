package store

import "syscall"

// dontNeed is madvise(MADV_DONTNEED) over [addr, addr+size): for bbolt's
// shared, read-only file mapping it only unmaps the pages from this
// process; their contents stay in the file and the page cache.
func dontNeed(addr uintptr, size int64) {
	if addr == 0 || size <= 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(size), syscall.MADV_DONTNEED)
}
