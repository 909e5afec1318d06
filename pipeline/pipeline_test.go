package pipeline

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/identify"
	"github.com/psd-tools/exposure/store"
)

// memSource is an in-memory platform: profiles with posts, failures on
// demand, and lookup answers set per post.
type memSource struct {
	mu        sync.Mutex
	profiles  []crawler.Profile
	posts     map[string][]crawler.Post // profile id -> newest first
	fail      map[string]error          // profile id -> error from Posts
	states    map[string]crawler.Check  // post id -> lookup answer
	lookupErr error
	calls     map[string]int
	// cancelAfter cancels the context after this many Posts calls.
	cancelAfter int
	cancel      context.CancelFunc
}

func (m *memSource) Name() string { return "mem" }

func (m *memSource) Discover(ctx context.Context, yield func(crawler.Profile) error) error {
	for _, p := range m.profiles {
		if err := yield(p); err != nil {
			return err
		}
	}
	return nil
}

func (m *memSource) Posts(ctx context.Context, p crawler.Profile, since string, yield func(crawler.Post) error) (string, error) {
	m.mu.Lock()
	m.calls[p.ID]++
	n := 0
	for _, c := range m.calls {
		n += c
	}
	m.mu.Unlock()
	if m.cancelAfter > 0 && n > m.cancelAfter {
		m.cancel()
		return "", ctx.Err()
	}
	if err := m.fail[p.ID]; err != nil {
		return "", err
	}
	next := since
	for _, post := range m.posts[p.ID] {
		if since != "" && post.ID <= since {
			break
		}
		if post.ID > next {
			next = post.ID
		}
		if err := yield(post); err != nil {
			return "", err
		}
	}
	return next, nil
}

func (m *memSource) Lookup(ctx context.Context, refs []crawler.PostRef) ([]crawler.Check, error) {
	if m.lookupErr != nil {
		return nil, m.lookupErr
	}
	out := make([]crawler.Check, len(refs))
	for i, r := range refs {
		c, ok := m.states[r.ID]
		if !ok {
			c = crawler.Check{State: crawler.StateUnknown, Reason: "no answer"}
		}
		c.Ref = r
		out[i] = c
	}
	return out, nil
}

// idByBio puts a profile in scope when its bio says "officer".
type idByBio struct{}

func (idByBio) Identify(p identify.Profile) identify.Result {
	if strings.Contains(p.Bio, "officer") {
		return identify.Result{InScope: true, Status: identify.Serving, Role: identify.Officer, Force: "Kent Police", Evidence: []string{"officer"}}
	}
	return identify.Result{Status: identify.NotPolice, Reason: "no police words"}
}

// wordClassifier flags "BAD" as offensive and "LEAK" as procedure.
type wordClassifier struct{}

func (wordClassifier) Classify(text string) classify.Result {
	r := classify.Result{Scores: map[classify.Category]float64{}}
	for word, cat := range map[string]classify.Category{"BAD": classify.Offensive, "LEAK": classify.Procedure} {
		if i := strings.Index(text, word); i >= 0 {
			r.Categories = append(r.Categories, cat)
			r.Scores[cat] = 0.9
			r.Evidence = append(r.Evidence, classify.Span{Category: cat, Start: i, End: i + len(word), Text: word})
		}
	}
	return r
}

func world(nProfiles, postsEach int) *memSource {
	m := &memSource{posts: map[string][]crawler.Post{}, fail: map[string]error{}, states: map[string]crawler.Check{}, calls: map[string]int{}}
	for i := 0; i < nProfiles; i++ {
		id := fmt.Sprintf("u%03d", i)
		bio := "officer"
		if i%3 == 2 {
			bio = "journalist"
		}
		m.profiles = append(m.profiles, crawler.Profile{Platform: "mem", ID: id, Handle: "h" + id, Bio: bio})
		for j := postsEach; j > 0; j-- {
			text := "nice day"
			if j%10 == 0 {
				text = "this is BAD"
			}
			if j%25 == 0 {
				text = "LEAK of BAD stuff"
			}
			pid := fmt.Sprintf("%s-%04d", id, j)
			m.posts[id] = append(m.posts[id], crawler.Post{Platform: "mem", ID: pid, ProfileID: id, Text: text,
				Raw: &crawler.Capture{URL: "http://mem/" + pid, Status: 200, Body: []byte(pid)}})
		}
	}
	return m
}

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), "p.db"), store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Check(); err != nil {
			t.Error(err)
		}
		db.Close()
	})
	return db
}

func opts() SweepOptions {
	return SweepOptions{Operator: "op", Authority: "AUTH", ConfigHash: "h", ToolVersion: "t", RulesVersion: "r", Workers: 3}
}

