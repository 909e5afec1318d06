package store_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/psd-tools/exposure/store"
)

// holds reports which of strs the raw bytes of the file at path contain.
func holds(t *testing.T, path string, strs ...string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range strs {
		if bytes.Contains(raw, []byte(s)) {
			out = append(out, s)
		}
	}
	return out
}

func noTemp(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path + ".compact"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary file left behind: %v", err)
	}
}

func TestCompactRemovesPurgedBytes(t *testing.T) {
	fx := notesFixture(t)
	path := fx.Path
	fx.DB.Close()
	if got := holds(t, path, secretHandle, secretNote); len(got) != 2 {
		t.Fatalf("before the purge the file holds only %q: the test could not fail", got)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	db := reopen(t, path)
	res, err := db.Purge(notesPurge(false))
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// The gap compaction closes: the purge left the bytes in freed pages.
	// This depends on which pages bbolt reuses; it held in 100 runs of 100
	// with bbolt 1.5.0. Should an upgrade make it fail, the fixture needs
	// another way to leave bytes in free pages, or the check below after
	// compaction proves nothing.
	if got := holds(t, path, secretHandle, secretNote); len(got) != 2 {
		t.Errorf("after the purge, before compaction, the file holds only %q", got)
	}
	before := dumpFile(t, path)
	st, _ := os.Stat(path)

	db = reopen(t, path)
	c, err := db.Compact("op-erin", res.Tombstone.Seq)
	if err != nil {
		t.Fatal(err)
	}
	if c.BytesBefore != st.Size() || c.BytesAfter <= 0 || c.BytesAfter > c.BytesBefore {
		t.Errorf("sizes %+v, file was %d", c, st.Size())
	}
	e := c.Audit
	if e == nil || e.Action != store.ActCompact || e.Actor != "op-erin" || e.Detail["tombstone"] != strconv.FormatUint(res.Tombstone.Seq, 10) ||
		e.Detail["bytes_before"] != strconv.FormatInt(st.Size(), 10) || e.Seq != res.Tombstone.Seq+1 {
		t.Errorf("audit entry %+v", e)
	}
	// The handle now works on the new file.
	if _, err := db.Audit("op-erin", "lookup", "x", nil); err != nil {
		t.Fatal(err)
	}
	if n, err := db.VerifyAudit(); err != nil || n != int(res.Tombstone.Seq)+2 {
		t.Fatalf("verify after compaction: %d %v", n, err)
	}
	db.Close()
	noTemp(t, path)

	if got := holds(t, path, secretHandle, secretNote); len(got) > 0 {
		t.Errorf("after compaction the file still holds %q", got)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v, want 0640", st.Mode().Perm())
	}
	after := dumpFile(t, path)
	for _, seq := range []uint64{e.Seq, e.Seq + 1} {
		key := "audit/" + string([]byte{0, 0, 0, 0, 0, 0, 0, byte(seq)})
		if _, ok := after[key]; !ok {
			t.Fatalf("no audit entry %d", seq)
		}
		delete(after, key)
	}
	if !maps.Equal(before, after) {
		t.Error("the compacted file's data differs from the original's")
	}
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(raw)
}

// A compaction that fails at any step before the rename leaves the file
// byte for byte as it was, removes its temporary file, and the handle
// still works.
func TestCompactFailureKeepsOriginal(t *testing.T) {
	for _, step := range []string{"open", "copy", "rename", "blocked"} {
		t.Run(step, func(t *testing.T) {
			fx := notesFixture(t)
			db, path := fx.DB, fx.Path
			res, err := db.Purge(notesPurge(false))
			if err != nil {
				t.Fatal(err)
			}
			was := sum(t, path)
			n, err := db.VerifyAudit()
			if err != nil {
				t.Fatal(err)
			}
			if step == "blocked" {
				// A real failure: a directory where the temporary file
				// goes (a regular file there would be removed).
				if err := os.MkdirAll(filepath.Join(path+".compact", "x"), 0o700); err != nil {
					t.Fatal(err)
				}
			} else {
				store.SetCompactFault(func(s string) error {
					if s == step {
						return errors.New("injected")
					}
					return nil
				})
				t.Cleanup(func() { store.SetCompactFault(nil) })
			}
			if _, err := db.Compact("op-erin", res.Tombstone.Seq); err == nil {
				t.Fatal("no error")
			} else {
				t.Log(err)
			}
			if sum(t, path) != was {
				t.Error("the original file changed")
			}
			if step != "blocked" {
				noTemp(t, path)
			}
			if m, err := db.VerifyAudit(); err != nil || m != n {
				t.Errorf("verify after the failure: %d %v", m, err)
			}
			if _, err := db.Audit("op-erin", "lookup", "x", nil); err != nil {
				t.Errorf("the handle no longer works: %v", err)
			}
			db.Close()
		})
	}
}

// A failed directory sync comes after the rename: the new file is the
// database, the error says so, and the handle uses the new file.
func TestCompactDirSyncFailure(t *testing.T) {
	fx := notesFixture(t)
	db, path := fx.DB, fx.Path
	store.SetCompactFault(func(s string) error {
		if s == "syncdir" {
			return errors.New("injected")
		}
		return nil
	})
	t.Cleanup(func() { store.SetCompactFault(nil) })
	c, err := db.Compact("op-erin", 0)
	if err == nil || c.Audit == nil {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := db.Audit("op-erin", "lookup", "x", nil); err != nil {
		t.Fatal(err)
	}
	if n, err := db.VerifyAudit(); err != nil || n != int(c.Audit.Seq)+1 {
		t.Fatalf("verify: %d %v", n, err)
	}
	db.Close()
	noTemp(t, path)
}

// The temporary file of an interrupted compaction is removed by the next
// writable Open, and left by a read-only one.
func TestStaleCompactTemp(t *testing.T) {
	fx := notesFixture(t)
	path := fx.Path
	fx.DB.Close()
	if err := os.WriteFile(path+".compact", []byte(secretNote), 0o600); err != nil {
		t.Fatal(err)
	}
	ro, err := store.Open(path, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if ro.RemovedStaleTemp() {
		t.Error("a read-only Open removed it")
	}
	ro.Close()
	db := reopen(t, path)
	if !db.RemovedStaleTemp() {
		t.Error("not reported")
	}
	noTemp(t, path)
}

// A process that was waiting for the lock when another compacted the file
// must not end up writing to the old, replaced file: it opens the new one.
func TestOpenWhileCompacting(t *testing.T) {
	fx := notesFixture(t)
	db, path := fx.DB, fx.Path
	type opened struct {
		db  *store.DB
		err error
	}
	done := make(chan opened, 1)
	go func() {
		db2, err := store.Open(path, store.Options{Timeout: 10 * time.Second})
		done <- opened{db2, err}
	}()
	time.Sleep(300 * time.Millisecond) // the goroutine waits for the old file's lock
	c, err := db.Compact("op-erin", 0)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case o := <-done:
		t.Fatalf("opened while the compacting handle is open: %v", o.err)
	case <-time.After(300 * time.Millisecond):
	}
	db.Close()
	o := <-done
	if o.err != nil {
		t.Fatal(o.err)
	}
	defer o.db.Close()
	var last store.AuditEntry
	if err := o.db.AuditLog(1, func(e store.AuditEntry) error { last = e; return nil }); err != nil {
		t.Fatal(err)
	}
	if last.Seq != c.Audit.Seq || last.Action != store.ActCompact {
		t.Errorf("opened a file whose last entry is %+v", last)
	}
}

// A database reached through a symbolic link is compacted where it lives:
// the link stays a link to the compacted file.
func TestCompactThroughSymlink(t *testing.T) {
	fx := notesFixture(t)
	path := fx.Path
	fx.DB.Close()
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	db := reopen(t, link)
	if _, err := db.Compact("op-erin", 0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", st.Mode(), err)
	}
	noTemp(t, path)
	noTemp(t, link)
	db = reopen(t, link)
	var last store.AuditEntry
	if err := db.AuditLog(1, func(e store.AuditEntry) error { last = e; return nil }); err != nil {
		t.Fatal(err)
	}
	if last.Action != store.ActCompact {
		t.Errorf("the file behind the link is not the compacted one: last entry %+v", last)
	}
}
