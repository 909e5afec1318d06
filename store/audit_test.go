package store

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

func openTemp(t testing.TB) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "a.db"), Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// appendLegacy appends e as the code before sealing did (schema 1).
func appendLegacy(t *testing.T, db *DB, e AuditEntry) {
	t.Helper()
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		if _, last := b.Cursor().Last(); last != nil {
			var prev AuditEntry
			if err := decode(last, &prev); err != nil {
				return err
			}
			e.Prev = prev.Hash
		}
		seq, _ := b.NextSequence()
		e.Seq, e.At = seq, e.At.UTC()
		e.Hash = auditHash(e)
		return put(b, seqKey(seq), e)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func entry(t *testing.T, db *DB, seq uint64) AuditEntry {
	t.Helper()
	var e AuditEntry
	if err := db.bolt.View(func(tx *bolt.Tx) error { return get(tx.Bucket(bAudit), seqKey(seq), &e) }); err != nil {
		t.Fatal(err)
	}
	return e
}

func putEntry(t *testing.T, db *DB, e AuditEntry) {
	t.Helper()
	if err := db.bolt.Update(func(tx *bolt.Tx) error { return put(tx.Bucket(bAudit), seqKey(e.Seq), e) }); err != nil {
		t.Fatal(err)
	}
}

func chainErr(t *testing.T, db *DB) *ChainError {
	t.Helper()
	_, err := db.VerifyAudit()
	var ce *ChainError
	if !errors.As(err, &ce) {
		t.Fatalf("want a chain error, got %v", err)
	}
	return ce
}

// Entries written before sealing verify exactly as before, and chain on
// into sealed ones.
func TestLegacyAndSealedChain(t *testing.T) {
	db := openTemp(t)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	appendLegacy(t, db, AuditEntry{At: at, Actor: "op", Action: ActReview, Subject: "twitter/1", Detail: map[string]string{"note": "x"}})
	appendLegacy(t, db, AuditEntry{At: at, Actor: "op", Action: "test"})
	if _, err := db.Audit("op", ActReview, "twitter/2", map[string]string{"note": "private words", "decision": "note"}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.VerifyAudit(); err != nil || n != 3 {
		t.Fatalf("%d %v", n, err)
	}
	e := entry(t, db, 3)
	if e.Seal == nil || len(e.Seal.Salt) != 2*saltLen || e.Hash == auditHash(e) {
		t.Fatalf("new entry not sealed: %+v", e)
	}
	legacy := entry(t, db, 1)
	legacy.Detail["note"] = "y"
	putEntry(t, db, legacy)
	if ce := chainErr(t, db); ce.Seq != 1 || !strings.Contains(ce.Reason, "hash mismatch") {
		t.Fatalf("edited legacy entry: %v", ce)
	}
}

// A redaction keeps a sealed entry's hash, removes the value and the
// salt that would let a guess be tested, and keeps the other fields
// checkable.
func TestRedactSealed(t *testing.T) {
	db := openTemp(t)
	e, err := db.Audit("op", ActReview, "twitter/2", map[string]string{"note": "private words", "decision": "note"})
	if err != nil {
		t.Fatal(err)
	}
	salt := e.Seal.Salt
	raw, _ := hex.DecodeString(salt)
	noteSalt := hex.EncodeToString(fieldSalt(raw, "detail.note"))
	if err := redact(&e, []string{fieldSubject, "detail.note"}, 9); err != nil {
		t.Fatal(err)
	}
	if err := verifyOwn(e); err != nil {
		t.Fatal(err)
	}
	stored, _ := json.Marshal(e)
	for _, s := range []string{"private words", "twitter/2", salt, noteSalt} {
		if strings.Contains(string(stored), s) {
			t.Errorf("redacted entry still holds %q: %s", s, stored)
		}
	}
	if !e.SubjectRedacted() || strings.Join(e.RedactedDetail(), ",") != "note" || e.Detail["decision"] != "note" {
		t.Errorf("after redaction: %+v", e)
	}
	if err := redact(&e, []string{"detail.decision"}, 10); err == nil {
		t.Error("an entry was redacted twice")
	}
	e.Detail["decision"] = "confirm"
	if err := verifyOwn(e); !errors.Is(err, errAltered) {
		t.Errorf("kept value edited after redaction: %v", err)
	}
}

// Someone with the file, and so the salts, can remove a value from a
// sealed entry and keep its hash valid; the redaction must then name a
// purge, whose digest does not include it.
func TestForgedRedaction(t *testing.T) {
	db := openTemp(t)
	if _, err := db.Audit("op", "lookup", "someone kept", map[string]string{"note": "embarrassing", "decision": "note"}); err != nil {
		t.Fatal(err)
	}
	res, err := db.Purge(PurgeOptions{Before: time.Now(), ReferralBefore: time.Now(), Actor: "op"})
	if err != nil || res.AuditRedacted != 0 {
		t.Fatalf("%+v %v", res, err)
	}
	tomb := res.Tombstone.Seq
	for _, c := range []struct {
		by  uint64
		at  uint64
		why string
	}{{tomb, tomb, "redaction record broken"}, {tomb + 1, 1, "does not exist"}} {
		e := entry(t, db, 1)
		saved := e
		if err := redact(&e, []string{"detail.note"}, c.by); err != nil {
			t.Fatal(err)
		}
		if verifyOwn(e) != nil {
			t.Fatal("the forged redaction does not even pass its own hash")
		}
		putEntry(t, db, e)
		if ce := chainErr(t, db); ce.Seq != c.at || !strings.Contains(ce.Reason, c.why) {
			t.Errorf("forged redaction by %d: %v", c.by, ce)
		}
		putEntry(t, db, saved)
	}
	if _, err := db.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
}

// A purge does not redact an entry that fails its own hash: that would
// hide the tampering. It lists it instead.
func TestPurgeLeavesBrokenEntries(t *testing.T) {
	db := openTemp(t)
	e, err := db.Audit("op", "lookup", "gone-referral", map[string]string{"out": "/packs/jo-bloggs"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Audit("op", ActPurge, "retention", map[string]string{"referrals": "gone-referral"}); err != nil {
		t.Fatal(err)
	}
	e.Actor = "mallory"
	putEntry(t, db, e)
	res, err := db.Purge(PurgeOptions{Before: time.Now(), ReferralBefore: time.Now(), Actor: "op"})
	if err != nil {
		t.Fatal(err)
	}
	if res.AuditRedacted != 0 || len(res.AuditBroken) != 1 || res.AuditBroken[0] != 1 || res.Tombstone.Detail[TombBroken] != "1" {
		t.Fatalf("%+v", res)
	}
	if got := entry(t, db, 1); got.Detail["out"] != "/packs/jo-bloggs" || got.Redaction != nil {
		t.Errorf("broken entry changed: %+v", got)
	}
	if ce := chainErr(t, db); ce.Seq != 1 {
		t.Errorf("%v", ce)
	}
}

// benchLog is a store with n review entries of posts it does not hold, so
// that a purge would redact every one of them (the worst case).
func benchLog(b *testing.B, n int) *DB {
	db := openTemp(b)
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		for i := range n {
			if _, err := appendAudit(tx, AuditEntry{At: at, Actor: "rev-carol", Action: ActReview, Subject: fmt.Sprintf("twitter/%d", i),
				Detail: map[string]string{"decision": "dismiss", "from": "new", "to": "dismissed", "reason": "ordinary grumble about shifts"}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return db
}

func BenchmarkVerifyAudit10k(b *testing.B) {
	db := benchLog(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := db.VerifyAudit(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPurgeDryRun10k(b *testing.B) {
	db := benchLog(b, 10000)
	o := PurgeOptions{Before: time.Now(), ReferralBefore: time.Now(), Actor: "op", DryRun: true}
	b.ReportAllocs()
	for b.Loop() {
		res, err := db.Purge(o)
		if err != nil || res.AuditRedacted != 10000 {
			b.Fatal(res.AuditRedacted, err)
		}
	}
}

func BenchmarkPurgeRedact10k(b *testing.B) {
	o := PurgeOptions{Before: time.Now(), ReferralBefore: time.Now(), Actor: "op"}
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		db := benchLog(b, 10000)
		b.StartTimer()
		if res, err := db.Purge(o); err != nil || res.AuditRedacted != 10000 {
			b.Fatal(err)
		}
	}
}