func TestSweep(t *testing.T) {
	db := openDB(t)
	src := world(9, 50)
	sw := &Sweeper{DB: db, Sources: []crawler.Source{src}, Identify: idByBio{}, Classify: wordClassifier{}}
	s, err := sw.Run(context.Background(), opts())
	if err != nil {
		t.Fatal(err)
	}
	// 6 officers × 50 posts; 6 flagged each (10,20,25,30,40,50), 2 with LEAK.
	if s.Summary.InScope != 6 || s.Summary.PostsRead != 300 || s.Summary.Flagged != 36 ||
		s.Summary.FlaggedByCategory["procedure"] != 12 || s.Summary.Rejected["no police words"] != 3 {
		t.Fatalf("summary = %+v", s.Summary)
	}
	st, _ := db.Stats()
	if st.Posts != 36 || st.Profiles != 6 {
		t.Fatalf("stored %+v; unflagged posts or out-of-scope profiles must not be kept", st)
	}
	p, err := db.Post("mem", "u000-0025")
	if err != nil {
		t.Fatal(err)
	}
	if p.Payload == nil || p.Payload.SHA256 != store.SHA256([]byte("u000-0025")) || p.RulesVersion != "r" {
		t.Fatalf("evidence = %+v", p)
	}
	// An incremental sweep reads nothing new.
	src.posts["u000"] = append([]crawler.Post{{Platform: "mem", ID: "u000-9999", ProfileID: "u000", Text: "BAD again"}}, src.posts["u000"]...)
	s2, err := sw.Run(context.Background(), opts())
	if err != nil {
		t.Fatal(err)
	}
	if s2.ID == s.ID || s2.Summary.PostsRead != 1 || s2.Summary.Flagged != 1 {
		t.Fatalf("incremental summary = %+v", s2.Summary)
	}
}

func TestSweepNeedsAuthority(t *testing.T) {
	db := openDB(t)
	sw := &Sweeper{DB: db, Sources: []crawler.Source{world(1, 1)}, Identify: idByBio{}, Classify: wordClassifier{}}
	o := opts()
	o.Authority = " "
	if _, err := sw.Run(context.Background(), o); err == nil || !strings.Contains(err.Error(), "authority") {
		t.Fatalf("err = %v", err)
	}
	if st, _ := db.Stats(); st.Sweeps != 0 {
		t.Fatal("a sweep without authority was recorded")
	}
}

func TestSweepResumeAfterInterrupt(t *testing.T) {
	// Uninterrupted reference run.
	ref := openDB(t)
	want, err := (&Sweeper{DB: ref, Sources: []crawler.Source{world(30, 40)}, Identify: idByBio{}, Classify: wordClassifier{}}).Run(context.Background(), opts())
	if err != nil {
		t.Fatal(err)
	}
	db := openDB(t)
	for stopAt := 3; ; stopAt += 7 {
		ctx, cancel := context.WithCancel(context.Background())
		src := world(30, 40)
		src.cancelAfter, src.cancel = stopAt, cancel
		got, err := (&Sweeper{DB: db, Sources: []crawler.Source{src}, Identify: idByBio{}, Classify: wordClassifier{}}).Run(ctx, opts())
		cancel()
		if err == nil {
			if got.Summary.PostsRead != want.Summary.PostsRead || got.Summary.Flagged != want.Summary.Flagged ||
				got.Summary.InScope != want.Summary.InScope || got.Summary.Candidates != want.Summary.Candidates {
				t.Fatalf("resumed summary %+v\nwant %+v", got.Summary, want.Summary)
			}
			break
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	}
	a, _ := ref.Stats()
	b, _ := db.Stats()
	if a.Posts != b.Posts || a.Flags != b.Flags || a.Profiles != b.Profiles || b.Sweeps != 1 {
		t.Fatalf("stores differ: %+v vs %+v", a, b)
	}
}

func TestSweepTransientFailure(t *testing.T) {
	db := openDB(t)
	src := world(3, 20)
	src.fail["u001"] = &crawler.TransientError{Op: "timeline", Err: errors.New("HTTP 503")}
	sw := &Sweeper{DB: db, Sources: []crawler.Source{src}, Identify: idByBio{}, Classify: wordClassifier{}}
	s, err := sw.Run(context.Background(), opts())
	if err != nil {
		t.Fatal(err)
	}
	if s.Summary.Failed != 1 || s.Summary.InScope != 1 {
		t.Fatalf("summary = %+v", s.Summary)
	}
	if _, err := db.Profile("mem", "u001"); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("a profile that failed half way was stored")
	}
	// Next run: the platform is back and the profile is read in full.
	delete(src.fail, "u001")
	s2, err := sw.Run(context.Background(), opts())
	if err != nil {
		t.Fatal(err)
	}
	if s2.Summary.Failed != 0 {
		t.Fatalf("second run = %+v", s2.Summary)
	}
	p, err := db.Profile("mem", "u001")
	if err != nil || p.PostsSeen != 20 {
		t.Fatalf("profile after retry = %+v, %v", p, err)
	}
}

