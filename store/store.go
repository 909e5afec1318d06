package store

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the layout this binary writes. Open migrates files with a
// lower version and refuses files with a higher one.
const SchemaVersion = 2

// Errors callers branch on.
var (
	// ErrInUse means another process holds the database file.
	ErrInUse = errors.New("database is in use by another exposure process")
	// ErrNewerSchema means the file was written by a newer exposure.
	ErrNewerSchema = errors.New("database was written by a newer exposure")
	// ErrNotExposure means the file is not a bbolt file, or is corrupt, or
	// is a bbolt file that exposure did not create.
	ErrNotExposure = errors.New("not an exposure database, or the file is corrupt")
	// ErrNotFound means the record asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrMissing means the database file does not exist and the caller did
	// not ask to create it.
	ErrMissing = errors.New("database file does not exist")
	// ErrReadOnly means the file, its folder or its file system cannot be
	// written, and the caller asked to write.
	ErrReadOnly = errors.New("database file cannot be written (read-only file, folder or file system)")
)

// Bucket names.
var (
	bMeta            = []byte("meta")
	bProfiles        = []byte("profiles")
	bProfilesByForce = []byte("profiles_by_force")
	bPosts           = []byte("posts")
	bPostsByProfile  = []byte("posts_by_profile")
	bPayloads        = []byte("payloads")
	bFlags           = []byte("flags")
	bFlagsByState    = []byte("flags_by_state")
	bReviews         = []byte("reviews")
	bReferrals       = []byte("referrals")
	bReferralsByForc = []byte("referrals_by_force")
	bReferred        = []byte("referred")
	bChecks          = []byte("checks")
	bSweeps          = []byte("sweeps")
	bCheckpoints     = []byte("checkpoints")
	bAudit           = []byte("audit")
)

var allBuckets = [][]byte{bMeta, bProfiles, bProfilesByForce, bPosts, bPostsByProfile, bPayloads,
	bFlags, bFlagsByState, bReviews, bReferrals, bReferralsByForc, bReferred, bChecks, bSweeps,
	bCheckpoints, bAudit}

// Options configure Open.
type Options struct {
	// Timeout bounds the wait for the file lock (default 2s).
	Timeout time.Duration
	// ReadOnly opens the file with a shared lock and no writes.
	ReadOnly bool
	// Create allows Open to create a missing file. Commands that only read
	// or change existing data leave it false, so that a mistyped --db path
	// is reported rather than silently creating an empty database.
	Create bool
	// NoSync skips fsync on commit; for benchmarks and throwaway demo
	// databases only.
	NoSync bool
	// Owner describes the process holding the file ("exposure serve at
	// http://127.0.0.1:8080"). A writable Open records it beside the file
	// so that a second process that cannot get the lock can say who has it.
	Owner string
}

// DB is an open exposure database.
type DB struct {
	bolt  *bolt.DB
	path  string
	now   func() time.Time
	owner bool // this process wrote the owner note
	// file is the file bolt opened, to tell whether a compaction by
	// another process has since replaced the path.
	file     os.FileInfo
	readOnly bool
	// staleTemp: Open removed a compaction's temporary file left by a
	// process that stopped mid-way.
	staleTemp bool
	// released is when releaseMapped last ran (UnixNano).
	released atomic.Int64
}

// migration upgrades a file from version v to v+1 inside one transaction.
type migration func(tx *bolt.Tx) error

// migrations[v] upgrades from v to v+1. Version 0 is a file whose meta
// bucket has not been written yet (created by an interrupted first Open).
var migrations = map[int]migration{
	0: func(tx *bolt.Tx) error { return nil },
	// 2: new audit entries are sealed (AuditEntry.Seal) so that a purge
	// can redact them. Entries already written stay as they are and still
	// verify; the version changes so that an older binary, which would
	// take a sealed entry for an altered one, refuses the file instead.
	1: func(tx *bolt.Tx) error { return nil },
}

