// Package simnet serves a simulated world on loopback as a whole network:
// the Twitter API v1.1 fake under /1.1/ and /oauth2/, the Facebook-like
// public site everywhere else, and a small admin API under /_sim/ that
// reports the world's state and advances its clock. The demo and
// `exposure sim` use it; tests can too.
//
// A Network owns its listener and server; Close stops them. It is safe for
// concurrent use.
package simnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/fakesite"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

// Options configure a Network.
type Options struct {
	// Addr to listen on (default 127.0.0.1:0, a free port on loopback).
	Addr string
	// RateLimits applies the Twitter API's published per-window limits
	// (waits of up to 15 minutes); off by default so a sweep of the
	// simulation runs at full speed.
	RateLimits bool
	// Twitter and Site are passed to the fakes (faults, layouts...); their
	// Clock is always the world's.
	Twitter faketwitter.Options
	Site    fakesite.Options
}

// Network is a running simulated network.
type Network struct {
	World   *sim.World
	Twitter *faketwitter.Server
	Site    *fakesite.Site
	// URL is the base URL of the network ("http://127.0.0.1:PORT").
	URL string

	srv *http.Server
	ln  net.Listener
}

// Start serves w until Close.
func Start(w *sim.World, opt Options) (*Network, error) {
	if opt.Addr == "" {
		opt.Addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", opt.Addr)
	if err != nil {
		return nil, fmt.Errorf("simulated network: %w", err)
	}
	topt := opt.Twitter
	topt.Clock = w.Now
	topt.Unlimited = !opt.RateLimits
	n := &Network{World: w, Twitter: faketwitter.New(w, topt), Site: fakesite.New(w, opt.Site), ln: ln,
		URL: "http://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.Handle("/1.1/", n.Twitter)
	mux.Handle("/oauth2/", n.Twitter)
	mux.HandleFunc("/_sim/status", n.status)
	mux.HandleFunc("/_sim/advance", n.advance)
	mux.Handle("/", n.Site)
	n.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go n.srv.Serve(ln)
	return n, nil
}

// Close stops the server.
func (n *Network) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := n.srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		return n.srv.Close()
	}
	return err
}

// Status is what /_sim/status reports.
type Status struct {
	Now   time.Time `json:"now"`
	Start time.Time `json:"start"`
	Stats sim.Stats `json:"stats"`
	// TwitterRequests counts the API requests served per endpoint, and
	// SiteRequests the site's, so that a sweep's cost can be measured
	// from outside (and priced at the real platforms' rate limits).
	TwitterRequests map[string]int `json:"twitter_requests"`
	SiteRequests    int            `json:"site_requests"`
}

func (n *Network) status(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(Status{Now: n.World.Now(), Start: n.World.Start(), Stats: n.World.Stats(),
		TwitterRequests: n.Twitter.Stats().Requests, SiteRequests: n.Site.TotalHits()})
}

// advance moves the world's clock: POST /_sim/advance?months=N (or
// ?days=N). Only from loopback: the admin API changes the world.
func (n *Network) advance(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		http.Error(w, "loopback only", http.StatusForbidden)
		return
	}
	q := r.URL.Query()
	switch {
	case q.Get("months") != "":
		m, err := strconv.Atoi(q.Get("months"))
		if err != nil || m < 0 || m > 120 {
			http.Error(w, "months: want a whole number from 0 to 120", http.StatusBadRequest)
			return
		}
		n.World.Advance(m)
	case q.Get("days") != "":
		d, err := strconv.Atoi(q.Get("days"))
		if err != nil || d < 0 || d > 3650 {
			http.Error(w, "days: want a whole number from 0 to 3650", http.StatusBadRequest)
			return
		}
		n.World.AdvanceBy(time.Duration(d) * 24 * time.Hour)
	default:
		http.Error(w, "give months=N or days=N", http.StatusBadRequest)
		return
	}
	n.status(w, r)
}

// Advance asks a running network at baseURL to move its clock.
func Advance(ctx context.Context, baseURL string, months int) (Status, error) {
	var st Status
	u := strings.TrimRight(baseURL, "/") + "/_sim/advance?months=" + strconv.Itoa(months)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return st, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return st, fmt.Errorf("advance the simulated network at %s: %w", baseURL, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var b strings.Builder
		fmt.Fprintf(&b, "advance the simulated network at %s: HTTP %d", baseURL, resp.StatusCode)
		return st, errors.New(b.String())
	}
	err = json.NewDecoder(resp.Body).Decode(&st)
	return st, err
}

// SweepConfig returns a sweep configuration that points the real sources
// at this network: every discovery mode on, no politeness delay (it is
// our own loopback server), and the world's start as the horizon anchor.
func (n *Network) SweepConfig(operator, authority string) string {
	notBefore := n.World.Start().AddDate(-1, 0, -7).UTC().Format(time.RFC3339)
	return fmt.Sprintf(`# Sweep configuration for the simulated network at %[1]s
# (written by exposure; the world is simulated, not real people).
operator: %[2]q
authority: %[3]q
unit: "Professional Standards Department (simulation)"
contact: "exposure-demo@example.invalid"

twitter:
  base_url: %[1]s
  discover:
    user_search:
      enabled: true        # queries default to the identity rules' search phrases
    followers:
      enabled: true        # seeds default to the forces' official accounts
    tweet_search:
      enabled: true
      queries: ["#nightshift", "#ResponseLife", "#frontline", "#copperslife"]
  timeline:
    not_before: %[4]s

sites:
  - site: facebook
    base_url: %[1]s
    allow_private_addresses: true   # the simulation runs on loopback
    delay: 0s
    random_delay: 0s
    parallelism: 8
    max_depth: 100       # search pages of 10: up to 1,000 results a query, as real sites cap
    not_before: %[4]s

recheck:
  due: 1d
`, n.URL, operator, authority, notBefore)
}
