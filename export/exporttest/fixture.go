// Package exporttest builds small stores for the tests of export and of the
// command line, entirely through the store's API: a sweep with captured
// posts and raw payloads, reviews, referrals to two forces, and rechecks.
// The content is hostile on purpose (markup, script, quotes, bidi
// controls, multi-byte text) so every renderer is tested against it.
package exporttest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/psd-tools/exposure/store"
)

// Forces used by the fixture.
const (
	ForceA = "West Midlands Police"
	ForceB = "Kent Police"
)

// Start is the fixture clock's first tick; each store call advances it a
// second.
var Start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// Fixture names what Build stored.
type Fixture struct {
	DB        *store.DB
	Path      string
	RefA      store.Referral // to ForceA: posts t-10, t-11, f-20
	RefB      store.Referral // to ForceB: post t-30
	Dismissed store.PostKey
	// Clock is the store clock; Set moves it.
	Clock *Clock
}

// Clock is a settable test clock that ticks a second per reading.
type Clock struct{ T time.Time }

// Now advances the clock a second and returns it.
func (c *Clock) Now() time.Time { c.T = c.T.Add(time.Second); return c.T }

// HostileText is post t-10's text. Offsets of its spans are computed from
// it, so it can change without breaking them.
const HostileText = "Off duty & proud <b>bold</b> \u2014 f***ing scum the lot 😀 <script>alert(\"x\")</script> " +
	"custody \u202Eevil\u202C done"