// Open opens (and with Options.Create, creates) the database at path.
func Open(path string, opt Options) (*DB, error) {
	if opt.Timeout == 0 {
		opt.Timeout = 2 * time.Second
	}
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if !opt.Create || opt.ReadOnly {
			return nil, fmt.Errorf("open %s: %w (run 'exposure sweep' or 'exposure demo' first, or check --db)", path, ErrMissing)
		}
	case err != nil:
		return nil, fmt.Errorf("open %s: %w", path, err)
	case st.IsDir():
		return nil, fmt.Errorf("open %s: is a directory, not a database file", path)
	}
	bdb, file, err := openBolt(path, &bolt.Options{Timeout: opt.Timeout, ReadOnly: opt.ReadOnly, NoSync: opt.NoSync})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			if owner := readOwner(path); owner != "" {
				return nil, fmt.Errorf("open %s: %w (%s)", path, ErrInUse, owner)
			}
			return nil, fmt.Errorf("open %s: %w", path, ErrInUse)
		}
		if errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrVersionMismatch) || errors.Is(err, berrors.ErrChecksum) {
			return nil, fmt.Errorf("open %s: %w", path, ErrNotExposure)
		}
		if !opt.ReadOnly && (errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS)) {
			// Not a sign of a foreign or corrupt file: say what it is, and
			// that reading still works.
			return nil, fmt.Errorf("open %s: %w: %v; commands that only read (review list, report, audit verify) still work", path, ErrReadOnly, errors.Unwrap(err))
		}
		return nil, fmt.Errorf("open %s: %w (%w)", path, ErrNotExposure, err)
	}
	db := &DB{bolt: bdb, path: path, now: time.Now, file: file, readOnly: opt.ReadOnly}
	if err := db.init(opt.ReadOnly); err != nil {
		bdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if !opt.ReadOnly {
		// With the lock held no compaction is running, so a temporary
		// file is one an interrupted compaction left: a full copy of the
		// data that no purge would reach. Only a regular file is removed.
		real := path
		if r, err := filepath.EvalSymlinks(path); err == nil {
			real = r
		}
		if st, err := os.Lstat(compactTemp(real)); err == nil && st.Mode().IsRegular() {
			if err := os.Remove(compactTemp(real)); err == nil {
				db.staleTemp = true
			}
		}
		owner := opt.Owner
		if owner == "" {
			owner = "exposure"
		}
		// Best effort: the owner note only improves an error message.
		_ = os.WriteFile(ownerPath(path), []byte(fmt.Sprintf("%s, pid %d, since %s", owner, os.Getpid(),
			time.Now().Format("15:04:05"))), 0o600)
		db.owner = true
	}
	return db, nil
}

func ownerPath(path string) string { return path + ".owner" }

// openBolt opens path with bolt and returns the file it opened. A
// compaction by another process renames a new file over path while this
// process may be waiting for the old file's lock; once that is released
// bolt would hold a file no longer at path, and every write would go to a
// deleted file. So the file at path is pinned before bolt opens it and
// compared after the lock is held: a file replaced meanwhile is opened
// again (the pinned file cannot be freed and its inode reused while
// pinned, so the same inode means the same file).
func openBolt(path string, bo *bolt.Options) (*bolt.DB, os.FileInfo, error) {
	for try := 0; ; try++ {
		var pinned os.FileInfo
		if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() {
			if f, err := os.Open(path); err == nil {
				pinned, _ = f.Stat()
				defer f.Close()
			}
		}
		bdb, err := bolt.Open(path, 0o600, bo)
		now, serr := os.Stat(path)
		if pinned == nil || (serr == nil && os.SameFile(pinned, now)) {
			return bdb, now, err
		}
		if bdb != nil {
			bdb.Close()
		}
		if try == 2 {
			return nil, nil, fmt.Errorf("%w: the file was replaced while opening it (a compaction by another process)", ErrInUse)
		}
	}
}

// readOwner returns the owner note beside a locked file, if any.
func readOwner(path string) string {
	b, err := os.ReadFile(ownerPath(path))
	if err != nil || len(b) > 512 {
		return ""
	}
	return string(bytes.TrimSpace(b))
}

