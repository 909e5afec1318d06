package demo

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/store"
)

func TestEvaluate(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	acct := func(id string, in bool) *sim.Account {
		return &sim.Account{Platform: "twitter", ID: id, Handle: "h" + id, Truth: sim.Truth{InScope: in, Force: "Kent Police"}}
	}
	post := func(id, acc string, cats ...string) *sim.Post {
		return &sim.Post{Platform: "twitter", ID: id, AccountID: acc, Created: t0.Add(-time.Hour), Categories: cats}
	}
	w := sim.FromData(t0, []*sim.Account{acct("1", true), acct("2", true), acct("3", false), acct("4", false)},
		[]*sim.Post{post("10", "1", "offensive"), post("11", "1"), post("12", "1", "procedure"), post("13", "1"),
			{Platform: "twitter", ID: "14", AccountID: "1", Created: t0.Add(time.Hour), Categories: []string{"offensive"}}})
	db, err := store.Open(filepath.Join(t.TempDir(), "e.db"), store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	s, _ := db.StartSweep("op", "A", "c")
	flag := func(id, cat string) store.Captured {
		return store.Captured{Post: store.Post{Platform: "twitter", ID: id, ProfileID: "1", Text: "x"},
			Flag: store.Flag{Force: "Kent Police", Categories: []string{cat}}}
	}
	// Account 1 in scope (right), 3 in scope (wrong), 2 missed. Post 10
	// right, 11 a false positive, 12 missed, 13 right negative; 14 was
	// posted after the sweep and does not count.
	db.CommitProfiles(s.ID, []store.ProfileResult{
		{Platform: "twitter", ID: "1", Status: "serving", Profile: &store.Profile{Platform: "twitter", ID: "1", Force: "Kent Police", InScope: true},
			Posts: []store.Captured{flag("10", "offensive"), flag("11", "negativity")}},
		{Platform: "twitter", ID: "3", Status: "serving", Profile: &store.Profile{Platform: "twitter", ID: "3", Force: "Essex Police", InScope: true}},
	})
	ev, err := Evaluate(db, w, t0)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Identity != (classify.Counts{TP: 1, FP: 1, FN: 1, TN: 1}) || ev.ForceRight != 1 || ev.ForceTotal != 1 {
		t.Fatalf("identity = %+v force %d/%d", ev.Identity, ev.ForceRight, ev.ForceTotal)
	}
	if ev.PostsRead != 4 || ev.Posts != (classify.Counts{TP: 1, FP: 1, FN: 1, TN: 1}) {
		t.Fatalf("posts = %d %+v", ev.PostsRead, ev.Posts)
	}
	if ev.Categories[classify.Offensive] != (classify.Counts{TP: 1, TN: 3}) || ev.Categories[classify.Negativity] != (classify.Counts{FP: 1, TN: 3}) ||
		ev.Categories[classify.Procedure] != (classify.Counts{FN: 1, TN: 3}) {
		t.Fatalf("categories = %+v", ev.Categories)
	}
}
