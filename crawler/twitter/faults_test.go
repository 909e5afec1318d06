package twitter

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

// faultEnv is the fixture with one fault rule and settings that keep each
// fault quick: short request timeout, 1 MiB body cap, 3 attempts.
func faultEnv(t *testing.T, rules ...faketwitter.Rule) *env {
	// The timeout must be long enough that an ordinary request never hits
	// it on a loaded CI machine under -race (a timed-out healthy request
	// uses up a fault rule's skip count and a retry), and short enough
	// that the hang fault costs little.
	return fixtureEnv(t, faketwitter.Options{Faults: faketwitter.Faults{Seed: 1, Rules: rules, Latency: time.Millisecond,
		HangFor: 4 * time.Second, OversizeBytes: 4 << 20}}, func(c *Config) {
		c.RequestTimeout = time.Second
		c.MaxBodyBytes = 1 << 20
	})
}

// lookupRefs are the fixture's interesting posts and the state each has
// without faults.
func lookupRefs(e *env) ([]crawler.PostRef, []crawler.State) {
	off := faketwitter.FixtureOfficer
	return []crawler.PostRef{
			ref(post(0), off, "PC_Smith"), ref(post(3), off, "PC_Smith"), ref(post(7), off, "PC_Smith"),
			ref(firstTweet(e.world, faketwitter.FixtureProtected), faketwitter.FixtureProtected, "Sgt_Jones"),
			ref(firstTweet(e.world, faketwitter.FixtureSuspended), faketwitter.FixtureSuspended, "PC_Banned"),
			ref(firstTweet(e.world, faketwitter.FixtureDeleted), faketwitter.FixtureDeleted, "PC_Gone"),
		}, []crawler.State{crawler.StateVisible, crawler.StateVisible, crawler.StateRemoved,
			crawler.StateAccountProtected, crawler.StateAccountSuspended, crawler.StateAccountGone}
}

var transientKinds = []faketwitter.Kind{faketwitter.Hang, faketwitter.Reset, faketwitter.ServerError, faketwitter.Unavailable,
	faketwitter.Truncated, faketwitter.Malformed, faketwitter.WrongShape, faketwitter.WrongType, faketwitter.Empty}

var rateKinds = []faketwitter.Kind{faketwitter.RateLimit, faketwitter.RateLimitNoRetryAfter, faketwitter.RateLimitBare}

func TestTimelineFaults(t *testing.T) {
	all := append(append(append([]faketwitter.Kind{}, transientKinds...), rateKinds...), faketwitter.Oversize)
	for _, k := range all {
		t.Run(string(k), func(t *testing.T) {
			e := faultEnv(t, faketwitter.Always("statuses/user_timeline", k))
			posts, next, err := collect(t, e.source(), officer, post(20))
			if err == nil || !crawler.IsTransient(err) || next != post(20) {
				t.Fatalf("want a transient error and the cursor kept, got %v (cursor %s, %d posts)", err, next, len(posts))
			}
			waits, retries := e.obs.counts()
			reqs := e.fake.Requests("statuses/user_timeline")
			switch k {
			case faketwitter.Oversize:
				// Retrying cannot shrink it.
				if reqs != 1 || retries != 0 {
					t.Errorf("oversize: %d requests, %d retries", reqs, retries)
				}
			case faketwitter.RateLimit, faketwitter.RateLimitNoRetryAfter, faketwitter.RateLimitBare:
				if !errors.Is(err, crawler.ErrRateLimited) || waits != 3 || reqs != 4 {
					t.Errorf("429: %v, %d waits, %d requests", err, waits, reqs)
				}
			default:
				if reqs != 3 || retries != 2 {
					t.Errorf("%d requests, %d retries; want 3 and 2", reqs, retries)
				}
			}
		})
	}
	t.Run("latency", func(t *testing.T) {
		e := faultEnv(t, faketwitter.Always("statuses/user_timeline", faketwitter.Latency))
		if posts, _, err := collect(t, e.source(), officer, ""); err != nil || len(posts) != 244 {
			t.Fatalf("%d posts, %v", len(posts), err)
		}
	})
}

// TestFaultsThenRecovery: a fault that stops before the retries run out
// costs nothing but time.
func TestFaultsThenRecovery(t *testing.T) {
	for _, k := range append(append([]faketwitter.Kind{}, transientKinds...), rateKinds...) {
		t.Run(string(k), func(t *testing.T) {
			e := faultEnv(t, faketwitter.Rule{Endpoint: "statuses/user_timeline", Kinds: []faketwitter.Kind{k}, Skip: 1, Times: 2})
			posts, next, err := collect(t, e.source(), officer, "")
			if err != nil || len(posts) != 244 || next != post(0) {
				t.Fatalf("%d posts, cursor %s, %v", len(posts), next, err)
			}
			if len(byID(posts)) != 244 {
				t.Error("duplicates after retries")
			}
		})
	}
}