// init checks the schema version and creates or migrates the buckets.
func (db *DB) init(readOnly bool) error {
	version := func(tx *bolt.Tx) (int, bool, error) {
		m := tx.Bucket(bMeta)
		if m == nil {
			// A bbolt file with buckets but no meta is someone else's.
			empty := true
			_ = tx.ForEach(func([]byte, *bolt.Bucket) error { empty = false; return nil })
			if !empty {
				return 0, false, ErrNotExposure
			}
			return 0, false, nil
		}
		raw := m.Get([]byte("schema"))
		if raw == nil {
			return 0, true, nil
		}
		v, err := strconv.Atoi(string(raw))
		if err != nil {
			return 0, true, fmt.Errorf("%w: schema version %q", ErrNotExposure, raw)
		}
		return v, true, nil
	}
	if readOnly {
		return db.bolt.View(func(tx *bolt.Tx) error {
			v, ok, err := version(tx)
			if err != nil {
				return err
			}
			if !ok {
				return ErrNotExposure
			}
			return checkVersion(v)
		})
	}
	return db.bolt.Update(func(tx *bolt.Tx) error {
		v, _, err := version(tx)
		if err != nil {
			return err
		}
		if err := checkVersion(v); err != nil {
			return err
		}
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		for ; v < SchemaVersion; v++ {
			m, ok := migrations[v]
			if !ok {
				return fmt.Errorf("no migration from schema version %d", v)
			}
			if err := m(tx); err != nil {
				return fmt.Errorf("migrate schema %d to %d: %w", v, v+1, err)
			}
		}
		meta := tx.Bucket(bMeta)
		if meta.Get([]byte("created")) == nil {
			if err := meta.Put([]byte("created"), []byte(db.now().UTC().Format(time.RFC3339))); err != nil {
				return err
			}
		}
		return meta.Put([]byte("schema"), []byte(strconv.Itoa(SchemaVersion)))
	})
}

func checkVersion(v int) error {
	if v > SchemaVersion {
		return fmt.Errorf("%w: file schema version %d, this binary supports up to %d; upgrade exposure", ErrNewerSchema, v, SchemaVersion)
	}
	return nil
}

// Close closes the file and releases its lock.
func (db *DB) Close() error {
	if db.owner {
		_ = os.Remove(ownerPath(db.path))
		db.owner = false
	}
	return db.bolt.Close()
}

// RemovedStaleTemp reports whether Open removed the temporary file of a
// compaction that was interrupted (see Compact).
func (db *DB) RemovedStaleTemp() bool { return db.staleTemp }

// Path is the file the database was opened from.
func (db *DB) Path() string { return db.path }

// SetClock replaces the clock used for record times (tests, and the demo's
// advancing world).
func (db *DB) SetClock(now func() time.Time) { db.now = now }

// Check runs bbolt's consistency check and returns the first problem.
func (db *DB) Check() error {
	return db.bolt.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	})
}

// ---- key and value helpers ----

const sep = 0

// k joins key parts with a NUL separator. Ids and names never contain NUL
// (the pipeline rejects input that does).
func k(parts ...string) []byte {
	n := len(parts)
	for _, p := range parts {
		n += len(p)
	}
	b := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, sep)
		}
		b = append(b, p...)
	}
	return b
}

// prefix is k(parts...) followed by a separator, for prefix scans.
func prefix(parts ...string) []byte { return append(k(parts...), sep) }

func seqKey(n uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, n)
	return b
}

func seqString(n uint64) string { return string(seqKey(n)) }

// timeKey is a fixed-width UTC timestamp that sorts as text.
func timeKey(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

func put(b *bolt.Bucket, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, raw)
}

func get(b *bolt.Bucket, key []byte, v any) error {
	raw := b.Get(key)
	if raw == nil {
		return ErrNotFound
	}
	return decode(raw, v)
}

func decode(raw []byte, v any) error {
	if err := json.Unmarshal(raw, v); err != nil {
		return fmt.Errorf("%w: bad record: %v", ErrNotExposure, err)
	}
	return nil
}

// scan calls fn for every key with the given prefix, in key order.
func scan(b *bolt.Bucket, pfx []byte, fn func(k, v []byte) error) error {
	c := b.Cursor()
	for key, v := c.Seek(pfx); key != nil && bytes.HasPrefix(key, pfx); key, v = c.Next() {
		if err := fn(key, v); err != nil {
			return err
		}
	}
	return nil
}

// lastPart returns what follows the last separator in key.
func lastPart(key []byte) string {
	if i := bytes.LastIndexByte(key, sep); i >= 0 {
		return string(key[i+1:])
	}
	return string(key)
}

// errStop ends a scan early without error.
var errStop = errors.New("stop")

// Stop may be returned by a callback to end an iteration early; the
// iteration then returns nil.
var Stop = errStop

func endScan(err error) error {
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}
