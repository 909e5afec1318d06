package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ActCompact is the audit action of a compaction.
const ActCompact = "store.compact"

// compactTxSize bounds the bytes one transaction of the copy holds, so
// that a large file is not copied in one transaction held in memory.
const compactTxSize = 16 << 20

// compactTemp is the file a compaction writes before renaming it over
// path. The name is fixed so that one left by a killed process is found
// (and removed) by the next writable Open.
func compactTemp(path string) string { return path + ".compact" }

// CompactResult says what a compaction did.
type CompactResult struct {
	// BytesBefore is the file's size before; BytesAfter its size after,
	// with the compaction's own audit entry.
	BytesBefore int64 `json:"bytes_before"`
	BytesAfter  int64 `json:"bytes_after"`
	// Audit is the entry recording the compaction, in the new file.
	Audit *AuditEntry `json:"audit"`
	// WipeError is set when the old file's blocks could not be
	// overwritten after the new file replaced it (the compaction itself
	// succeeded).
	WipeError string `json:"wipe_error,omitempty"`
}

// compactFault, set by tests, runs at each step of a compaction; an error
// from it fails the compaction at that step.
var compactFault func(step string) error

func fault(step string) error {
	if compactFault != nil {
		return compactFault(step)
	}
	return nil
}

// Compact rewrites the database into a new file that holds only the live
// data, and replaces the file with it: bbolt does not wipe the pages it
// frees, so after a purge the deleted records and redacted audit values
// can stay in free pages until those are reused; the new file has none of
// them. Then it overwrites the old file's blocks with zeros before
// releasing it.
//
// Steps: copy into path+".compact" in the same directory (bbolt.Compact),
// check the copy, append the ActCompact audit entry to it (sizes and the
// tombstone it follows, no personal data), fsync it, give it the old
// file's mode and owner, rename it over path and fsync the directory. Until the
// rename the file at path is not touched, so on any error, or a crash at
// any step, it is still the valid database and only the temporary file
// (removed here on error, else by the next writable Open) is left.
//
// The lock is held throughout: the copy reads through this handle, and the
// new file is locked before it is renamed into place, so no other process
// opens either file meanwhile (Open re-checks the file after it gets the
// lock, for a process that was already waiting). No other goroutine may
// use db during Compact: it replaces the handle they would use, and a
// write made during the copy would be lost.
//
// It needs free space in the directory for the live data (about
// BytesBefore less the free pages).
func (db *DB) Compact(actor string, tombstone uint64) (CompactResult, error) {
	res, err := db.compact(actor, tombstone)
	if err != nil {
		// res.Audit is set when the new file is in place despite the error.
		return res, fmt.Errorf("compact %s: %w", db.path, err)
	}
	return res, nil
}

