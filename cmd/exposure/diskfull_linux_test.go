//go:build linux

package main

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// smallFS mounts a tmpfs of size bytes for the test, or skips the test
// when this process may not mount (not root, or no CAP_SYS_ADMIN, as on
// most CI machines): a small file system is the only faithful way to make
// the kernel say "no space left on device" to bbolt's writes.
func smallFS(t *testing.T, size string) (dir string, remount func(opts string)) {
	t.Helper()
	dir = t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		t.Skipf("cannot mount a tmpfs here (%v): run as root to test a full or read-only file system", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir, func(opts string) {
		t.Helper()
		flags := uintptr(syscall.MS_REMOUNT)
		if strings.Contains(opts, "ro") {
			flags |= syscall.MS_RDONLY
		}
		if err := syscall.Mount("tmpfs", dir, "tmpfs", flags, opts); err != nil {
			t.Fatalf("remount %s: %v", opts, err)
		}
	}
}

// errLine is the last line of stderr, which holds the command's error.
func errLine(t *testing.T, stderr string) string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(stderr, "\n"), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "exposure: ") {
		t.Fatalf("stderr does not end with the error: %q", lastLines(stderr, 3))
	}
	return last
}

// TestDiskFull sweeps into a database on a full file system: the sweep
// stops with a one-line error naming the file and the cause, the store is
// consistent, and once there is room again the same command completes the
// sweep and the store equals a clean run's. An export onto a full disk
// fails the same way and leaves nothing behind and nothing in the log.
func TestDiskFull(t *testing.T) {
	cfg, refDB, _ := simEnv(t)
	mustRun(t, "reference sweep", "--db", refDB, "sweep", "--config", cfg)
	ref := dumpStore(t, refDB, dumpOptions{})
	fi, err := os.Stat(refDB)
	if err != nil {
		t.Fatal(err)
	}
	// Room for half the database the sweep needs: it runs out part way.
	size := fmt.Sprintf("%dk", max(fi.Size()/2/1024, 128))
	mnt, remount := smallFS(t, size)

	db := filepath.Join(mnt, "e.db")
	code, _, errs := exec(t, "", "--db", db, "sweep", "--config", cfg)
	if code == 0 {
		t.Fatalf("the sweep succeeded on a %s file system (its database is %d bytes)", size, fi.Size())
	}
	line := errLine(t, errs)
	t.Logf("sweep on a full disk: %s", line)
	if !strings.Contains(line, db) || !strings.Contains(line, "no space left on device") {
		t.Errorf("error line %q should name %s and the cause", line, db)
	}
	remount("size=64m")
	dumpStore(t, db, dumpOptions{}) // consistent, audit chain intact
	out := mustRun(t, "sweep with room again", "--db", db, "sweep", "--config", cfg)
	if !strings.Contains(out, "Sweep 1 complete") {
		t.Errorf("the sweep that ran out of room should be resumed:\n%s", out)
	}
	if d := sameStore(dumpStore(t, db, dumpOptions{}), ref); len(d) > 0 {
		t.Fatalf("after running out of room and resuming, the store differs from a clean run's:\n%s", strings.Join(d, "\n"))
	}

	// An export onto a full disk.
	mustRun(t, "confirm", "--db", refDB, "review", "confirm", "--all", "--reviewer", "DS Full")
	mustRun(t, "refer", "--db", refDB, "refer", "--all-forces", "--by", "DS Full")
	mustRun(t, "keys", "--db", refDB, "keys", "init")
	full, _ := smallFS(t, "64k")
	before := dumpStore(t, refDB, dumpOptions{})
	outDir := filepath.Join(full, "pack")
	code, _, errs = exec(t, "", "--db", refDB, "export", "--force", "Metropolitan Police Service", "--out", outDir, "--operator", "op")
	if code == 0 {
		t.Fatal("an export onto a 64 KiB file system succeeded")
	}
	line = errLine(t, errs)
	t.Logf("export onto a full disk: %s", line)
	if !strings.Contains(line, "no space left on device") {
		t.Errorf("export error line %q does not give the cause", line)
	}
	if ents, _ := os.ReadDir(full); len(ents) > 0 {
		t.Errorf("a failed export left %s", ents[0].Name())
	}
	if after := dumpStore(t, refDB, dumpOptions{}); after.Actions["export"] != before.Actions["export"] {
		t.Error("a failed export was written to the audit log")
	}
}