// Open creates a store in a temporary directory.
func Open(tb testing.TB) (*store.DB, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "exposure.db")
	db, err := store.Open(path, store.Options{Create: true, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db, path
}

// Build fills a new store.
func Build(tb testing.TB) *Fixture {
	tb.Helper()
	db, path := Open(tb)
	fx := &Fixture{DB: db, Path: path, Clock: &Clock{T: Start}}
	db.SetClock(fx.Clock.Now)
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	sw, err := db.StartSweep("op-alice", "PSD-AUTH-2026-001", "cfg-1")
	must(err)
	_, err = db.AddCandidates(sw.ID, []store.Checkpoint{
		{Platform: "twitter", ID: "u1"}, {Platform: "facebook", ID: "u2"}, {Platform: "twitter", ID: "u3"},
	})
	must(err)
	capAt := Start.Add(time.Hour)
	span := func(cat, text, part string) store.Span {
		i := indexOf(text, part)
		if i < 0 {
			tb.Fatalf("fixture: %q not in %q", part, text)
		}
		return store.Span{Category: cat, Start: i, End: i + len(part), Text: part, Reason: "matched " + cat + " rule"}
	}
	snap := store.Snapshot{Handle: "pc_<b>bob</b>", Name: `Bob "Robert" <i>Smith</i>`, Bio: "PC @WMPolice <script>x()</script>",
		Location: "Birmingham", URL: "https://twitter.example/pc_bob", Force: ForceA, Role: "officer", Evidence: []string{"PC", "@WMPolice"}}
	tweet := func(id, text string, spans ...store.Span) store.Captured {
		cats := []string{}
		scores := map[string]float64{}
		for _, s := range spans {
			if _, ok := scores[s.Category]; !ok {
				cats = append(cats, s.Category)
			}
			scores[s.Category] = 0.91
		}
		return store.Captured{
			Post: store.Post{Platform: "twitter", ID: id, ProfileID: "u1", Text: text,
				URL: "https://twitter.example/pc_bob/status/" + id, Created: Start.Add(-48 * time.Hour),
				CapturedAt: capAt, Profile: snap, ToolVersion: "0.1.0-test", RulesVersion: "rules-abc123",
				Payload: &store.Payload{URL: "https://api.twitter.example/1.1/statuses/show.json?id=" + id, Status: 200,
					ContentType: "application/json; charset=utf-8", Header: map[string]string{"X-Rate-Limit-Remaining": "899"},
					FetchedAt: capAt}},
			Flag: store.Flag{Force: ForceA, Categories: cats, Scores: scores, Evidence: spans},
			Raw:  []byte(`{"id_str":"` + id + `","full_text":` + quote(text) + `}`),
		}
	}
	t10 := tweet("10", HostileText,
		span("offensive", HostileText, "f***ing scum"),
		span("procedure", HostileText, "<script>alert(\"x\")</script> custody"),
		span("offensive", HostileText, "scum the lot 😀"),
	)
	// A span whose offsets do not point at its text.
	t10.Flag.Evidence = append(t10.Flag.Evidence, store.Span{Category: "negativity", Start: 3, End: 9, Text: "nowhere"})
	t11 := tweet("11", "Stop and search targets are a joke, we just make them up", span("procedure", "Stop and search targets are a joke, we just make them up", "we just make them up"))
	t12 := tweet("12", "Nights again, the bosses don't care about us", span("negativity", "Nights again, the bosses don't care about us", "the bosses don't care about us"))
	must(db.CommitProfile(sw.ID, store.ProfileResult{Platform: "twitter", ID: "u1", Status: "serving",
		Profile: &store.Profile{Platform: "twitter", ID: "u1", Handle: snap.Handle, Name: snap.Name, Bio: snap.Bio,
			Location: snap.Location, URL: snap.URL, Status: "serving", Role: "officer", Force: ForceA, InScope: true,
			Evidence: snap.Evidence, FirstSeen: capAt, LastSeen: capAt},
		Posts: []store.Captured{t10, t11, t12}, PostsRead: 100}))

	fbText := "Senior leadership are clowns & cowards"
	page := []byte("<html><body><h1>Jo Bloggs</h1><p>Special Constable, Kent</p></body></html>")
	must(db.CommitProfile(sw.ID, store.ProfileResult{Platform: "facebook", ID: "u2", Status: "serving",
		Profile: &store.Profile{Platform: "facebook", ID: "u2", Handle: "jo.bloggs", Name: "Jo Bloggs", Bio: "Special Constable, Kent",
			URL: "https://facebook.example/jo.bloggs", Status: "serving", Role: "special", Force: ForceA, InScope: true,
			FirstSeen: capAt, LastSeen: capAt},
		Posts: []store.Captured{{
			Post: store.Post{Platform: "facebook", ID: "20", ProfileID: "u2", Text: fbText,
				URL: "https://facebook.example/jo.bloggs/posts/20", Created: Start.Add(-72 * time.Hour), CapturedAt: capAt,
				Profile:     store.Snapshot{Handle: "jo.bloggs", Name: "Jo Bloggs", Bio: "Special Constable, Kent", Force: ForceA, Role: "special"},
				ToolVersion: "0.1.0-test", RulesVersion: "rules-abc123",
				Payload:        &store.Payload{URL: "https://facebook.example/jo.bloggs/posts/20", Status: 200, ContentType: "text/html; charset=utf-8", FetchedAt: capAt},
				ProfilePayload: &store.Payload{URL: "https://facebook.example/jo.bloggs", Status: 200, ContentType: "text/html", FetchedAt: capAt}},
			Flag:       store.Flag{Force: ForceA, Categories: []string{"negativity"}, Scores: map[string]float64{"negativity": 0.8}, Evidence: []store.Span{span("negativity", fbText, "clowns & cowards")}},
			Raw:        []byte("<html><body><article>" + fbText + "</article></body></html>"),
			ProfileRaw: page,
		}}, PostsRead: 40}))

	t30 := tweet("30", "Ministers are traitors and should hang", span("political", "Ministers are traitors and should hang", "traitors and should hang"))
	t30.Post.ProfileID, t30.Flag.Force = "u3", ForceB
	t30.Post.Profile = store.Snapshot{Handle: "kentcop", Name: "K Cop", Force: ForceB, Role: "officer"}
	must(db.CommitProfile(sw.ID, store.ProfileResult{Platform: "twitter", ID: "u3", Status: "serving",
		Profile: &store.Profile{Platform: "twitter", ID: "u3", Handle: "kentcop", Name: "K Cop", Status: "serving", Role: "officer",
			Force: ForceB, InScope: true, FirstSeen: capAt, LastSeen: capAt},
		Posts: []store.Captured{t30}, PostsRead: 10}))
	_, err = db.FinishSweep(sw.ID, "")
	must(err)

	review := func(platform, id string, d store.Decision, reason, note string, cats ...string) {
		tb.Helper()
		_, err := db.Review(store.Review{Platform: platform, PostID: id, Reviewer: "rev-carol", Decision: d, Reason: reason, Note: note, Categories: cats})
		must(err)
	}
	review("twitter", "10", store.Confirm, "clear breach <u>really</u>", "")
	review("twitter", "10", store.AddNote, "", "=HYPERLINK(\"http://evil\") second look: agreed")
	review("twitter", "11", store.Confirm, "discloses tactics", "", "procedure", "negativity")
	review("facebook", "20", store.Confirm, "disrepute", "")
	review("twitter", "12", store.Dismiss, "ordinary grumble", "")
	review("twitter", "30", store.Confirm, "violent political", "")
	fx.Dismissed = store.PostKey{Platform: "twitter", PostID: "12"}

	fx.RefA, err = db.CreateReferral(store.NewReferral{Force: ForceA, CreatedBy: "rev-carol", Unit: "PSD Social Media Unit <HQ>",
		Authority: "PSD-AUTH-2026-001", Note: "Please acknowledge within 14 days",
		Posts: []store.PostKey{{Platform: "twitter", PostID: "10"}, {Platform: "twitter", PostID: "11"}, {Platform: "facebook", PostID: "20"}}})
	must(err)
	fx.RefB, err = db.CreateReferral(store.NewReferral{Force: ForceB, CreatedBy: "rev-carol", Unit: "PSD Social Media Unit",
		Authority: "PSD-AUTH-2026-001", Posts: []store.PostKey{{Platform: "twitter", PostID: "30"}}})
	must(err)

	checkAt := Start.Add(30 * 24 * time.Hour)
	must(db.AddChecks("op-alice", []store.NewCheck{
		{Check: store.Check{Platform: "twitter", PostID: "10", At: checkAt, State: "visible", Operator: "op-alice", Authority: "PSD-AUTH-2026-001"}},
		{Check: store.Check{Platform: "facebook", PostID: "20", At: checkAt, State: "visible", Operator: "op-alice", Authority: "PSD-AUTH-2026-001"}},
	}))
	must(db.AddChecks("op-alice", []store.NewCheck{
		{Check: store.Check{Platform: "twitter", PostID: "10", At: checkAt.Add(60 * 24 * time.Hour), State: "removed", Reason: "HTTP 404, account still there",
			Operator: "op-alice", Authority: "PSD-AUTH-2026-001",
			Payload: &store.Payload{URL: "https://api.twitter.example/1.1/statuses/show.json?id=10", Status: 404, ContentType: "application/json", FetchedAt: checkAt.Add(60 * 24 * time.Hour)}},
			Raw: []byte(`{"errors":[{"code":144,"message":"No status found with that ID."}]}`)},
	}))
	return fx
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func quote(s string) string {
	out := []byte{'"'}
	for _, r := range s {
		switch r {
		case '"', '\\':
			out = append(out, '\\', byte(r))
		default:
			out = append(out, string(r)...)
		}
	}
	return string(append(out, '"'))
}