func (db *DB) compact(actor string, tombstone uint64) (res CompactResult, err error) {
	if db.readOnly {
		return res, errors.New("opened read-only")
	}
	// The real file: replacing a symbolic link by the new file would
	// leave the target, which the wipe then zeroes, to whatever else
	// points at it.
	path, err := filepath.EvalSymlinks(db.path)
	if err != nil {
		return res, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return res, err
	}
	if db.file != nil && !os.SameFile(st, db.file) {
		return res, errors.New("the file at this path is no longer the one open")
	}
	res.BytesBefore = st.Size()
	// Held from here to the wipe: the old file, once renamed away, is
	// reachable only through it.
	old, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return res, err
	}
	defer old.Close()
	if fi, err := old.Stat(); err != nil || !os.SameFile(fi, st) {
		return res, errors.New("the file was replaced meanwhile")
	}

	tmp := compactTemp(path)
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return res, fmt.Errorf("cannot remove the leftover temporary file %s: %w", tmp, err)
	}
	// O_EXCL: never write through a link or into a file someone put there.
	f, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return res, err
	}
	f.Close()
	var dst *bolt.DB
	swapped := false
	defer func() {
		if swapped {
			return
		}
		if dst != nil {
			dst.Close()
		}
		os.Remove(tmp)
	}()
	if err := fault("open"); err != nil {
		return res, err
	}
	// NoSync while copying: one fsync at the end covers every page.
	dst, err = bolt.Open(tmp, 0o600, &bolt.Options{Timeout: time.Second, NoSync: true})
	if err != nil {
		return res, err
	}
	if err := bolt.Compact(dst, db.bolt, compactTxSize); err != nil {
		return res, fmt.Errorf("copy: %w", err)
	}
	if err := fault("copy"); err != nil {
		return res, err
	}
	if err := sameContent(db.bolt, dst); err != nil {
		return res, fmt.Errorf("the copy does not match: %w", err)
	}
	cst, err := os.Stat(tmp)
	if err != nil {
		return res, err
	}
	detail := map[string]string{
		"bytes_before": strconv.FormatInt(res.BytesBefore, 10),
		"bytes_after":  strconv.FormatInt(cst.Size(), 10),
	}
	if tombstone > 0 {
		detail["tombstone"] = strconv.FormatUint(tombstone, 10)
	}
	var entry AuditEntry
	if err := dst.Update(func(tx *bolt.Tx) error {
		var err error
		entry, err = appendAudit(tx, db.auditAt(actor, ActCompact, "database", detail))
		return err
	}); err != nil {
		return res, fmt.Errorf("audit: %w", err)
	}
	if err := os.Chmod(tmp, st.Mode().Perm()); err != nil {
		return res, err
	}
	if err := keepOwner(tmp, st); err != nil {
		return res, err
	}
	// fsync, not bolt's fdatasync: the mode and owner must be durable too.
	if err := fsync(tmp); err != nil {
		return res, fmt.Errorf("sync: %w", err)
	}
	if err := fault("rename"); err != nil {
		return res, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return res, err
	}
	// From here the new file is at path: it is the database whatever
	// happens next.
	swapped = true
	dst.NoSync = db.bolt.NoSync
	prev := db.bolt
	db.bolt = dst
	if nst, err := os.Stat(path); err == nil {
		db.file = nst
		res.BytesAfter = nst.Size()
	}
	res.Audit = &entry
	syncErr := syncDir(filepath.Dir(path))
	if syncErr == nil {
		syncErr = fault("syncdir")
	}
	if syncErr != nil {
		// A crash could still bring back the old name, so its bytes stay.
		prev.Close()
		return res, fmt.Errorf("replaced the file, but could not sync its directory: %w", syncErr)
	}
	// Only now, with the rename durable, is the old file garbage. Its
	// blocks are overwritten while the lock is still held, so that no
	// waiting process reads it half-wiped.
	if err := wipe(old, res.BytesBefore); err != nil {
		res.WipeError = err.Error()
	}
	prev.Close()
	return res, nil
}

// sameContent compares the number of keys and the sequence of every
// top-level bucket of src and dst: a cheap check that the copy is whole
// before it replaces the only copy of the evidence.
func sameContent(src, dst *bolt.DB) error {
	type count struct {
		keys int
		seq  uint64
	}
	counts := func(db *bolt.DB) (map[string]count, error) {
		out := map[string]count{}
		err := db.View(func(tx *bolt.Tx) error {
			return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
				out[string(name)] = count{b.Stats().KeyN, b.Sequence()}
				return nil
			})
		})
		return out, err
	}
	a, err := counts(src)
	if err != nil {
		return err
	}
	b, err := counts(dst)
	if err != nil {
		return err
	}
	if len(a) != len(b) {
		return fmt.Errorf("%d buckets, the original has %d", len(b), len(a))
	}
	for name, ca := range a {
		if cb, ok := b[name]; !ok || ca != cb {
			return fmt.Errorf("bucket %s: %d keys, sequence %d; the original has %d, %d", name, cb.keys, cb.seq, ca.keys, ca.seq)
		}
	}
	return dst.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
}

// fsync flushes the file at path, data and metadata, whichever
// descriptor wrote it.
func fsync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// wipe overwrites the first n bytes of f with zeros and syncs it.
func wipe(f *os.File, n int64) error {
	zeros := make([]byte, 1<<20)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	for n > 0 {
		c := min(n, int64(len(zeros)))
		if _, err := f.Write(zeros[:c]); err != nil {
			return err
		}
		n -= c
	}
	return f.Sync()
}
