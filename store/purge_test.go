package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/psd-tools/exposure/export/exporttest"
	"github.com/psd-tools/exposure/store"
)

const day = 24 * time.Hour

// addStrangers sweeps two more profiles that are never referred: u4, last
// seen at the fixture's start, whose flagged post has the same raw body as
// referred post t-11 (so the payload is shared), and u5, seen recently.
func addStrangers(t *testing.T, fx *exporttest.Fixture) {
	t.Helper()
	db := fx.DB
	t11, err := db.Post("twitter", "11")
	if err != nil {
		t.Fatal(err)
	}
	shared, err := db.Payload(t11.Payload.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	sw, err := db.StartSweep("op-alice", "PSD-AUTH-2026-001", "cfg-2")
	if err != nil {
		t.Fatal(err)
	}
	db.AddCandidates(sw.ID, []store.Checkpoint{{Platform: "twitter", ID: "u4"}, {Platform: "twitter", ID: "u5"}})
	old := exporttest.Start.Add(time.Hour)
	for _, c := range []struct {
		id   string
		seen time.Time
	}{{"u4", old}, {"u5", exporttest.Start.Add(300 * day)}} {
		post := store.Captured{
			Post: store.Post{Platform: "twitter", ID: "p-" + c.id, ProfileID: c.id, Text: "shared words", CapturedAt: old,
				Payload: &store.Payload{URL: "https://api.twitter.example/p", Status: 200, ContentType: "application/json", FetchedAt: old}},
			Flag: store.Flag{Force: exporttest.ForceA, Categories: []string{"offensive"}, Scores: map[string]float64{"offensive": 0.7}},
			Raw:  shared,
		}
		if err := db.CommitProfile(sw.ID, store.ProfileResult{Platform: "twitter", ID: c.id, Status: "serving",
			Profile: &store.Profile{Platform: "twitter", ID: c.id, Handle: "h" + c.id, Force: exporttest.ForceA, InScope: true,
				FirstSeen: old, LastSeen: c.seen},
			Posts: []store.Captured{post}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.FinishSweep(sw.ID, ""); err != nil {
		t.Fatal(err)
	}
}

func keys(items []store.PurgeItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Key
	}
	return out
}

func join(s []string) string {
	out := ""
	for i, x := range s {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

func auditLen(t *testing.T, db *store.DB) int {
	n, err := db.VerifyAudit()
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPurgeKeepsReferredAndShared(t *testing.T) {
	fx := exporttest.Build(t)
	addStrangers(t, fx)
	db := fx.DB
	t12, _ := db.Post("twitter", "12")
	before, _ := db.Stats()
	audits := auditLen(t, db)
	opt := store.PurgeOptions{Before: exporttest.Start.Add(200 * day), ReferralBefore: exporttest.Start.Add(-day),
		Actor: "op-erin", Policy: "older-than 200d", DryRun: true}

	dry, err := db.Purge(opt)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := db.Stats()
	if before != after || auditLen(t, db) != audits || dry.Tombstone != nil {
		t.Fatalf("dry run changed the store: %+v -> %+v", before, after)
	}
	check := func(r store.PurgeResult) {
		t.Helper()
		if join(keys(r.Profiles)) != "twitter/u4" || join(keys(r.Posts)) != "twitter/12,twitter/p-u4" || len(r.Referrals) != 0 {
			t.Fatalf("profiles %v posts %v referrals %v", r.Profiles, r.Posts, r.Referrals)
		}
		// t-12's own payload goes; p-u4's is t-11's too and stays.
		if r.Payloads != 1 || r.Reviews != 1 || r.Checks != 0 || r.Checkpoints != 5 {
			t.Fatalf("counts: %+v", r)
		}
	}
	check(dry)

	opt.DryRun = false
	res, err := db.Purge(opt)
	if err != nil {
		t.Fatal(err)
	}
	check(res)
	if res.Tombstone == nil || res.Tombstone.Action != store.ActPurge || res.Tombstone.Actor != "op-erin" ||
		res.Tombstone.Detail["posts"] != "2" || res.Tombstone.Detail["policy"] != "older-than 200d" {
		t.Fatalf("tombstone = %+v", res.Tombstone)
	}
	if auditLen(t, db) != audits+1 {
		t.Fatal("no tombstone in the audit log")
	}
	if _, err := db.Post("twitter", "12"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("dismissed post kept: %v", err)
	}
	if _, err := db.Payload(t12.Payload.SHA256); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("dismissed post's payload kept: %v", err)
	}
	t11, _ := db.Post("twitter", "11")
	if _, err := db.Payload(t11.Payload.SHA256); err != nil {
		t.Errorf("shared payload of a referred post was deleted: %v", err)
	}
	if _, err := db.Profile("twitter", "u4"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("stale profile kept: %v", err)
	}
	for _, id := range []string{"u1", "u3", "u5"} {
		if _, err := db.Profile("twitter", id); err != nil {
			t.Errorf("profile %s: %v", id, err)
		}
	}
	var byForce []string
	db.ProfilesByForce(exporttest.ForceA, func(p store.Profile) error { byForce = append(byForce, p.ID); return nil })
	for _, id := range byForce {
		if id == "u4" {
			t.Error("force index still lists the purged profile")
		}
	}
	counts, _ := db.CountFlags()
	if counts[store.FlagDismissed] != 0 || counts[store.FlagReferred] != 4 || counts[store.FlagNew] != 1 {
		t.Errorf("flag counts = %v", counts)
	}
	if checks, _ := db.Checks("twitter", "10"); len(checks) != 2 {
		t.Errorf("referred post's rechecks: %d", len(checks))
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
	// A second purge with the same retention finds nothing left to delete.
	again, err := db.Purge(opt)
	if err != nil || !again.Empty() {
		t.Fatalf("second purge: %+v %v", again, err)
	}
}

func TestPurgeExpiredReferrals(t *testing.T) {
	fx := exporttest.Build(t)
	db := fx.DB
	res, err := db.Purge(store.PurgeOptions{Before: exporttest.Start.Add(200 * day), ReferralBefore: exporttest.Start.Add(day), Actor: "op-erin"})
	if err != nil {
		t.Fatal(err)
	}
	if join(keys(res.Referrals)) != fx.RefA.ID+","+fx.RefB.ID || len(res.Profiles) != 3 || len(res.Posts) != 5 || res.Checks != 3 {
		t.Fatalf("result = %+v", res)
	}
	st, _ := db.Stats()
	if st.Profiles+st.Posts+st.Flags+st.Reviews+st.Referrals+st.Checks+st.Payloads != 0 {
		t.Fatalf("left behind: %+v", st)
	}
	if _, err := db.Referral(fx.RefA.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("referral kept: %v", err)
	}
	n := 0
	db.ReferralsByForce(exporttest.ForceA, func(store.Referral) error { n++; return nil })
	if n != 0 {
		t.Error("force index still lists the referral")
	}
	if ref, _ := db.ReferralOf("twitter", "10"); ref != "" {
		t.Errorf("referred index kept %s", ref)
	}
	if st.Sweeps != 1 || st.Audit == 0 {
		t.Errorf("sweeps and audit must stay: %+v", st)
	}
	if _, err := db.VerifyAudit(); err != nil {
		t.Fatal(err)
	}
	if err := db.Check(); err != nil {
		t.Fatal(err)
	}
}

// A referral still in retention keeps its profile even when the profile
// has not been seen for longer than the personal-data retention.
func TestPurgeReferralProtectsProfile(t *testing.T) {
	fx := exporttest.Build(t)
	res, err := fx.DB.Purge(store.PurgeOptions{Before: exporttest.Start.Add(3000 * day), ReferralBefore: exporttest.Start.Add(-day), Actor: "op", DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Profiles) != 0 || join(keys(res.Posts)) != "twitter/12" {
		t.Fatalf("result = %+v", res)
	}
	if _, err := fx.DB.Purge(store.PurgeOptions{Before: time.Now(), ReferralBefore: time.Now()}); err == nil {
		t.Error("purge without an operator ran")
	}
}
