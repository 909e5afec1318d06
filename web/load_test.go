package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"
	"golang.org/x/crypto/bcrypt"
)

// BenchmarkQueuePage is the load test: the queue page over loopback HTTP,
// with a signed-in session and keep-alive connections from parallel
// clients, on a store of 10,000 flags. It reports requests per second.
//
//	go test -run '^$' -bench QueuePage -benchtime 5000x ./web
func BenchmarkQueuePage(b *testing.B) {
	base, cookie := loadServer(b, 10_000)
	for _, bc := range []struct{ name, query string }{
		{"all-new", ""}, // 10,000 match, first page of 50
		{"filtered", "?force=Kent+Police&category=offensive&min=0.7"}, // a filter over all of them
		{"deep-page", "?page=150"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			tr := &http.Transport{MaxIdleConnsPerHost: 64}
			defer tr.CloseIdleConnections()
			hc := &http.Client{Transport: tr}
			b.ReportAllocs()
			cpu0 := cpuTime()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest("GET", base+"/queue"+bc.query, nil)
					req.Header.Set("Cookie", cookie)
					resp, err := hc.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					n, _ := io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || n < 10_000 {
						b.Errorf("status %d, %d bytes", resp.StatusCode, n)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			// CPU per request (server and client together) says what the
			// page costs even when other processes share the cores.
			b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/req")
		})
	}
}

// cpuTime is the CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadServer builds a store with n flags and a server on loopback, and
// returns its URL and a session cookie.
func loadServer(b *testing.B, n int) (string, string) {
	db := openDB(b)
	seed(b, db, manyPosts(n))
	srv, err := New(Options{DB: db, Log: zerolog.Nop(), BcryptCost: bcrypt.MinCost})
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.Users().Add("bench", "rita", Reviewer, pw); err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	req, _ := http.NewRequest("POST", ts.URL+"/login", strings.NewReader(url.Values{"user": {"rita"}, "password": {pw}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := hc.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	var cookie string
	for _, c := range resp.Cookies() {
		cookie = c.Name + "=" + c.Value
	}
	if cookie == "" {
		b.Fatalf("login: %d, no cookie", resp.StatusCode)
	}
	return ts.URL, cookie
}

// BenchmarkQueueRebuild is the cost of rebuilding the queue index after a
// write, with 10,000 flags: the first queue page after each decision pays it.
func BenchmarkQueueRebuild(b *testing.B) {
	db := openDB(b)
	seed(b, db, manyPosts(10_000))
	c := &queueCache{db: db}
	b.ReportAllocs()
	for b.Loop() {
		c.cur.Store(nil)
		if _, err := c.get(); err != nil {
			b.Fatal(err)
		}
	}
}
