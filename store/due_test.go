package store

import (
	"testing"
	"time"
)

// TestDueRetriesUnknown checks that a post whose last check was unknown (a
// transient failure) is due again at once, while one checked successfully
// waits for the cutoff.
func TestDueRetriesUnknown(t *testing.T) {
	db := mustOpen(t)
	sweepOne(t, db, flagged("10", "abc", "offensive"), flagged("11", "def", "offensive"))
	for _, id := range []string{"10", "11"} {
		if _, err := db.Review(Review{Platform: "twitter", PostID: id, Reviewer: "rev", Decision: Confirm}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.CreateReferral(NewReferral{Force: "West Midlands Police", CreatedBy: "rev",
		Posts: []PostKey{{"twitter", "10"}, {"twitter", "11"}}}); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := db.AddChecks("op", []NewCheck{
		{Check: Check{Platform: "twitter", PostID: "10", At: at, State: "visible"}},
		{Check: Check{Platform: "twitter", PostID: "11", At: at, State: "unknown", Reason: "HTTP 503"}},
	}); err != nil {
		t.Fatal(err)
	}
	due, err := db.Due(at.Add(-30 * 24 * time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(due) != 1 || due[0].PostID != "11" {
		t.Fatalf("due = %v; want only the post whose last check was unknown", due)
	}
}
