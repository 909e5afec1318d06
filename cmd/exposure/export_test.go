package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/psd-tools/exposure/export"
	"github.com/psd-tools/exposure/export/exporttest"
	"github.com/psd-tools/exposure/store"
)

// runCLI runs the binary's entry point and returns exit code and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--log-level", "error"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// fixtureDB builds the export fixture and closes it so the CLI can open
// the file.
func fixtureDB(t *testing.T) (*exporttest.Fixture, string) {
	t.Helper()
	fx := exporttest.Build(t)
	fx.DB.Close()
	return fx, fx.Path
}

func TestExportVerifyCLI(t *testing.T) {
	t.Setenv("EXPOSURE_OPERATOR", "op-dave")
	fx, db := fixtureDB(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "packs", "ref-a")

	// No key yet: one line, exit 2, nothing written.
	code, _, stderr := runCLI(t, "--db", db, "export", "--referral", fx.RefA.ID, "--out", out)
	if code != exitInput || !strings.Contains(stderr, "keys init") || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("no key: %d %q", code, stderr)
	}
	if _, err := os.Stat(out); err == nil {
		t.Fatal("export without a key wrote its folder")
	}
	code, stdout, stderr := runCLI(t, "--db", db, "keys", "init")
	if code != 0 || !strings.Contains(stdout, "fingerprint") {
		t.Fatalf("keys init: %d %s %s", code, stdout, stderr)
	}
	keyDir := filepath.Join(filepath.Dir(db), "exposure-keys")
	st, err := os.Stat(filepath.Join(keyDir, export.PrivateKeyFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key: %v %v", st, err)
	}
	if code, _, stderr := runCLI(t, "--db", db, "keys", "init"); code != exitInput || !strings.Contains(stderr, "already exists") {
		t.Fatalf("second keys init: %d %q", code, stderr)
	}

	code, stdout, stderr = runCLI(t, "--db", db, "export", "--referral", fx.RefA.ID, "--out", out)
	if code != 0 || !strings.Contains(stdout, "referral.html") || !strings.Contains(stdout, "evidence/capture.warc.gz") {
		t.Fatalf("export: %d\n%s\n%s", code, stdout, stderr)
	}
	pub := filepath.Join(keyDir, export.PublicKeyFile)
	for _, pack := range []string{out, out + ".zip"} {
		code, stdout, stderr = runCLI(t, "verify", "--pubkey", pub, pack)
		if code != 0 || !strings.HasPrefix(stdout, "OK ") || !strings.Contains(stdout, "trusted key") {
			t.Fatalf("verify %s: %d %s %s", pack, code, stdout, stderr)
		}
	}
	// The export is in the audit log with the operator.
	code, stdout, _ = runCLI(t, "--db", db, "audit", "list", "--format", "json")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	var last store.AuditEntry
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || code != 0 {
		t.Fatal(code, err)
	}
	if last.Action != store.ActExport || last.Actor != "op-dave" || last.Subject != fx.RefA.ID {
		t.Fatalf("last audit entry = %+v", last)
	}

	// Bad input: each is one line on stderr and exit 2.
	other := filepath.Join(dir, "other.pub")
	os.WriteFile(other, []byte("-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----\n"), 0o644)
	tampered := filepath.Join(dir, "tampered")
	os.CopyFS(tampered, os.DirFS(out))
	os.WriteFile(filepath.Join(tampered, "referral.csv"), []byte("edited"), 0o644)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown referral", []string{"--db", db, "export", "--referral", "REF-1999-00042", "--out", filepath.Join(dir, "x")}, "unknown referral"},
		{"unknown force", []string{"--db", db, "export", "--force", "Atlantis Constabulary", "--out", filepath.Join(dir, "x")}, "unknown force"},
		{"force without referrals", []string{"--db", db, "export", "--force", "Gwent Police", "--out", filepath.Join(dir, "x")}, "no referrals"},
		{"bad since", []string{"--db", db, "export", "--force", exporttest.ForceA, "--since", "last week", "--out", filepath.Join(dir, "x")}, "--since"},
		{"both", []string{"--db", db, "export", "--force", exporttest.ForceA, "--referral", "R", "--out", filepath.Join(dir, "x")}, "not both"},
		{"not empty", []string{"--db", db, "export", "--referral", fx.RefA.ID, "--out", out}, "not empty"},
		{"missing key file", []string{"--db", db, "export", "--referral", fx.RefA.ID, "--key", filepath.Join(dir, "nope.key"), "--out", filepath.Join(dir, "x")}, "does not exist"},
		{"tampered", []string{"verify", tampered}, "referral.csv"},
		{"wrong key", []string{"verify", "--pubkey", other, out}, "not the trusted key"},
		{"missing pubkey", []string{"verify", "--pubkey", filepath.Join(dir, "none.pub"), out}, "does not exist"},
		{"not a pack", []string{"verify", filepath.Join(dir, "nothing-here")}, "no such file"},
		{"missing db", []string{"--db", filepath.Join(dir, "none.db"), "audit", "verify"}, "does not exist"},
	}
	for _, c := range cases {
		code, stdout, stderr := runCLI(t, c.args...)
		if code != exitInput || !strings.Contains(stderr, c.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q (stdout %q)", c.name, code, stderr, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x")); err == nil {
		t.Error("a failed export left its folder")
	}
	// verify names every failing file on stdout.
	_, stdout, _ = runCLI(t, "verify", tampered)
	if !strings.Contains(stdout, "FAIL referral.csv: ") {
		t.Errorf("verify output: %q", stdout)
	}
	// A group-readable private key is refused.
	os.Chmod(filepath.Join(keyDir, export.PrivateKeyFile), 0o644)
	if code, _, stderr := runCLI(t, "--db", db, "export", "--referral", fx.RefA.ID, "--out", filepath.Join(dir, "y")); code != exitInput || !strings.Contains(stderr, "readable by others") {
		t.Errorf("loose key: %d %q", code, stderr)
	}
}