// TestReadOnlyDB opens a database on a read-only file system: commands
// that write fail with one clear line (not "corrupt"), exit 2, and change
// nothing; commands that read still work.
func TestReadOnlyDB(t *testing.T) {
	mnt, remount := smallFS(t, "64m")
	src := seedDB(t)
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(mnt, "e.db")
	if err := os.WriteFile(db, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	remount("ro")
	sum := sha256.Sum256(raw)
	for _, args := range [][]string{
		{"review", "confirm", "--all", "--reviewer", "DS RO"},
		{"refer", "--all-forces", "--by", "DS RO"},
		{"review", "note", "twitter/100", "--note", "seen", "--reviewer", "DS RO"},
	} {
		code, _, errs := exec(t, "", append([]string{"--db", db}, args...)...)
		line := errLine(t, errs)
		t.Logf("%v on a read-only file system: %s", args[:2], line)
		if code != 2 || !strings.Contains(line, "cannot be written") || strings.Contains(line, "corrupt") {
			t.Errorf("%v: exit %d, %q; want exit 2 and a line saying the file cannot be written", args, code, line)
		}
	}
	for _, args := range [][]string{{"review", "list"}, {"audit", "verify"}, {"report"}} {
		if code, _, errs := exec(t, "", append([]string{"--db", db}, args...)...); code != 0 {
			t.Errorf("%v on a read-only database: exit %d %s", args, code, lastLines(errs, 2))
		}
	}
	now, _ := os.ReadFile(db)
	if sha256.Sum256(now) != sum {
		t.Error("the read-only database changed")
	}
}

// TestCompactDiskFull purges a database on a file system with room for the
// purge but not for the compacted copy: the purge is committed, the
// compaction fails with one line giving the cause, the file is whole and
// its temporary copy gone; with room again, 'exposure purge' compacts.
func TestCompactDiskFull(t *testing.T) {
	t.Setenv("EXPOSURE_OPERATOR", "op-erin")
	mnt, _ := smallFS(t, "8m")
	_, src := fixtureDB(t)
	raw, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(mnt, "e.db")
	if err := os.WriteFile(db, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	// Leave 8 KiB: the purge writes into free pages inside the file, the
	// copy needs a file of its own.
	var fs syscall.Statfs_t
	if err := syscall.Statfs(mnt, &fs); err != nil {
		t.Fatal(err)
	}
	filler := filepath.Join(mnt, "filler")
	if err := os.WriteFile(filler, make([]byte, int64(fs.Bavail)*fs.Bsize-8<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runCLI(t, "--db", db, "purge", "--older-than", "1d")
	line := errLine(t, stderr)
	t.Logf("purge on a full disk: %s", line)
	if code != exitFailure || strings.Count(stderr, "\n") != 1 || !strings.Contains(line, "no space left on device") ||
		!strings.Contains(line, "the purge is committed") || !strings.HasPrefix(stdout, "Deleted 0 profile(s), 1 post(s)") {
		t.Fatalf("exit %d, %q %q", code, stdout, stderr)
	}
	if _, err := os.Stat(db + ".compact"); !os.IsNotExist(err) {
		t.Errorf("temporary file left on the full disk: %v", err)
	}
	if code, stdout, _ := runCLI(t, "--db", db, "audit", "verify"); code != 0 || !strings.Contains(stdout, "intact") {
		t.Fatalf("verify after the failed compaction: %d %s", code, stdout)
	}
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, "--db", db, "purge", "--older-than", "1d")
	if code != 0 || !strings.Contains(stdout, "Compacted the file") || rawHolds(t, db, "ordinary grumble") {
		t.Fatalf("with room again: %d %s %s", code, stdout, stderr)
	}
}
