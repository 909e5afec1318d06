package pipeline

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/crawler/twitter"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

// stepClock moves only when slept on, so the wait for a window takes no
// real time; the fake API shares it.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(max(d, 0))
	return nil
}

type waitLog struct {
	mu    sync.Mutex
	waits []string
}

func (w *waitLog) Waiting(_, ep string, _ time.Time) {
	w.mu.Lock()
	w.waits = append(w.waits, ep)
	w.mu.Unlock()
}
func (w *waitLog) Retrying(string, string, int, error) {}

// TestSweepAfterAnotherRunSpentTheWindow: a sweep through the real Twitter
// source and go-twitter against the fake API, started when another client
// with the same token has just spent the timeline window, waits for the
// reset before its first timeline request and earns no 429.
func TestSweepAfterAnotherRunSpentTheWindow(t *testing.T) {
	start := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	clk := &stepClock{t: start}
	const token = "AAAApipeline-test-token"
	fake := faketwitter.New(faketwitter.Fixture(start), faketwitter.Options{Clock: clk.Now, BearerToken: token,
		Limits: map[string]int{"statuses/user_timeline": 2}})
	ts := httptest.NewServer(fake)
	defer ts.Close()

	// The other run.
	for range 2 {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/1.1/statuses/user_timeline.json?screen_name=PC_Smith&count=1", nil)
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := ts.Client().Do(req)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("spending the window: %v", err)
		}
		resp.Body.Close()
	}

	var cfg twitter.Config
	cfg.BaseURL = ts.URL
	cfg.Discover.Followers = twitter.Graph{Enabled: true, Seeds: []string{"WMPolice"}}
	cfg.Timeline.NotBefore = start.AddDate(-1, 0, 0)
	obs := &waitLog{}
	db := openDB(t)
	src, err := twitter.New(cfg, twitter.Deps{Transport: ts.Client().Transport, KV: db.KV("twitter"), Clock: clk, Observer: obs,
		Credentials: &twitter.Credentials{BearerToken: token}})
	if err != nil {
		t.Fatal(err)
	}
	sw := &Sweeper{DB: db, Sources: []crawler.Source{src}, Identify: idByBio{}, Classify: wordClassifier{}}
	s, err := sw.Run(context.Background(), opts())
	if err != nil {
		t.Fatal(err)
	}
	if s.Summary.PostsRead == 0 {
		t.Fatalf("no posts read: %+v", s.Summary)
	}
	if n := fake.Stats().RateLimited; len(n) != 0 {
		t.Errorf("429s: %v", n)
	}
	if len(obs.waits) == 0 || obs.waits[0] != "statuses/user_timeline" {
		t.Errorf("waits %v, want the first for the spent timeline window", obs.waits)
	}
	if n := fake.Requests("application/rate_limit_status"); n != 1 {
		t.Errorf("rate_limit_status asked %d times", n)
	}
}