func TestForceExportCLI(t *testing.T) {
	t.Setenv("EXPOSURE_OPERATOR", "op-dave")
	fx, db := fixtureDB(t)
	dir := t.TempDir()
	if code, _, stderr := runCLI(t, "--db", db, "keys", "init", "--dir", filepath.Join(dir, "k")); code != 0 {
		t.Fatal(stderr)
	}
	code, stdout, stderr := runCLI(t, "--db", db, "export", "--force", "kent police", "--since", "2026-01-01",
		"--key", filepath.Join(dir, "k", "signing.key"), "--out", filepath.Join(dir, "kent"))
	if code != 0 || !strings.Contains(stdout, fx.RefB.ID) || !strings.Contains(stdout, exporttest.ForceB) {
		t.Fatalf("%d %s %s", code, stdout, stderr)
	}
	code, _, stderr = runCLI(t, "--db", db, "export", "--force", exporttest.ForceB, "--since", "2027-01-01",
		"--key", filepath.Join(dir, "k", "signing.key"), "--out", filepath.Join(dir, "kent2"))
	if code != exitInput || !strings.Contains(stderr, "since 2027-01-01") {
		t.Fatalf("%d %s", code, stderr)
	}
}

// tamperAudit opens the bbolt file directly, as an attacker with the file
// would, and edits or deletes one audit entry.
func tamperAudit(t *testing.T, path string, fn func(b *bolt.Bucket) error) {
	t.Helper()
	bdb, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	if err := bdb.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket([]byte("audit"))) }); err != nil {
		t.Fatal(err)
	}
}

func seq(n uint64) []byte {
	b := make([]byte, 8)
	for i := 7; i >= 0; i-- {
		b[i] = byte(n)
		n >>= 8
	}
	return b
}

