package report

import (
	"fmt"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/psd-tools/exposure/store"
)

// post is one flagged post of a test store, with its recheck history.
type post struct {
	platform, id, profile, force, handle, text string
	cats                                       []string
	// reviewed replaces the categories at confirmation; dismiss and keep
	// leave the flag dismissed or unreviewed instead of referring it.
	reviewed []string
	dismiss  bool
	keep     bool
	checks   []store.Check
}

// world is what buildStore makes: sweeps of posts, referred per force at
// the given time.
type world struct {
	sweepAt  time.Time
	referAt  time.Time
	posts    []post
	extra    []post // a second sweep, after the first, referred at referAt2
	referAt2 time.Time
}

// openTemp opens a new store in a temp dir with a settable clock.
func openTemp(tb testing.TB, noSync bool) (*store.DB, *time.Time) {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "report.db"), store.Options{Create: true, NoSync: noSync})
	if err != nil {
		tb.Fatal(err)
	}
	clock := new(time.Time)
	db.SetClock(func() time.Time { return *clock })
	tb.Cleanup(func() { db.Close() })
	return db, clock
}

// buildStore writes w through the store API: a sweep per post batch (one
// profile per distinct profile id), confirmations, referrals per force,
// then the checks.
func buildStore(tb testing.TB, w world) *store.DB {
	tb.Helper()
	db, clock := openTemp(tb, true)
	sweep(tb, db, clock, w.sweepAt, w.referAt, w.posts)
	if len(w.extra) > 0 {
		sweep(tb, db, clock, w.referAt.Add(time.Hour), w.referAt2, w.extra)
	}
	var checks []store.NewCheck
	for _, p := range append(append([]post{}, w.posts...), w.extra...) {
		for _, c := range p.checks {
			c.Platform, c.PostID = p.platform, p.id
			checks = append(checks, store.NewCheck{Check: c})
		}
	}
	sort.SliceStable(checks, func(i, j int) bool { return checks[i].Check.At.Before(checks[j].Check.At) })
	if err := db.AddChecks("recheck-test", checks); err != nil {
		tb.Fatal(err)
	}
	return db
}

func sweep(tb testing.TB, db *store.DB, clock *time.Time, at, referAt time.Time, posts []post) {
	tb.Helper()
	*clock = at
	s, err := db.StartSweep("analyst", "AUTH-1", "cfg")
	if err != nil {
		tb.Fatal(err)
	}
	type prof struct {
		platform, id, force, handle string
		posts                       []store.Captured
	}
	var order []string
	profiles := map[string]*prof{}
	for _, p := range posts {
		key := p.platform + "/" + p.profile
		pr := profiles[key]
		if pr == nil {
			pr = &prof{platform: p.platform, id: p.profile, force: p.force, handle: p.handle}
			profiles[key] = pr
			order = append(order, key)
		}
		pr.posts = append(pr.posts, store.Captured{
			Post: store.Post{Platform: p.platform, ID: p.id, ProfileID: p.profile, Text: p.text,
				URL: fmt.Sprintf("https://%s.example/%s/%s", p.platform, p.handle, p.id), CapturedAt: at,
				Profile: store.Snapshot{Handle: p.handle, Force: p.force}},
			Flag: store.Flag{Force: p.force, Categories: p.cats},
		})
	}
	var cands []store.Checkpoint
	for _, key := range order {
		cands = append(cands, store.Checkpoint{Platform: profiles[key].platform, ID: profiles[key].id})
	}
	if _, err := db.AddCandidates(s.ID, cands); err != nil {
		tb.Fatal(err)
	}
	for _, key := range order {
		pr := profiles[key]
		err := db.CommitProfile(s.ID, store.ProfileResult{Platform: pr.platform, ID: pr.id, Status: "serving",
			Profile: &store.Profile{Platform: pr.platform, ID: pr.id, Handle: pr.handle, Force: pr.force,
				InScope: true, Status: "serving"},
			Posts: pr.posts, PostsRead: 100})
		if err != nil {
			tb.Fatal(err)
		}
	}
	// A rejected look-alike, so the summary has more than in-scope counts.
	if _, err := db.AddCandidates(s.ID, []store.Checkpoint{{Platform: "twitter", ID: "corp"}}); err != nil {
		tb.Fatal(err)
	}
	if err := db.CommitProfile(s.ID, store.ProfileResult{Platform: "twitter", ID: "corp", Status: "corporate",
		Reason: "corporate account"}); err != nil {
		tb.Fatal(err)
	}
	if _, err := db.FinishSweep(s.ID, ""); err != nil {
		tb.Fatal(err)
	}
	*clock = referAt.Add(-time.Hour)
	byForce := map[string][]store.PostKey{}
	var forces []string
	for _, p := range posts {
		if p.keep {
			continue
		}
		d := store.Confirm
		if p.dismiss {
			d = store.Dismiss
		}
		if _, err := db.Review(store.Review{Platform: p.platform, PostID: p.id, Reviewer: "reviewer-test",
			Decision: d, Categories: p.reviewed, Reason: "test"}); err != nil {
			tb.Fatal(err)
		}
		if p.dismiss {
			continue
		}
		if _, ok := byForce[p.force]; !ok {
			forces = append(forces, p.force)
		}
		byForce[p.force] = append(byForce[p.force], store.PostKey{Platform: p.platform, PostID: p.id})
	}
	*clock = referAt
	for _, f := range forces {
		if _, err := db.CreateReferral(store.NewReferral{Force: f, CreatedBy: "reviewer-test", Posts: byForce[f]}); err != nil {
			tb.Fatal(err)
		}
	}
}

