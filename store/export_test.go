package store

// SetBeforeCommit makes every purge call f just before its transaction
// commits (nil to stop); an error from f aborts the purge.
func SetBeforeCommit(f func() error) { beforeCommit = f }
