package store

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// releaseEvery bounds how often releaseMapped gives the kernel back the
// database pages this process has mapped.
const releaseEvery = 25 * time.Millisecond

// releaseMapped tells the kernel that this process no longer needs the
// pages of the database file it has touched through bbolt's read-only
// mapping, at most once per releaseEvery.
//
// Why: a sweep stores each payload under its SHA-256, a random key, so each
// insert rewrites a random leaf of the payloads bucket, and bbolt copies
// that leaf's other payloads out of the mapping to do it. Over a sweep
// every page of the file is touched and stays mapped: the process's
// resident set grew with the database (53 MB of file pages at the study's
// size, 317 MB at ten times) though its heap did not. The pages are the
// kernel's page cache either way; dropping the mapping's hold on them keeps
// the sweep's footprint flat, and a page needed again is mapped back from
// the cache (a minor fault, no disk read).
func (db *DB) releaseMapped() {
	now := time.Now().UnixNano()
	last := db.released.Load()
	if now-last < int64(releaseEvery) || !db.released.CompareAndSwap(last, now) {
		return
	}
	// Inside a read transaction the mapping cannot be replaced (bbolt
	// remaps under a lock that waits for readers).
	_ = db.bolt.View(func(tx *bolt.Tx) error {
		dontNeed(db.bolt.Info().Data, tx.Size())
		return nil
	})
}

// releaseEveryRecords is how many records a long scan reads between
// releases of the mapped pages.
const releaseEveryRecords = 128

// releasing returns a function for a long scan inside tx to call once per
// record: every releaseEveryRecords calls it hands the mapped pages back,
// so a scan of the whole file (the end of a sweep counts every
// checkpoint) holds a few pages at a time, not the file. Safe inside any
// transaction: the mapping is not replaced while one is open, and a page
// read again is mapped back from the page cache.
func (db *DB) releasing(tx *bolt.Tx) func() {
	n := 0
	return func() {
		if n++; n%releaseEveryRecords == 0 {
			dontNeed(db.bolt.Info().Data, tx.Size())
		}
	}
}