func referAll(t *testing.T, db *store.DB) store.Referral {
	t.Helper()
	var keys []store.PostKey
	db.Flags(store.FlagNew, func(f store.Flag) error {
		keys = append(keys, store.PostKey{Platform: f.Platform, PostID: f.PostID})
		return nil
	})
	for _, k := range keys {
		if _, err := db.Review(store.Review{Platform: k.Platform, PostID: k.PostID, Reviewer: "rev", Decision: store.Confirm}); err != nil {
			t.Fatal(err)
		}
	}
	ref, err := db.CreateReferral(store.NewReferral{Force: "Kent Police", CreatedBy: "rev", Posts: keys})
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

func TestRecheck(t *testing.T) {
	db := openDB(t)
	src := world(1, 30) // flagged: 10, 20, 25(LEAK), 30
	sw := &Sweeper{DB: db, Sources: []crawler.Source{src}, Identify: idByBio{}, Classify: wordClassifier{}}
	if _, err := sw.Run(context.Background(), opts()); err != nil {
		t.Fatal(err)
	}
	ref := referAll(t, db)
	if len(ref.Posts) != 4 {
		t.Fatalf("referred %d", len(ref.Posts))
	}
	p10, _ := db.Post("mem", "u000-0010")
	src.states["u000-0010"] = crawler.Check{State: crawler.StateVisible, Text: p10.Text}
	src.states["u000-0020"] = crawler.Check{State: crawler.StateVisible, Text: "changed"}
	src.states["u000-0025"] = crawler.Check{State: crawler.StateRemoved, Reason: "HTTP 404 code 144"}
	// u000-0030: no answer -> unknown.
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	rc := &Rechecker{DB: db, Sources: []crawler.Source{src}}
	res, err := rc.Run(context.Background(), RecheckOptions{Operator: "op", Authority: "A", Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != 4 || res.ByState[crawler.StateVisible] != 1 || res.ByState[crawler.StateEdited] != 1 ||
		res.ByState[crawler.StateRemoved] != 1 || res.ByState[crawler.StateUnknown] != 1 {
		t.Fatalf("result = %+v", res)
	}
	cs, _ := db.Checks("mem", "u000-0020")
	if len(cs) != 1 || cs[0].State != "edited" || cs[0].Text != "changed" {
		t.Fatalf("edited check = %+v", cs)
	}
	// Not due again within --due, except the unknown one: a transient
	// failure is retried on the next run.
	res, _ = rc.Run(context.Background(), RecheckOptions{Due: 24 * time.Hour, Operator: "op", Now: func() time.Time { return now.Add(time.Hour) }})
	if res.Checked != 1 || res.ByState[crawler.StateUnknown] != 1 {
		t.Fatalf("rechecked too soon, or the unknown post not retried: %+v", res)
	}
	// A failing platform records unknown, never removed, and keeps history.
	src.lookupErr = &crawler.TransientError{Op: "lookup", Err: errors.New("HTTP 503")}
	res, err = rc.Run(context.Background(), RecheckOptions{Operator: "op", Now: func() time.Time { return now.AddDate(0, 2, 0) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.ByState[crawler.StateUnknown] != 4 || res.ByState[crawler.StateRemoved] != 0 {
		t.Fatalf("transient failure = %+v", res)
	}
	cs, _ = db.Checks("mem", "u000-0025")
	if len(cs) != 2 || cs[0].State != "removed" || cs[1].State != "unknown" {
		t.Fatalf("history = %+v", cs)
	}
	// --referral narrows, an unknown referral is an error.
	if _, err := rc.Run(context.Background(), RecheckOptions{Referral: "REF-0000-00000"}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown referral: %v", err)
	}
	_ = ref
}

type gone struct{}

func (gone) Error() string               { return "account suspended" }
func (gone) AccountState() crawler.State { return crawler.StateAccountSuspended }

func TestSweepAccountState(t *testing.T) {
	db := openDB(t)
	src := world(2, 20)
	src.fail["u001"] = fmt.Errorf("read: %w", gone{})
	s, err := (&Sweeper{DB: db, Sources: []crawler.Source{src}, Identify: idByBio{}, Classify: wordClassifier{}}).Run(context.Background(), opts())
	if err != nil {
		t.Fatal(err)
	}
	if s.Summary.Failed != 0 || s.Summary.InScope != 2 {
		t.Fatalf("summary = %+v", s.Summary)
	}
	p, err := db.Profile("mem", "u001")
	if err != nil || p.AccountState != "account_suspended" || p.PostsSeen != 0 {
		t.Fatalf("profile = %+v, %v", p, err)
	}
}
