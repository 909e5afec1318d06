package main

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/store"
)

// compactDB writes a database with live profiles and profiles past
// retention, each with a post and an incompressible payload, so that a
// purge and its compaction take long enough to be killed part way. The
// handles of the ones past retention contain "purged-secret".
func compactDB(t *testing.T, live, old int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "e.db")
	db, err := store.Open(path, store.Options{Create: true, NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sw, err := db.StartSweep("op", "AUTH", "cfg")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	var batch []store.ProfileResult
	for i := range live + old {
		id := fmt.Sprintf("u%d", i)
		handle, seen := "kept-"+id, now
		if i >= live {
			handle, seen = "purged-secret-"+id, now.AddDate(-2, 0, 0)
		}
		raw := make([]byte, 48<<10)
		for j := range raw {
			raw[j] = byte(rng.Uint32())
		}
		post := store.Captured{
			Post: store.Post{Platform: "twitter", ID: "p" + id, ProfileID: id, Text: "post of @" + handle, CapturedAt: seen,
				Payload: &store.Payload{URL: "https://api.twitter.example/p", Status: 200, ContentType: "application/json", FetchedAt: seen}},
			Flag: store.Flag{Force: "Kent Police", Categories: []string{"offensive"}, Scores: map[string]float64{"offensive": 0.7}},
			Raw:  raw,
		}
		batch = append(batch, store.ProfileResult{Platform: "twitter", ID: id, Status: "serving",
			Profile: &store.Profile{Platform: "twitter", ID: id, Handle: handle, Force: "Kent Police", InScope: true, FirstSeen: seen, LastSeen: seen},
			Posts:   []store.Captured{post}})
		if len(batch) == 50 {
			if err := db.CommitProfiles(sw.ID, batch); err != nil {
				t.Fatal(err)
			}
			batch = nil
		}
	}
	if err := db.CommitProfiles(sw.ID, batch); err != nil {
		t.Fatal(err)
	}
	if _, err := db.FinishSweep(sw.ID, ""); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCompactKilled kills 'exposure purge' with SIGKILL at points spread
// over its run (the purge, the copy, the rename, the wipe). After each
// kill the database opens and its audit chain verifies; the next purge
// removes a leftover temporary file, says so, and leaves no purged handle
// in the file.
func TestCompactKilled(t *testing.T) {
	dir := t.TempDir()
	e := &crashEnv{bin: buildBinary(t, dir), env: append(os.Environ(), "EXPOSURE_OPERATOR=op-kill")}
	orig := compactDB(t, 300, 100)
	raw, err := os.ReadFile(orig)
	if err != nil {
		t.Fatal(err)
	}
	fresh := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, raw, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	if !rawHolds(t, orig, "purged-secret-") {
		t.Fatal("the database holds no purged handle: the test could not fail")
	}
	ref := fresh("ref.db")
	start := time.Now()
	if code, out, errs := e.runToEnd(t, "--db", ref, "purge", "--older-than", "1y"); code != 0 || !strings.Contains(out, "Deleted 100 profile(s)") ||
		!strings.Contains(out, "Compacted the file") {
		t.Fatalf("uninterrupted purge: %d %s %s", code, out, lastLines(errs, 3))
	}
	took := time.Since(start)
	if rawHolds(t, ref, "purged-secret-") {
		t.Fatal("the uninterrupted purge left a purged handle in the file")
	}
	kills := envInt("EXPOSURE_COMPACT_KILLS", 8)
	var landed, temps int
	for k := range kills {
		db := fresh(fmt.Sprintf("k%d.db", k))
		d := took * time.Duration(2*k+1) / time.Duration(2*kills)
		if !e.killAt(t, d, "--db", db, "purge", "--older-than", "1y") {
			continue
		}
		landed++
		if code, out, errs := e.runToEnd(t, "--db", db, "audit", "verify"); code != 0 || !strings.Contains(out, "intact") {
			t.Fatalf("killed at %v: verify: %d %s %s", d, code, out, lastLines(errs, 3))
		}
		_, tempErr := os.Stat(db + ".compact")
		if tempErr == nil {
			temps++
		}
		code, out, errs := e.runToEnd(t, "--db", db, "purge", "--older-than", "1y")
		if code != 0 || !strings.Contains(out, "Compacted the file") {
			t.Fatalf("killed at %v: purge again: %d %s %s", d, code, out, lastLines(errs, 3))
		}
		if tempErr == nil && !strings.Contains(errs, "removed the temporary file of a compaction that was interrupted") {
			t.Errorf("killed at %v: the leftover temporary file was not reported: %s", d, lastLines(errs, 3))
		}
		if _, err := os.Stat(db + ".compact"); !os.IsNotExist(err) {
			t.Errorf("killed at %v: temporary file still there: %v", d, err)
		}
		if rawHolds(t, db, "purged-secret-") {
			t.Errorf("killed at %v: a purged handle is still in the file", d)
		}
	}
	t.Logf("purge took %v; %d of %d kills landed, %d left a temporary file", took, landed, kills, temps)
}
