package store

// SetBeforeCommit makes every purge call f just before its transaction
// commits (nil to stop); an error from f aborts the purge.
func SetBeforeCommit(f func() error) { beforeCommit = f }

// SetCompactFault makes every compaction call f at each step ("open",
// "copy", "rename", "syncdir"; nil to stop); an error from f fails it there.
func SetCompactFault(f func(step string) error) { compactFault = f }
