package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/store"
)

// seedReferred writes a store with three referred Kent Police posts and a
// year of rechecks: one removed at two months, one edited, one whose
// checks have been unknown for two months.
func seedReferred(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "r.db")
	db, err := store.Open(path, store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	clock := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return clock })
	s, err := db.StartSweep("op", "AUTH", "cfg")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCandidates(s.ID, []store.Checkpoint{{Platform: "twitter", ID: "1"}}); err != nil {
		t.Fatal(err)
	}
	var posts []store.Captured
	var keys []store.PostKey
	for _, p := range []struct{ id, text, cat string }{
		{"100", "scum the lot of them", "offensive"},
		{"101", "nick the suspect at 5 Elm Road", "procedure"},
		{"102", "<script>alert(1)</script> \x1b[31m", "offensive"},
	} {
		posts = append(posts, store.Captured{
			Post: store.Post{Platform: "twitter", ID: p.id, ProfileID: "1", Text: p.text, URL: "https://twitter.com/pc/status/" + p.id,
				CapturedAt: clock, Profile: store.Snapshot{Handle: "pc_kent"}},
			Flag: store.Flag{Force: "Kent Police", Categories: []string{p.cat}}})
		keys = append(keys, store.PostKey{Platform: "twitter", PostID: p.id})
	}
	if err := db.CommitProfile(s.ID, store.ProfileResult{Platform: "twitter", ID: "1", Status: "serving",
		Profile: &store.Profile{Platform: "twitter", ID: "1", Handle: "pc_kent", Force: "Kent Police", InScope: true},
		Posts:   posts, PostsRead: 50}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinishSweep(s.ID, ""); err != nil {
		t.Fatal(err)
	}
	for _, k := range keys {
		if _, err := db.Review(store.Review{Platform: k.Platform, PostID: k.PostID, Reviewer: "DS Test", Decision: store.Confirm}); err != nil {
			t.Fatal(err)
		}
	}
	clock = time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)
	ref, err := db.CreateReferral(store.NewReferral{Force: "Kent Police", CreatedBy: "DS Test", Posts: keys})
	if err != nil {
		t.Fatal(err)
	}
	d := func(n int) time.Time { return ref.Created.AddDate(0, 0, n) }
	var checks []store.NewCheck
	add := func(id string, at time.Time, state, text string) {
		checks = append(checks, store.NewCheck{Check: store.Check{Platform: "twitter", PostID: id, At: at, State: state, Text: text}})
	}
	add("100", d(30), "visible", "")
	add("100", d(60), "removed", "")
	add("101", d(30), "edited", "nick the suspect")
	add("101", d(370), "edited", "nick the suspect")
	add("102", d(300), "unknown", "")
	add("102", d(340), "unknown", "")
	if err := db.AddChecks("recheck", checks); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReportCommand(t *testing.T) {
	db := seedReferred(t)
	at := "2026-02-10"

	code, out, errs := exec(t, "", "--db", db, "report", "--at", at)
	if code != 0 {
		t.Fatalf("report: %d %s", code, errs)
	}
	for _, want := range []string{"VISIBILITY OF REFERRED POSTS, as of 2026-02-10", "All referred posts  3", "post removed",
		"CANNOT VERIFY: 1", "STUDY TABLE: sweep 1", "Kent Police", "edited"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("control character reached the terminal")
	}

	html := filepath.Join(t.TempDir(), "r.html")
	code, out, errs = exec(t, "", "--db", db, "report", "visibility", "--at", at, "--format", "html", "--out", html)
	if code != 0 || !strings.Contains(out, "report written to "+html) {
		t.Fatalf("html: %d %s %s", code, out, errs)
	}
	page, err := os.ReadFile(html)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), "<svg") || strings.Contains(string(page), "<script") ||
		!strings.Contains(string(page), "Kent Police") {
		t.Errorf("html page: %d bytes, lacks a chart or the force, or holds a script", len(page))
	}

	code, out, errs = exec(t, "", "--db", db, "report", "visibility", "--at", at, "--format", "csv", "--table", "events")
	if code != 0 {
		t.Fatalf("csv: %d %s", code, errs)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 3 || rows[0][0] != "at" {
		t.Errorf("events csv (%v): %q", err, out)
	}

	code, out, errs = exec(t, "", "--db", db, "report", "sweep", "--format", "json")
	if code != 0 {
		t.Fatalf("json: %d %s", code, errs)
	}
	var back struct {
		Visibility *json.RawMessage `json:"visibility"`
		Study      struct {
			Sweep struct{ ID int } `json:"sweep"`
		} `json:"study"`
	}
	if err := json.Unmarshal([]byte(out), &back); err != nil || back.Study.Sweep.ID != 1 || back.Visibility != nil {
		t.Errorf("sweep json (%v): %s", err, out)
	}

	// A force filter by alias or canonical name; other forces drop out.
	code, out, errs = exec(t, "", "--db", db, "report", "visibility", "--at", at, "--force", "kent police", "--months", "2,12")
	if code != 0 || !strings.Contains(out, "2 MONTHS") {
		t.Errorf("force filter: %d %s %s", code, out, errs)
	}
	// As of a date before the referral, nothing is referred yet.
	code, out, _ = exec(t, "", "--db", db, "report", "visibility", "--at", "2025-01-01")
	if code != 0 || !strings.Contains(out, "No referred posts yet") {
		t.Errorf("early --at: %d %s", code, out)
	}
}

func TestReportBadInput(t *testing.T) {
	db := seedReferred(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"report", "--format", "xml"}, `--format "xml"`},
		{[]string{"report", "--format", "html"}, "needs --out"},
		{[]string{"report", "--table", "events"}, "is for --format csv"},
		{[]string{"report", "--format", "csv", "--table", "nope"}, `--table "nope"`},
		{[]string{"report", "visibility", "--format", "csv", "--table", "study"}, "not part of this report"},
		{[]string{"report", "sweep", "--format", "csv", "--table", "events"}, "not part of this report"},
		{[]string{"report", "--at", "last tuesday"}, `--at "last tuesday"`},
		{[]string{"report", "--cannot-verify-after", "soon"}, `--cannot-verify-after "soon"`},
		{[]string{"report", "--months", "6,3"}, "--months"},
		{[]string{"report", "sweep", "--sweep", "42"}, "sweep 42"},
		{[]string{"report", "--sweep", "42"}, "sweep 42"},
		{[]string{"report", "visibility", "--force", "Atlantis Constabulary"}, `unknown force "Atlantis Constabulary"`},
		{[]string{"report", "--format", "html", "--out", "/nonexistent/dir/r.html"}, "does not exist"},
	}
	for _, c := range cases {
		code, _, errs := exec(t, "", append([]string{"--db", db}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line with %q", c.args, code, errs, c.want)
		}
	}
	missing := filepath.Join(t.TempDir(), "none.db")
	if code, _, errs := exec(t, "", "--db", missing, "report"); code != 2 || !strings.Contains(errs, "does not exist") {
		t.Errorf("missing db: %d %s", code, errs)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("report created the missing database")
	}
}
