package store

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// mustOpen opens a new database in a temporary directory; cleanup checks
// its consistency and closes it.
func mustOpen(tb testing.TB) *DB {
	tb.Helper()
	db, err := Open(filepath.Join(tb.TempDir(), "t.db"), Options{Create: true})
	if err != nil {
		tb.Fatal(err)
	}
	clock := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	db.SetClock(func() time.Time { clock = clock.Add(time.Second); return clock })
	tb.Cleanup(func() {
		if err := db.Check(); err != nil {
			tb.Errorf("consistency: %v", err)
		}
		db.Close()
	})
	return db
}

func flagged(id, text string, cats ...string) Captured {
	return Captured{
		Post: Post{Platform: "twitter", ID: id, ProfileID: "u1", Text: text, URL: "https://x/" + id,
			CapturedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
			Payload:    &Payload{URL: "https://api/" + id, Status: 200, ContentType: "application/json"}},
		Flag: Flag{Force: "West Midlands Police", Categories: cats, Scores: map[string]float64{cats[0]: 0.9},
			Evidence: []Span{{Category: cats[0], Start: 0, End: 3, Text: text[:3]}}},
		Raw: []byte(`{"id_str":"` + id + `"}`),
	}
}

func profile(id string) *Profile {
	return &Profile{Platform: "twitter", ID: id, Handle: "pc_" + id, Force: "West Midlands Police", InScope: true, Status: "serving"}
}

