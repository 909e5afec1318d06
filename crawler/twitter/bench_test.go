package twitter

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

var benchWords = strings.Fields(`shift response custody briefing paperwork overtime sergeant inspector public
	tonight morning late early patrol station court case job call area team van car city town road
	really honestly again never always great awful tired proud thanks everyone colleagues community`)

// benchWorld generates accounts×per tweets with tweet-length text, a few
// hashtags, reposts and quotes: the shape of the study's timelines.
func benchWorld(accounts, per int) (*sim.World, []crawler.Profile) {
	r := rand.New(rand.NewPCG(1, 2))
	var accts []*sim.Account
	var posts []*sim.Post
	var profiles []crawler.Profile
	for a := 0; a < accounts; a++ {
		id := fmt.Sprint(500000 + a)
		h := fmt.Sprintf("officer_%d", a)
		accts = append(accts, &sim.Account{Platform: sim.Twitter, ID: id, Handle: h, Name: "Officer " + id,
			Bio: "Police officer. Views my own. #policelife", Location: "Somewhere, UK", State: sim.Active, Created: now.AddDate(-6, 0, 0)})
		profiles = append(profiles, crawler.Profile{Platform: "twitter", ID: id, Handle: h})
		for i := 0; i < per; i++ {
			at := now.Add(-time.Duration(i+1)*97*time.Minute - time.Duration(a)*time.Second)
			var b strings.Builder
			for n := 12 + r.IntN(20); n > 0; n-- {
				b.WriteString(benchWords[r.IntN(len(benchWords))])
				b.WriteByte(' ')
			}
			p := &sim.Post{Platform: sim.Twitter, ID: faketwitter.Snowflake(at, a), AccountID: id, Created: at, Text: strings.TrimSpace(b.String()), State: sim.Live}
			switch r.IntN(20) {
			case 0:
				p.Text += " #policelife"
				p.Hashtags = []string{"policelife"}
			case 1:
				p.Repost, p.RepostText, p.Text = true, p.Text, ""
			case 2:
				p.Repost, p.RepostText = true, "Quoted: "+p.Text
			}
			posts = append(posts, p)
		}
	}
	return sim.FromData(now, accts, posts), profiles
}

// BenchmarkTimelines pulls every timeline of a generated world through the
// real go-twitter client from the fake on loopback, as a sweep does (one
// goroutine, profile after profile), and reports posts per second end to
// end: fake encoding, HTTP, go-twitter decoding, raw capture, conversion.
func BenchmarkTimelines(b *testing.B) {
	const accounts, per = 200, 150
	w, profiles := benchWorld(accounts, per)
	ts := httptest.NewServer(faketwitter.New(w, faketwitter.Options{Unlimited: true}))
	defer ts.Close()
	cfg := Config{BaseURL: ts.URL}
	cfg.Timeline.NotBefore = now.AddDate(-2, 0, 0)
	cfg.Timeline.IncludeReposts = true
	s, err := New(cfg, Deps{Transport: ts.Client().Transport, Credentials: &Credentials{BearerToken: "bench"}})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	total := 0
	start, cpu0 := time.Now(), cpuTime()
	for b.Loop() {
		for _, p := range profiles {
			_, err := s.Posts(ctx, p, "", func(crawler.Post) error { total++; return nil })
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	if total != b.N*accounts*per {
		b.Fatalf("%d posts, want %d", total, b.N*accounts*per)
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "posts/s")
	// The machine is shared: CPU time is the steadier measure. Client and
	// fake alternate on one request at a time, so on an idle machine
	// posts/s approaches posts per CPU-second.
	b.ReportMetric(float64(total)/(cpuTime()-cpu0).Seconds(), "posts/cpu-s")
	b.ReportMetric(0, "ns/op")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
