package report

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/psd-tools/exposure/store"
)

// benchForces are 44 force names for the benchmark store.
var benchForces = func() []string {
	out := make([]string, 44)
	for i := range out {
		out[i] = fmt.Sprintf("Force %02d Constabulary", i+1)
	}
	return out
}()

// buildBenchStore writes posts referred posts with checksPer checks each
// through the store API: profiles of 50 flagged (pre-confirmed) posts,
// referrals per force spread over a year, then rechecks about every 30
// days. About three quarters stay visible (some edited), the rest are
// removed or lose their account part way, and 2% of checks are unknown.
func buildBenchStore(tb testing.TB, posts, checksPer int) (*store.DB, time.Time) {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "bench.db"), store.Options{Create: true, NoSync: true})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := start
	db.SetClock(func() time.Time { return clock })
	s, err := db.StartSweep("bench", "AUTH", "cfg")
	if err != nil {
		tb.Fatal(err)
	}
	cats := []string{"offensive", "procedure", "negativity", "political"}
	const perProfile = 50
	nProfiles := (posts + perProfile - 1) / perProfile
	var cands []store.Checkpoint
	for i := 0; i < nProfiles; i++ {
		cands = append(cands, store.Checkpoint{Platform: "twitter", ID: fmt.Sprint(i)})
	}
	if _, err := db.AddCandidates(s.ID, cands); err != nil {
		tb.Fatal(err)
	}
	byForce := map[string][]store.PostKey{}
	var batch []store.ProfileResult
	n := 0
	for i := 0; i < nProfiles; i++ {
		force := benchForces[i%len(benchForces)]
		pid := fmt.Sprint(i)
		r := store.ProfileResult{Platform: "twitter", ID: pid, Status: "serving", PostsRead: 100,
			Profile: &store.Profile{Platform: "twitter", ID: pid, Handle: "pc_" + pid, Force: force, InScope: true, Status: "serving"}}
		for j := 0; j < perProfile && n < posts; j++ {
			id := fmt.Sprintf("%d", 1_000_000+n)
			n++
			r.Posts = append(r.Posts, store.Captured{
				Post: store.Post{Platform: "twitter", ID: id, ProfileID: pid, Text: "flagged post text number " + id,
					URL: "https://twitter.example/pc_" + pid + "/" + id, CapturedAt: clock, Profile: store.Snapshot{Handle: "pc_" + pid}},
				Flag: store.Flag{Force: force, Categories: []string{cats[rng.IntN(4)]}, State: store.FlagConfirmed}})
			byForce[force] = append(byForce[force], store.PostKey{Platform: "twitter", PostID: id})
		}
		batch = append(batch, r)
		if len(batch) == 100 || i == nProfiles-1 {
			if err := db.CommitProfiles(s.ID, batch); err != nil {
				tb.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if _, err := db.FinishSweep(s.ID, ""); err != nil {
		tb.Fatal(err)
	}
	// Each force's posts are referred in twelve monthly referrals.
	referred := map[store.PostKey]time.Time{}
	var order []store.PostKey
	for m := 0; m < 12; m++ {
		clock = start.AddDate(0, m, 1)
		for _, f := range benchForces {
			keys := byForce[f]
			lo, hi := len(keys)*m/12, len(keys)*(m+1)/12
			if lo == hi {
				continue
			}
			ref, err := db.CreateReferral(store.NewReferral{Force: f, CreatedBy: "bench", Posts: keys[lo:hi]})
			if err != nil {
				tb.Fatal(err)
			}
			for _, k := range ref.Posts {
				referred[k] = ref.Created
				order = append(order, k)
			}
		}
	}
	// Rechecks every ~30 days from referral.
	var checks []store.NewCheck
	flush := func() {
		if err := db.AddChecks("bench", checks); err != nil {
			tb.Fatal(err)
		}
		checks = checks[:0]
	}
	for _, k := range order {
		ref := referred[k]
		fate, at := "", checksPer+1 // the check from which the post is gone
		switch x := rng.Float64(); {
		case x < 0.18:
			fate, at = "removed", rng.IntN(checksPer)
		case x < 0.21:
			fate, at = "account_protected", rng.IntN(checksPer)
		case x < 0.23:
			fate, at = "account_suspended", rng.IntN(checksPer)
		case x < 0.25:
			fate, at = "account_gone", rng.IntN(checksPer)
		}
		edited := rng.Float64() < 0.05
		for c := 0; c < checksPer; c++ {
			st, text := "visible", ""
			switch {
			case rng.Float64() < 0.02:
				st = "unknown"
			case c >= at:
				st = fate
			case edited && c >= checksPer/2:
				st, text = "edited", "edited text of "+k.PostID
			}
			when := ref.Add(time.Duration(30*(c+1))*24*time.Hour + time.Duration(rng.IntN(3600))*time.Second)
			checks = append(checks, store.NewCheck{Check: store.Check{Platform: k.Platform, PostID: k.PostID, At: when, State: st, Text: text}})
		}
		if len(checks) >= 20_000 {
			flush()
		}
	}
	flush()
	clock = start.AddDate(2, 0, 0)
	return db, clock
}

// BenchmarkReport measures the visibility report over 100,000 referred
// posts and 1,000,000 checks: loading from the store, the estimate, and
// the whole command path (load, compute, render). The store is built once
// (it takes a while); -short uses a tenth of it.
func BenchmarkReport(b *testing.B) {
	posts, per := 100_000, 10
	if testing.Short() {
		posts = 10_000
	}
	built := time.Now()
	db, at := buildBenchStore(b, posts, per)
	st, err := db.Stats()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("store: %d referred posts, %d checks, built in %v", posts, st.Checks, time.Since(built).Round(time.Second))
	subjects, err := LoadSubjects(db)
	if err != nil {
		b.Fatal(err)
	}
	if len(subjects) != posts {
		b.Fatalf("loaded %d subjects, want %d", len(subjects), posts)
	}

	b.Run("load", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		defer func() { b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op") }()
		for b.Loop() {
			if _, err := LoadSubjects(db); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("visibility", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			r := Visibility(subjects, at, Options{})
			if r.Overall.Referred != posts {
				b.Fatal("wrong count")
			}
		}
	})
	b.Run("html", func(b *testing.B) {
		r := Visibility(subjects, at, Options{})
		in, err := LoadInstances(db, "")
		if err != nil {
			b.Fatal(err)
		}
		p := Page{Generated: at, Visibility: &r, Instances: &in}
		b.ReportAllocs()
		for b.Loop() {
			if err := WriteHTML(io.Discard, p); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("end-to-end", func(b *testing.B) {
		b.ReportAllocs()
		cpu := cpuTime()
		defer func() {
			// CPU seconds per report, all threads: the figure that does not
			// depend on how busy a shared machine is.
			b.ReportMetric((cpuTime()-cpu).Seconds()/float64(b.N), "cpu-s/op")
		}()
		for b.Loop() {
			s, err := LoadSubjects(db)
			if err != nil {
				b.Fatal(err)
			}
			in, err := LoadInstances(db, "")
			if err != nil {
				b.Fatal(err)
			}
			sweeps, err := db.Sweeps()
			if err != nil {
				b.Fatal(err)
			}
			t, err := Study(sweeps, 0)
			if err != nil {
				b.Fatal(err)
			}
			r := Visibility(s, at, Options{})
			if err := WriteHTML(io.Discard, Page{Generated: at, Visibility: &r, Instances: &in, Study: &t}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