// sweepOne runs a one-profile sweep with the given posts.
func sweepOne(t *testing.T, db *DB, posts ...Captured) Sweep {
	t.Helper()
	s, err := db.StartSweep("op", "AUTH-1", "cfg")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCandidates(s.ID, []Checkpoint{{Platform: "twitter", ID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.CommitProfile(s.ID, ProfileResult{Platform: "twitter", ID: "u1", Status: "serving",
		Profile: profile("u1"), Posts: posts, PostsRead: 100}); err != nil {
		t.Fatal(err)
	}
	s, err = db.FinishSweep(s.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestRoundTrip(t *testing.T) {
	db := mustOpen(t)
	s := sweepOne(t, db, flagged("10", "abc offensive", "offensive"), flagged("11", "xyz procedure", "procedure"))
	if s.Summary.InScope != 1 || s.Summary.PostsRead != 100 || s.Summary.Flagged != 2 || s.Summary.ProfilesFlagged != 1 {
		t.Fatalf("summary = %+v", s.Summary)
	}
	if s.Summary.FlaggedCatPlat["offensive"]["twitter"] != 1 {
		t.Fatalf("by category and platform = %v", s.Summary.FlaggedCatPlat)
	}
	p, err := db.Post("twitter", "10")
	if err != nil {
		t.Fatal(err)
	}
	if p.Text != "abc offensive" || p.SweepID != s.ID || p.EvidenceHash == "" || p.EvidenceHash != EvidenceHash(p) {
		t.Fatalf("post = %+v", p)
	}
	raw, err := db.Payload(p.Payload.SHA256)
	if err != nil || string(raw) != `{"id_str":"10"}` {
		t.Fatalf("payload = %q, %v", raw, err)
	}
	var n int
	if err := db.ProfilesByForce("West Midlands Police", func(Profile) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("by force: %d, %v", n, err)
	}
	n = 0
	if err := db.ProfilesByForce("West Mercia Police", func(Profile) error { n++; return nil }); err != nil || n != 0 {
		t.Fatalf("other force: %d, %v", n, err)
	}
	var ids []string
	if err := db.Flags(FlagNew, func(f Flag) error { ids = append(ids, f.PostID); return nil }); err != nil {
		t.Fatal(err)
	}
	if strings.Join(ids, ",") != "10,11" {
		t.Fatalf("new flags = %v", ids)
	}
	if _, err := db.Post("twitter", "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("missing post: %v", err)
	}
}

func TestCommitProfileIdempotent(t *testing.T) {
	db := mustOpen(t)
	s, _ := db.StartSweep("op", "A", "cfg")
	db.AddCandidates(s.ID, []Checkpoint{{Platform: "twitter", ID: "u1"}})
	r := ProfileResult{Platform: "twitter", ID: "u1", Status: "serving", Profile: profile("u1"),
		Posts: []Captured{flagged("10", "abc", "offensive")}, PostsRead: 5}
	for i := 0; i < 3; i++ {
		if err := db.CommitProfile(s.ID, r); err != nil {
			t.Fatal(err)
		}
	}
	// Re-adding the candidate after a crash must not reset it.
	if added, _ := db.AddCandidates(s.ID, []Checkpoint{{Platform: "twitter", ID: "u1"}}); added != 0 {
		t.Fatalf("re-added %d", added)
	}
	s, _ = db.FinishSweep(s.ID, "")
	if s.Summary.PostsRead != 5 || s.Summary.Flagged != 1 || s.Summary.InScope != 1 || s.Summary.Candidates != 1 {
		t.Fatalf("summary counted twice: %+v", s.Summary)
	}
	st, _ := db.Stats()
	if st.Posts != 1 || st.Flags != 1 || st.Profiles != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestTransientFailureLeavesPending(t *testing.T) {
	db := mustOpen(t)
	s, _ := db.StartSweep("op", "A", "cfg")
	db.AddCandidates(s.ID, []Checkpoint{{Platform: "twitter", ID: "u1"}, {Platform: "twitter", ID: "u2"}})
	db.CommitProfile(s.ID, ProfileResult{Platform: "twitter", ID: "u1", Err: "timeline: HTTP 503 (transient)"})
	db.CommitProfile(s.ID, ProfileResult{Platform: "twitter", ID: "u2", Status: "not_police", Reason: "journalist"})
	var pending []string
	db.Pending(s.ID, func(c Checkpoint) error { pending = append(pending, c.ID+":"+c.Error); return nil })
	if len(pending) != 1 || !strings.HasPrefix(pending[0], "u1:timeline") {
		t.Fatalf("pending = %v", pending)
	}
	s, _ = db.FinishSweep(s.ID, "")
	if s.Summary.Failed != 1 || s.Summary.Rejected["journalist"] != 1 {
		t.Fatalf("summary = %+v", s.Summary)
	}
	if got, ok, _ := db.Unfinished("cfg"); ok {
		t.Fatalf("finished sweep still unfinished: %+v", got)
	}
}

func TestReviewAndReferral(t *testing.T) {
	db := mustOpen(t)
	sweepOne(t, db, flagged("10", "abc", "offensive"), flagged("11", "xyz", "procedure"), flagged("12", "qqq", "negativity"))
	if _, err := db.Review(Review{Platform: "twitter", PostID: "10", Reviewer: "rev", Decision: Confirm}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Review(Review{Platform: "twitter", PostID: "11", Reviewer: "rev", Decision: Dismiss, Reason: "quoting"}); err != nil {
		t.Fatal(err)
	}
	f, err := db.Review(Review{Platform: "twitter", PostID: "12", Reviewer: "rev", Decision: Confirm, Categories: []string{"procedure"}})
	if err != nil || f.Final()[0] != "procedure" || f.Categories[0] != "negativity" {
		t.Fatalf("recategorised confirm: %+v %v", f, err)
	}
	if _, err := db.Review(Review{Platform: "twitter", PostID: "10", Decision: Confirm}); err == nil {
		t.Fatal("review without reviewer accepted")
	}
	counts, _ := db.CountFlags()
	if counts[FlagConfirmed] != 2 || counts[FlagDismissed] != 1 || counts[FlagNew] != 0 {
		t.Fatalf("counts = %v", counts)
	}
	// A dismissed flag cannot be referred.
	_, err = db.CreateReferral(NewReferral{Force: "West Midlands Police", CreatedBy: "rev",
		Posts: []PostKey{{"twitter", "10"}, {"twitter", "11"}}})
	if !errors.Is(err, ErrBadState) {
		t.Fatalf("referring a dismissed flag: %v", err)
	}
	// The failed referral changed nothing.
	if f, _ := db.Flag("twitter", "10"); f.State != FlagConfirmed {
		t.Fatalf("flag 10 after failed referral: %s", f.State)
	}
	ref, err := db.CreateReferral(NewReferral{Force: "West Midlands Police", CreatedBy: "rev", Authority: "A",
		Posts: []PostKey{{"twitter", "10"}, {"twitter", "12"}}})
	if err != nil {
		t.Fatal(err)
	}
	// The failed attempt was rolled back with its sequence number, so ids
	// have no gaps.
	if ref.ID != "REF-2026-00001" || len(ref.Posts) != 2 {
		t.Fatalf("referral = %+v", ref)
	}
	if _, err := db.Review(Review{Platform: "twitter", PostID: "10", Reviewer: "rev", Decision: Dismiss}); !errors.Is(err, ErrBadState) {
		t.Fatalf("dismissing a referred flag: %v", err)
	}
	if _, err := db.Review(Review{Platform: "twitter", PostID: "10", Reviewer: "rev", Decision: AddNote, Note: "sent"}); err != nil {
		t.Fatal(err)
	}
	hist, _ := db.Reviews("twitter", "10")
	if len(hist) != 2 || hist[1].Note != "sent" {
		t.Fatalf("history = %+v", hist)
	}
	var byForce []string
	db.ReferralsByForce("West Midlands Police", func(r Referral) error { byForce = append(byForce, r.ID); return nil })
	if len(byForce) != 1 || byForce[0] != ref.ID {
		t.Fatalf("by force = %v", byForce)
	}
	if id, _ := db.ReferralOf("twitter", "12"); id != ref.ID {
		t.Fatalf("referral of 12 = %q", id)
	}
	if _, err := db.Referral("REF-1999-00009"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown referral: %v", err)
	}
}

func TestChecksAppendOnly(t *testing.T) {
	db := mustOpen(t)
	sweepOne(t, db, flagged("10", "abc", "offensive"))
	db.Review(Review{Platform: "twitter", PostID: "10", Reviewer: "rev", Decision: Confirm})
	db.CreateReferral(NewReferral{Force: "West Midlands Police", CreatedBy: "rev", Posts: []PostKey{{"twitter", "10"}}})
	t0 := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	due, _ := db.Due(t0)
	if len(due) != 1 {
		t.Fatalf("due before any check = %v", due)
	}
	for i, st := range []string{"visible", "unknown", "visible", "removed"} {
		if err := db.AddChecks("op", []NewCheck{{Check: Check{Platform: "twitter", PostID: "10", At: t0.AddDate(0, i, 0), State: st}, Raw: []byte(st)}}); err != nil {
			t.Fatal(err)
		}
	}
	cs, _ := db.Checks("twitter", "10")
	if len(cs) != 4 || cs[3].State != "removed" || cs[0].Payload == nil {
		t.Fatalf("checks = %+v", cs)
	}
	last, ok, _ := db.LastCheck("twitter", "10")
	if !ok || last.State != "removed" {
		t.Fatalf("last = %+v", last)
	}
	if due, _ := db.Due(t0.AddDate(0, 3, 0)); len(due) != 0 {
		t.Fatalf("due right after a check = %v", due)
	}
	var changes []string
	db.AuditLog(1, func(e AuditEntry) error {
		if e.Action == ActStateChange {
			changes = append(changes, e.Detail["from"]+">"+e.Detail["to"])
		}
		return nil
	})
	if strings.Join(changes, ",") != "visible>unknown,unknown>visible,visible>removed" {
		t.Fatalf("state changes = %v", changes)
	}
	n := 0
	db.AllChecks(func(p, id string, cs []Check) error { n += len(cs); return nil })
	if n != 4 {
		t.Fatalf("all checks = %d", n)
	}
}

func TestAuditChain(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := Open(path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		if _, err := db.Audit("op", "test", "x", map[string]string{"i": string(rune('a' + i))}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.VerifyAudit(); err != nil || n != 5 {
		t.Fatalf("verify = %d, %v", n, err)
	}
	// Edit entry 3 behind the store's back.
	db.bolt.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bAudit)
		v := strings.Replace(string(b.Get(seqKey(3))), `"i":"c"`, `"i":"z"`, 1)
		return b.Put(seqKey(3), []byte(v))
	})
	var ce *ChainError
	if _, err := db.VerifyAudit(); !errors.As(err, &ce) || ce.Seq != 3 {
		t.Fatalf("edited entry: %v", err)
	}
	db.Close()

	db2, _ := Open(filepath.Join(t.TempDir(), "b.db"), Options{Create: true})
	defer db2.Close()
	for i := 0; i < 4; i++ {
		db2.Audit("op", "test", "x", nil)
	}
	db2.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bAudit).Delete(seqKey(2)) })
	if _, err := db2.VerifyAudit(); !errors.As(err, &ce) || ce.Seq != 2 {
		t.Fatalf("deleted entry: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(filepath.Join(dir, "missing.db"), Options{}); !errors.Is(err, ErrMissing) {
		t.Fatalf("missing: %v", err)
	}
	junk := filepath.Join(dir, "junk.db")
	os.WriteFile(junk, []byte(strings.Repeat("not a database ", 1000)), 0o600)
	if _, err := Open(junk, Options{}); !errors.Is(err, ErrNotExposure) {
		t.Fatalf("junk: %v", err)
	}
	// A bbolt file that exposure did not make.
	other := filepath.Join(dir, "other.db")
	b, _ := bolt.Open(other, 0o600, nil)
	b.Update(func(tx *bolt.Tx) error { _, err := tx.CreateBucket([]byte("x")); return err })
	b.Close()
	if _, err := Open(other, Options{}); !errors.Is(err, ErrNotExposure) {
		t.Fatalf("foreign bbolt: %v", err)
	}
}

func TestSchemaVersions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.db")
	db, err := Open(path, Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put([]byte("schema"), []byte("99")) })
	db.Close()
	_, err = Open(path, Options{})
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "upgrade exposure") {
		t.Fatalf("newer schema: %v", err)
	}
	if _, err := Open(path, Options{ReadOnly: true}); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("newer schema read-only: %v", err)
	}

	// An older file is migrated step by step, in one transaction.
	db, _ = Open(path, Options{})
	if db != nil {
		t.Fatal("opened a newer file")
	}
	path2 := filepath.Join(t.TempDir(), "old.db")
	db, _ = Open(path2, Options{Create: true})
	db.bolt.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put([]byte("schema"), []byte("0")) })
	db.Close()
	var ran []int
	saved := migrations[0]
	migrations[0] = func(tx *bolt.Tx) error { ran = append(ran, 0); return nil }
	defer func() { migrations[0] = saved }()
	db, err = Open(path2, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if len(ran) != 1 {
		t.Fatalf("migrations ran: %v", ran)
	}
	db.bolt.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket(bMeta).Get([]byte("schema"))); v != strconv.Itoa(SchemaVersion) {
			t.Fatalf("schema after migration = %s", v)
		}
		return nil
	})
}

func TestLockTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.db")
	db, err := Open(path, Options{Create: true, Owner: "exposure serve at http://127.0.0.1:8080"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	_, err = Open(path, Options{Timeout: 300 * time.Millisecond})
	if !errors.Is(err, ErrInUse) || !strings.Contains(err.Error(), "database is in use by another exposure process (exposure serve at http://127.0.0.1:8080, pid") {
		t.Fatalf("second open: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatal("second open hung")
	}
}

func TestKV(t *testing.T) {
	db := mustOpen(t)
	kv := db.KV("colly")
	if v, err := kv.Get([]byte("a")); err != nil || v != nil {
		t.Fatalf("empty get = %q, %v", v, err)
	}
	kv.Put([]byte("a/1"), []byte("x"))
	kv.PutBatch([]byte("a/2"), []byte("y"))
	kv.Put([]byte("b/1"), []byte("z"))
	var got []string
	kv.Scan([]byte("a/"), func(k, v []byte) error { got = append(got, string(k)+"="+string(v)); return nil })
	if strings.Join(got, ",") != "a/1=x,a/2=y" {
		t.Fatalf("scan = %v", got)
	}
	kv.Delete([]byte("a/1"))
	if v, _ := kv.Get([]byte("a/1")); v != nil {
		t.Fatal("delete failed")
	}
	if err := kv.Clear(); err != nil {
		t.Fatal(err)
	}
	if v, _ := kv.Get([]byte("b/1")); v != nil {
		t.Fatal("clear failed")
	}
}

func BenchmarkCommitProfile(b *testing.B) {
	db, err := Open(filepath.Join(b.TempDir(), "b.db"), Options{Create: true, NoSync: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	s, _ := db.StartSweep("op", "A", "cfg")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		id := strconv.Itoa(i)
		i++
		// A typical in-scope profile: 100 posts read, 2 flagged.
		r := ProfileResult{Platform: "twitter", ID: id, Status: "serving", Profile: profile(id), PostsRead: 100,
			Posts: []Captured{flagged(id+"a", "abc offensive text", "offensive"), flagged(id+"b", "xyz procedure", "procedure")}}
		if err := db.CommitProfile(s.ID, r); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(100*b.N)/b.Elapsed().Seconds(), "posts/s")
}

func TestConfigChangeAudited(t *testing.T) {
	db := mustOpen(t)
	for _, st := range []SweepStart{
		{Operator: "op", Authority: "A", ConfigHash: "c1", RulesVersion: "r1"},
		{Operator: "op", Authority: "A", ConfigHash: "c1", RulesVersion: "r1"},
		{Operator: "op", Authority: "A", ConfigHash: "c2", RulesVersion: "r1"},
		{Operator: "op", Authority: "A", ConfigHash: "c2", RulesVersion: "r2"},
	} {
		s, err := db.BeginSweep(st)
		if err != nil {
			t.Fatal(err)
		}
		db.FinishSweep(s.ID, "")
	}
	var changes []string
	db.AuditLog(1, func(e AuditEntry) error {
		if e.Action == ActConfigChange {
			changes = append(changes, e.Subject+":"+e.Detail["from"]+">"+e.Detail["to"])
		}
		return nil
	})
	if strings.Join(changes, ",") != "sweep configuration:c1>c2,rules and models:r1>r2" {
		t.Fatalf("changes = %v", changes)
	}
}
