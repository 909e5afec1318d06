package store

import (
	"fmt"
	"testing"
)

// TestPendingPages pages through a sweep's pending candidates per
// platform: each once, in id order, done ones left out.
func TestPendingPages(t *testing.T) {
	db := mustOpen(t)
	s, err := db.StartSweep("op", "AUTH", "cfg")
	if err != nil {
		t.Fatal(err)
	}
	var cands []Checkpoint
	for i := range 600 {
		for _, p := range []string{"facebook", "twitter"} {
			cands = append(cands, Checkpoint{Platform: p, ID: fmt.Sprintf("%04d", i), Candidate: []byte(`{}`)})
		}
	}
	if _, err := db.AddCandidates(s.ID, cands); err != nil {
		t.Fatal(err)
	}
	// Every third twitter candidate is done.
	var done []ProfileResult
	for i := 0; i < 600; i += 3 {
		done = append(done, ProfileResult{Platform: "twitter", ID: fmt.Sprintf("%04d", i), Status: "not_police"})
	}
	if err := db.CommitProfiles(s.ID, done); err != nil {
		t.Fatal(err)
	}
	counts, err := db.PendingCount(s.ID)
	if err != nil || counts["facebook"] != 600 || counts["twitter"] != 400 {
		t.Fatalf("counts = %v, %v", counts, err)
	}
	for platform, want := range counts {
		got, after, last := 0, "", ""
		for {
			page, err := db.PendingPage(s.ID, platform, after, 256)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page {
				if c.Platform != platform || c.ID <= last || c.Done {
					t.Fatalf("%s: %+v after %q", platform, c, last)
				}
				last = c.ID
				got++
			}
			if len(page) < 256 {
				break
			}
			after = page[len(page)-1].ID
		}
		if got != want {
			t.Errorf("%s: paged %d pending, want %d", platform, got, want)
		}
	}
}
