package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/store"
)

// exec runs the CLI in-process and returns its exit code and output.
func exec(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// seedDB writes a database with one in-scope profile and three flagged
// posts (one with hostile text) and returns its path.
func seedDB(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "e.db")
	db, err := store.Open(path, store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, _ := db.StartSweep("op", "AUTH", "cfg")
	db.AddCandidates(s.ID, []store.Checkpoint{{Platform: "twitter", ID: "1"}})
	post := func(id, text, cat string) store.Captured {
		return store.Captured{
			Post: store.Post{Platform: "twitter", ID: id, ProfileID: "1", Text: text, URL: "https://twitter.com/pc/status/" + id,
				CapturedAt: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), Profile: store.Snapshot{Handle: "pc_kent", Name: "PC Kent"}},
			Flag: store.Flag{Force: "Kent Police", Categories: []string{cat}, Scores: map[string]float64{cat: 0.9},
				Evidence: []store.Span{{Category: cat, Start: 0, End: 4, Text: text[:4]}}},
		}
	}
	err = db.CommitProfile(s.ID, store.ProfileResult{Platform: "twitter", ID: "1", Status: "serving",
		Profile: &store.Profile{Platform: "twitter", ID: "1", Handle: "pc_kent", Force: "Kent Police", InScope: true},
		Posts: []store.Captured{post("100", "scum the lot of them", "offensive"), post("101", "nick the suspect at 5 Elm Road", "procedure"),
			post("102", "evil\u202e <script>alert(1)</script> \x1b[31m", "offensive")}, PostsRead: 10})
	if err != nil {
		t.Fatal(err)
	}
	db.FinishSweep(s.ID, "")
	return path
}

func TestReviewAndRefer(t *testing.T) {
	db := seedDB(t)
	code, out, _ := exec(t, "", "--db", db, "review", "list")
	if code != 0 || !strings.Contains(out, "twitter/100") || !strings.Contains(out, "offensive 0.90") {
		t.Fatalf("list: %d %s", code, out)
	}
	if strings.Contains(out, "\u202e") || strings.Contains(out, "\x1b") {
		t.Fatalf("hostile text reached the terminal: %q", out)
	}
	code, out, _ = exec(t, "", "--db", db, "review", "show", "twitter/102")
	if code != 0 || !strings.Contains(out, `\u202e`) || strings.Contains(out, "\x1b") || !strings.Contains(out, "»evil«") {
		t.Fatalf("show: %d %q", code, out)
	}
	if code, _, errs := exec(t, "", "--db", db, "review", "confirm", "twitter/100"); code != 2 || !strings.Contains(errs, "--reviewer is required") {
		t.Fatalf("confirm without reviewer: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "", "--db", db, "review", "dismiss", "twitter/101", "--reviewer", "DS Jones"); code != 2 || !strings.Contains(errs, "--reason") {
		t.Fatalf("dismiss without reason: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "", "--db", db, "review", "confirm", "twitter/999", "--reviewer", "DS Jones"); code != 2 || !strings.Contains(errs, "twitter/999") {
		t.Fatalf("unknown post: %d %s", code, errs)
	}
	if code, out, errs := exec(t, "", "--db", db, "review", "confirm", "twitter/100", "twitter/101", "--reviewer", "DS Jones"); code != 0 || !strings.Contains(out, "2 flag(s)") {
		t.Fatalf("confirm: %d %s %s", code, out, errs)
	}
	if code, _, _ := exec(t, "", "--db", db, "review", "dismiss", "--all", "--reviewer", "DS Jones", "--reason", "test"); code != 0 {
		t.Fatal("dismiss --all failed")
	}
	if code, _, errs := exec(t, "", "--db", db, "refer", "--force", "Atlantis Police", "--by", "DS Jones"); code != 2 || !strings.Contains(errs, `unknown force "Atlantis Police"`) {
		t.Fatalf("unknown force: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "", "--db", db, "refer", "--force", "Essex Police", "--by", "DS Jones"); code != 2 || !strings.Contains(errs, "no confirmed flags for Essex Police") {
		t.Fatalf("force without flags: %d %s", code, errs)
	}
	code, out, errs := exec(t, "", "--db", db, "refer", "--force", "kent police", "--by", "DS Jones")
	if code != 0 || !strings.Contains(out, "REF-") || !strings.Contains(out, "2 post(s)") {
		t.Fatalf("refer: %d %s %s", code, out, errs)
	}
	if code, out, _ := exec(t, "", "--db", db, "refer", "list"); code != 0 || !strings.Contains(out, "Kent Police") {
		t.Fatalf("refer list: %d %s", code, out)
	}
	if code, out, _ := exec(t, "", "--db", db, "review", "list", "--state", "referred"); code != 0 || strings.Count(out, "twitter/") != 2 {
		t.Fatalf("referred list: %s", out)
	}
}

func TestBadGlobalInput(t *testing.T) {
	dir := t.TempDir()
	if code, _, errs := exec(t, "", "--db", filepath.Join(dir, "none.db"), "review", "list"); code != 2 || !strings.Contains(errs, "does not exist") {
		t.Fatalf("missing db: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "", "--rules", filepath.Join(dir, "nope"), "refer", "--force", "x", "--by", "y", "--db", seedDB(t)); code != 2 || !strings.Contains(errs, "rules directory") {
		t.Fatalf("missing rules dir: %d %s", code, errs)
	}
	if code, _, errs := exec(t, "", "--log-level", "loud", "version"); code != 2 || !strings.Contains(errs, "--log-level") {
		t.Fatalf("bad log level: %d %s", code, errs)
	}
	if code, _, _ := exec(t, "", "nosuchcommand"); code != 2 {
		t.Fatalf("unknown command: %d", code)
	}
	if code, _, errs := exec(t, "", "review", "show", "nonsense"); code != 2 || !strings.Contains(errs, "PLATFORM/ID") {
		t.Fatalf("bad post ref: %d %s", code, errs)
	}
}
