package html

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/fakesite"
)

// benchWorld has n officers with m posts each, all found by "police".
func benchWorld(n, m int) *sim.World {
	var accounts []*sim.Account
	var posts []*sim.Post
	for i := range n {
		id := fmt.Sprintf("acct-%04d", i)
		accounts = append(accounts, &sim.Account{Platform: sim.Facebook, ID: id, Handle: fmt.Sprintf("officer.%04d", i),
			Name: fmt.Sprintf("Officer %d", i), Bio: "PC with West Midlands Police. Views my own.", Location: "Birmingham", State: sim.Active})
		for j := range m {
			posts = append(posts, &sim.Post{Platform: sim.Facebook, ID: fmt.Sprintf("p%04d%05d", i, j), AccountID: id,
				Created: worldNow.Add(-time.Duration(j+1) * time.Hour), State: sim.Live,
				Text: "Another night shift done, bloody freezing out there. Stay safe everyone & look after each other #police"})
		}
	}
	return sim.FromData(worldNow, accounts, posts)
}

// BenchmarkSweep runs discovery and reads every profile through colly
// against the fake site on loopback, four profiles at a time, and reports
// posts per second end to end (server rendering included, on the same
// cores).
func BenchmarkSweep(b *testing.B) {
	const profiles, perProfile = 100, 200
	f := newFixture(b, benchWorld(profiles, perProfile), fakesite.Options{PageSize: 50, SearchPageSize: 50}, nil, func(c *Config) {
		c.Parallelism = 4
		c.MaxBodyBytes = 4 << 20
	})
	b.ReportAllocs()
	var total atomic.Int64
	start, cpu0 := time.Now(), cpuTime()
	for b.Loop() {
		var found []crawler.Profile
		if err := f.src.Discover(context.Background(), func(p crawler.Profile) error {
			found = append(found, p)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		work := make(chan crawler.Profile)
		var wg sync.WaitGroup
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for p := range work {
					if _, err := f.src.Posts(context.Background(), p, "", func(crawler.Post) error {
						total.Add(1)
						return nil
					}); err != nil {
						b.Error(err)
					}
				}
			}()
		}
		for _, p := range found {
			work <- p
		}
		close(work)
		wg.Wait()
	}
	if want := int64(profiles * perProfile * b.N); total.Load() != want {
		b.Fatalf("read %d posts, want %d", total.Load(), want)
	}
	b.ReportMetric(float64(total.Load())/time.Since(start).Seconds(), "posts/s")
	// Wall-clock posts/s depends on what else the cores are doing; posts
	// per CPU-second (client and fake server together) does not.
	b.ReportMetric(float64(total.Load())/(cpuTime()-cpu0).Seconds(), "posts/cpu-s")
}

// cpuTime is the process's user+system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLookup rechecks posts by permalink, parallelism 4.
func BenchmarkLookup(b *testing.B) {
	f := newFixture(b, benchWorld(10, 100), fakesite.Options{}, nil, func(c *Config) { c.Parallelism = 4 })
	var refs []crawler.PostRef
	for i := range 10 {
		for j := range 100 {
			refs = append(refs, crawler.PostRef{Platform: "facebook", ID: fmt.Sprintf("p%04d%05d", i, j), Handle: fmt.Sprintf("officer.%04d", i)})
		}
	}
	b.ReportAllocs()
	start := time.Now()
	n := 0
	for b.Loop() {
		checks, err := f.src.Lookup(context.Background(), refs)
		if err != nil || checks[0].State != crawler.StateVisible {
			b.Fatal(err, checks[0])
		}
		n += len(checks)
	}
	b.ReportMetric(float64(n)/time.Since(start).Seconds(), "checks/s")
}