func TestLookupFaultsNeverRemove(t *testing.T) {
	all := append(append(append([]faketwitter.Kind{}, transientKinds...), rateKinds...), faketwitter.Oversize)
	for _, ep := range []string{"statuses/lookup", "statuses/show", "users/show"} {
		for _, k := range all {
			t.Run(ep+"/"+string(k), func(t *testing.T) {
				e := faultEnv(t, faketwitter.Always(ep, k))
				refs, truth := lookupRefs(e)
				checks, err := e.source().Lookup(context.Background(), refs)
				if err != nil || len(checks) != len(refs) {
					t.Fatalf("%d checks, %v", len(checks), err)
				}
				for i, c := range checks {
					var want crawler.State
					switch {
					case ep == "statuses/lookup":
						want = crawler.StateUnknown // nothing can be said
					case truth[i] == crawler.StateVisible:
						want = crawler.StateVisible // answered in bulk
					case ep == "statuses/show":
						want = crawler.StateUnknown
					case truth[i] == crawler.StateRemoved || truth[i] == crawler.StateAccountGone:
						want = crawler.StateUnknown // needs users/show
					default:
						want = truth[i] // 179 and 63 need no account check
					}
					if c.State != want {
						t.Errorf("%s: %s (%s), want %s", c.Ref.ID, c.State, c.Reason, want)
					}
					if c.State == crawler.StateUnknown && c.Reason == "" {
						t.Errorf("%s: unknown without a reason", c.Ref.ID)
					}
				}
			})
		}
	}
}

// TestRandomFaultMix runs lookups and timelines under a seeded mix of every
// fault on every endpoint: whatever happens, nothing is called removed that
// is not, a timeline either completes exactly or fails transiently, and a
// run without faults then completes the work.
func TestRandomFaultMix(t *testing.T) {
	seeds := []int64{1, 2, 3, 4, 5}
	if testing.Short() {
		seeds = seeds[:2]
	}
	kinds := []faketwitter.Kind{}
	for _, k := range faketwitter.Kinds {
		if k != faketwitter.Hang { // covered above; slow
			kinds = append(kinds, k)
		}
	}
	for _, seed := range seeds {
		e := fixtureEnv(t, faketwitter.Options{Faults: faketwitter.Faults{Seed: seed, Rules: []faketwitter.Rule{{Kinds: kinds, Rate: 0.3}},
			Latency: time.Millisecond, OversizeBytes: 4 << 20}}, func(c *Config) { c.MaxBodyBytes = 1 << 20 })
		s := e.source()
		refs, truth := lookupRefs(e)
		checks, err := s.Lookup(context.Background(), refs)
		if err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		unknown := 0
		for i, c := range checks {
			if c.State == crawler.StateUnknown {
				unknown++
				continue
			}
			if c.State != truth[i] {
				t.Errorf("seed %d: %s is %s, truth %s (%s)", seed, c.Ref.ID, c.State, truth[i], c.Reason)
			}
		}
		posts, _, err := collect(t, s, officer, "")
		if err == nil && len(byID(posts)) != 244 {
			t.Errorf("seed %d: timeline 'complete' with %d posts", seed, len(posts))
		}
		if err != nil && !crawler.IsTransient(err) {
			t.Errorf("seed %d: timeline failed with a non-transient error: %v", seed, err)
		}
		st := e.fake.Stats()
		t.Logf("seed %d: %d unknown of %d, timeline err %v, faults %v", seed, unknown, len(checks), err, st.Faults)

		// The next run, faults gone, completes.
		e.fake.SetFaults(faketwitter.Faults{})
		checks, _ = e.source().Lookup(context.Background(), refs)
		for i, c := range checks {
			if c.State != truth[i] {
				t.Errorf("seed %d, clean rerun: %s is %s, want %s", seed, c.Ref.ID, c.State, truth[i])
			}
		}
		if posts, _, err := collect(t, e.source(), officer, ""); err != nil || len(posts) != 244 {
			t.Errorf("seed %d, clean rerun: %d posts, %v", seed, len(posts), err)
		}
	}
}

func TestCancelStopsLookup(t *testing.T) {
	e := faultEnv(t, faketwitter.Always("statuses/show", faketwitter.Hang))
	e.cfg.RequestTimeout = 5 * time.Second
	refs, _ := lookupRefs(e)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	checks, err := e.source().Lookup(ctx, refs)
	if !errors.Is(err, context.DeadlineExceeded) || len(checks) != len(refs) {
		t.Fatalf("%d checks, %v", len(checks), err)
	}
	for _, c := range checks {
		if c.State == crawler.StateRemoved {
			t.Errorf("%s removed on a cancelled lookup", c.Ref.ID)
		}
	}
}