func chk(at time.Time, state string, text ...string) store.Check {
	c := store.Check{At: at, State: state}
	if len(text) > 0 {
		c.Text = text[0]
	}
	return c
}

var (
	sweepAt  = time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	referAt  = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)
	reportAt = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
)

func refDay(n int) time.Time { return referAt.AddDate(0, 0, n) }

// hostileWorld is a small store with the kinds of text a scraped platform
// can throw at the report: markup, script, quotes, formula prefixes,
// control and bidi characters.
func hostileWorld() world {
	const evil = `<script>alert("x")</script>`
	return world{
		sweepAt: sweepAt, referAt: referAt,
		posts: []post{
			{platform: "twitter", id: "1001", profile: "u1", force: "West Midlands Police", handle: "pc_one",
				text: "scum the lot of them", cats: []string{"offensive"},
				checks: []store.Check{chk(refDay(30), "visible"), chk(refDay(91), "visible"), chk(refDay(182), "removed"),
					chk(refDay(370), "removed")}},
			{platform: "twitter", id: "1002", profile: "u1", force: "West Midlands Police", handle: "pc_one",
				text: "custody sergeant is a joke " + evil, cats: []string{"procedure", "negativity"},
				checks: []store.Check{chk(refDay(30), "edited", "custody sergeant is great "+evil+`<img src=x onerror=alert(1)>`),
					chk(refDay(91), "visible"), chk(refDay(370), "visible")}},
			{platform: "facebook", id: "fb-7", profile: "jo.bloggs", force: "Kent Police", handle: `=HYPERLINK("http://evil")`,
				text: "traitors in parliament", cats: []string{"political"},
				checks: []store.Check{chk(refDay(30), "visible"), chk(refDay(60), "account_protected")}},
			{platform: "facebook", id: "fb-8", profile: "jo.bloggs", force: "Kent Police", handle: `=HYPERLINK("http://evil")`,
				text: "shift pattern is killing us", cats: []string{"negativity"}, reviewed: []string{"negativity", "offensive"},
				checks: []store.Check{chk(refDay(300), "unknown"), chk(refDay(330), "unknown")}},
			{platform: "twitter", id: "1003", profile: "u2", force: "Kent Police</text><script>alert(2)</script>", handle: "\x1b[31mred\u202Eevil",
				text: "\"quoted\" & <b>bold</b>", cats: []string{"offensive"},
				checks: []store.Check{{At: refDay(20), State: "unknown", Reason: "HTTP 503 \x1b[2J\u202Eevil"}, chk(refDay(370), "visible")}},
			{platform: "twitter", id: "1004", profile: "u3", force: "West Midlands Police", handle: "pc_three",
				text: "never rechecked", cats: []string{"offensive"}},
			{platform: "twitter", id: "1005", profile: "u3", force: "West Midlands Police", handle: "pc_three",
				text: "dismissed by the reviewer", cats: []string{"offensive"}, dismiss: true},
			{platform: "twitter", id: "1006", profile: "u3", force: "West Midlands Police", handle: "pc_three",
				text: "not reviewed yet", cats: []string{"procedure"}, keep: true},
		},
		// A second sweep finds one more post, referred 200 days after the
		// first referrals and removed a month later.
		referAt2: refDay(200),
		extra: []post{
			{platform: "twitter", id: "2001", profile: "u4", force: "Kent Police", handle: "pc_four",
				text: "new one", cats: []string{"offensive"},
				checks: []store.Check{chk(refDay(230), "removed")}},
		},
	}
}