func TestAuditCLI(t *testing.T) {
	_, db := fixtureDB(t)
	code, stdout, _ := runCLI(t, "--db", db, "audit", "verify")
	if code != 0 || !strings.HasPrefix(stdout, "audit log intact: ") {
		t.Fatalf("%d %s", code, stdout)
	}
	code, stdout, _ = runCLI(t, "--db", db, "audit", "list", "--from", "3")
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if code != 0 || !strings.HasPrefix(strings.TrimSpace(lines[0]), "3  ") {
		t.Fatalf("list --from 3: %d %q", code, stdout)
	}
	// The hostile note is quoted, not passed raw to the terminal.
	if !strings.Contains(stdout, `note="=HYPERLINK(\"http://evil\") second look: agreed"`) {
		t.Errorf("note not quoted: %s", stdout)
	}
	if code, _, stderr := runCLI(t, "--db", db, "audit", "list", "--format", "xml"); code != exitInput || !strings.Contains(stderr, "--format") {
		t.Errorf("bad format: %d %s", code, stderr)
	}

	// An edited entry: its own hash no longer matches.
	tamperAudit(t, db, func(b *bolt.Bucket) error {
		v := b.Get(seq(4))
		return b.Put(seq(4), bytes.Replace(v, []byte("rev-carol"), []byte("rev-mallo"), 1))
	})
	code, _, stderr := runCLI(t, "--db", db, "audit", "verify")
	if code != exitInput || !strings.Contains(stderr, "broken at entry 4") || !strings.Contains(stderr, "altered") {
		t.Fatalf("edited: %d %q", code, stderr)
	}
}

func TestAuditDeletedEntryCLI(t *testing.T) {
	_, db := fixtureDB(t)
	tamperAudit(t, db, func(b *bolt.Bucket) error { return b.Delete(seq(5)) })
	code, _, stderr := runCLI(t, "--db", db, "audit", "verify")
	if code != exitInput || !strings.Contains(stderr, "broken at entry 5") || !strings.Contains(stderr, "missing") {
		t.Fatalf("deleted: %d %q", code, stderr)
	}
}

func TestPurgeCLI(t *testing.T) {
	t.Setenv("EXPOSURE_OPERATOR", "op-erin")
	_, db := fixtureDB(t)
	// The fixture's data is from 2026-01; "now" is later, so a 1d
	// retention purges the dismissed post, while a 6y referral retention
	// keeps the referrals.
	code, stdout, stderr := runCLI(t, "--db", db, "purge", "--older-than", "1d", "--dry-run")
	if code != 0 || !strings.HasPrefix(stdout, "Dry run: would delete 0 profile(s), 1 post(s), 0 referral(s)") ||
		!strings.Contains(stdout, "twitter/12") {
		t.Fatalf("dry run: %d %s %s", code, stdout, stderr)
	}
	code, stdout, _ = runCLI(t, "--db", db, "purge", "--older-than", "1d", "--format", "json")
	var res store.PurgeResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != 0 || len(res.Posts) != 1 || res.Tombstone == nil {
		t.Fatalf("purge: %d %v %s", code, err, stdout)
	}
	_, stdout, _ = runCLI(t, "--db", db, "audit", "list", "--from", strconv.FormatUint(res.Tombstone.Seq, 10))
	if !strings.Contains(stdout, "op-erin") || !strings.Contains(stdout, "purge") || !strings.Contains(stdout, "audit_redacted=1") {
		t.Fatalf("tombstone: %s", stdout)
	}
	// The dismissed post's review stays in the log without its subject
	// and reason, shown as redacted; the chain still verifies.
	_, stdout, _ = runCLI(t, "--db", db, "audit", "list")
	if !strings.Contains(stdout, "review                [redacted]  decision=dismiss from=new reason=[redacted] to=dismissed  (redacted by purge, entry "+
		strconv.FormatUint(res.Tombstone.Seq, 10)+")") || strings.Contains(stdout, "ordinary grumble") || strings.Contains(stdout, "twitter/12") {
		t.Fatalf("redacted review: %s", stdout)
	}
	if code, stdout, _ := runCLI(t, "--db", db, "audit", "verify"); code != 0 || !strings.Contains(stdout, "intact") {
		t.Fatalf("verify after purge: %d %s", code, stdout)
	}
	for _, bad := range [][]string{{"--older-than", "6m"}, {"--older-than", "0d"}, {"--older-than", "soon"}, {"--referral-retention", ""}} {
		code, _, stderr := runCLI(t, append([]string{"--db", db, "purge", "--dry-run"}, bad...)...)
		if code != exitInput || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: %d %q", bad, code, stderr)
		}
	}
}

func TestParseRetention(t *testing.T) {
	for in, want := range map[string]time.Duration{"6mo": 180 * 24 * time.Hour, "180d": 180 * 24 * time.Hour,
		"1y": 365 * 24 * time.Hour, "2w": 14 * 24 * time.Hour, "36h": 36 * time.Hour, "1y6mo": 545 * 24 * time.Hour} {
		if got, err := parseRetention("--older-than", in); err != nil || got != want {
			t.Errorf("%s: %v %v, want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "6", "mo", "6m", "-6mo", "23h", "0d", "soon"} {
		if _, err := parseRetention("--older-than", in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

// A store written before audit entries were sealed verifies as before; a
// purge redacts its entries about deleted data, the chain still verifies,
// and an edit of a redacted entry is still caught.
func TestPurgeLegacyStoreCLI(t *testing.T) {
	t.Setenv("EXPOSURE_OPERATOR", "op-erin")
	raw, err := os.ReadFile("../../testdata/store/legacy-v1.db")
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "legacy.db")
	if err := os.WriteFile(db, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, stdout, _ := runCLI(t, "--db", db, "audit", "verify"); code != 0 || !strings.HasPrefix(stdout, "audit log intact: 16 entries") {
		t.Fatalf("legacy verify: %d %s", code, stdout)
	}
	code, stdout, stderr := runCLI(t, "--db", db, "purge", "--older-than", "1d", "--dry-run")
	if code != 0 || !strings.Contains(stdout, "Would redact the personal values of 3 audit entries about deleted data (3 written before entries were sealed)") {
		t.Fatalf("dry run: %d %s %s", code, stdout, stderr)
	}
	if got, _ := os.ReadFile(db); !bytes.Equal(got, raw) {
		t.Fatal("the dry run changed the file")
	}
	code, stdout, _ = runCLI(t, "--db", db, "purge", "--older-than", "1d")
	if code != 0 || !strings.Contains(stdout, "Redacted the personal values of 3 audit entries") {
		t.Fatalf("purge: %d %s", code, stdout)
	}
	_, stdout, _ = runCLI(t, "--db", db, "audit", "list")
	for _, gone := range []string{"Jo Legacy", "hu4", "ordinary grumble"} {
		if strings.Contains(stdout, gone) {
			t.Errorf("audit list still shows %q:\n%s", gone, stdout)
		}
	}
	if n := strings.Count(stdout, "(redacted by purge, entry 17)"); n != 3 {
		t.Errorf("%d entries shown as redacted, want 3:\n%s", n, stdout)
	}
	// 17 is the tombstone, 18 the compaction.
	if code, stdout, _ := runCLI(t, "--db", db, "audit", "verify"); code != 0 || !strings.HasPrefix(stdout, "audit log intact: 18 entries") {
		t.Fatalf("verify after purge: %d %s", code, stdout)
	}
	// Entry 7 is t-12's redacted review: its remaining fields are vouched
	// for by the tombstone, entry 17.
	tamperAudit(t, db, func(b *bolt.Bucket) error {
		return b.Put(seq(7), bytes.Replace(b.Get(seq(7)), []byte(`"dismiss"`), []byte(`"confirm"`), 1))
	})
	code, _, stderr = runCLI(t, "--db", db, "audit", "verify")
	if code != exitInput || !strings.Contains(stderr, "broken at entry 17") || !strings.Contains(stderr, "digest") {
		t.Fatalf("edited redacted legacy entry: %d %q", code, stderr)
	}
}

// rawHolds reports whether the bytes of the file at path contain s.
func rawHolds(t *testing.T, path, s string) bool {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Contains(raw, []byte(s))
}

// purge --compact (the default) leaves no byte of the purged review's
// reason in the file; --compact=false leaves the file as bbolt does, and a
// later purge with nothing to delete still compacts. A compaction that
// fails leaves the file as the purge left it and says so in one line.
func TestPurgeCompactCLI(t *testing.T) {
	t.Setenv("EXPOSURE_OPERATOR", "op-erin")
	const secret = "ordinary grumble" // the reason of t-12's dismissal, purged with 1d
	_, db := fixtureDB(t)
	if !rawHolds(t, db, secret) {
		t.Fatal("the fixture does not hold the secret: the test could not fail")
	}
	code, stdout, stderr := runCLI(t, "--db", db, "purge", "--older-than", "1d", "--compact=false")
	if code != 0 || strings.Contains(stdout, "Compacted") {
		t.Fatalf("purge --compact=false: %d %s %s", code, stdout, stderr)
	}
	t.Logf("after the purge without compaction the file holds the reason: %v", rawHolds(t, db, secret))

	// A real failure: a directory where the temporary file goes.
	blocker := filepath.Join(db+".compact", "x")
	if err := os.MkdirAll(blocker, 0o700); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runCLI(t, "--db", db, "purge", "--older-than", "1d")
	if code != exitFailure || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "the purge is committed (audit entry 13), but the file was not compacted") ||
		!strings.HasPrefix(stdout, "Deleted 0 profile(s), 0 post(s)") {
		t.Fatalf("blocked compaction: %d %q %q", code, stdout, stderr)
	}
	// The file is as the purge left it (store's TestCompactFailureKeepsOriginal
	// checks it byte for byte): its last entry is the tombstone.
	if code, stdout, _ := runCLI(t, "--db", db, "audit", "verify"); code != 0 || !strings.HasPrefix(stdout, "audit log intact: 13 entries") {
		t.Fatalf("verify after the failed compaction: %d %s", code, stdout)
	}
	if err := os.RemoveAll(db + ".compact"); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr = runCLI(t, "--db", db, "purge", "--older-than", "1d", "--format", "json")
	var res struct {
		store.PurgeResult
		Compact *store.CompactResult `json:"compact"`
	}
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || code != 0 || !res.Empty() || res.Compact == nil ||
		res.Compact.BytesAfter <= 0 || res.Compact.BytesAfter > res.Compact.BytesBefore || res.Compact.Audit.Action != store.ActCompact {
		t.Fatalf("compaction: %d %v %s %s", code, err, stdout, stderr)
	}
	if rawHolds(t, db, secret) {
		t.Error("after compaction the file still holds the purged reason")
	}
	if _, err := os.Stat(db + ".compact"); !os.IsNotExist(err) {
		t.Errorf("temporary file left: %v", err)
	}
	_, stdout, _ = runCLI(t, "--db", db, "audit", "list", "--from", strconv.FormatUint(res.Compact.Audit.Seq, 10))
	if !strings.Contains(stdout, "store.compact") || !strings.Contains(stdout, "bytes_before=") {
		t.Fatalf("audit entry: %s", stdout)
	}
	if code, stdout, _ := runCLI(t, "--db", db, "audit", "verify"); code != 0 || !strings.Contains(stdout, "intact") {
		t.Fatalf("verify after compaction: %d %s", code, stdout)
	}
	// A dry run never compacts.
	was, _ := os.ReadFile(db)
	code, stdout, _ = runCLI(t, "--db", db, "purge", "--older-than", "1d", "--dry-run", "--compact")
	if now, _ := os.ReadFile(db); code != 0 || !bytes.Equal(now, was) || !strings.Contains(stdout, "Dry run: the file is not compacted") {
		t.Fatalf("dry run: %d %s", code, stdout)
	}
}

// No real value prints as the redaction mark.
func TestAuditLineRedactedMark(t *testing.T) {
	e := store.AuditEntry{Seq: 3, Actor: "op", Action: "review", Subject: "[redacted]", Detail: map[string]string{"note": "[redacted]"}}
	if got := auditLine(e); strings.Count(got, `"[redacted]"`) != 2 {
		t.Errorf("literal mark not quoted: %s", got)
	}
}
