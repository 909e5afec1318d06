package faketwitter

import (
	"crypto/sha256"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/psd-tools/exposure/sim"
)

// DefaultLimits are the published v1.1 limits per 15-minute window for the
// endpoints the fake serves (app auth where it has one, else user auth).
var DefaultLimits = map[string]int{
	"users/search":                  900,
	"users/show":                    900,
	"users/lookup":                  300,
	"followers/list":                15,
	"followers/ids":                 15,
	"friends/list":                  15,
	"friends/ids":                   15,
	"search/tweets":                 450,
	"statuses/user_timeline":        1500,
	"statuses/lookup":               300,
	"statuses/show":                 900,
	"application/rate_limit_status": 180,
}

// Options configure a Server. The zero value serves with the published
// limits on the wall clock and accepts any credentials that are present.
type Options struct {
	// Clock drives the rate-limit windows and the Date header (default
	// time.Now). Tests share a fake clock with the client so that waiting
	// for a reset takes no real time.
	Clock func() time.Time
	// Window is the rate-limit window (default 15 minutes).
	Window time.Duration
	// Limits overrides DefaultLimits per endpoint ("statuses/lookup").
	Limits map[string]int
	// Unlimited never answers 429 for an exhausted window (the headers are
	// still sent); for the demo.
	Unlimited bool
	// BearerToken, if set, is the only app-only token accepted besides those
	// minted by /oauth2/token.
	BearerToken string
	// ConsumerKey/ConsumerSecret and AccessToken/AccessSecret, if set, are
	// the only OAuth 1.0a credentials accepted; with both secrets set the
	// HMAC-SHA1 signature is verified. The consumer pair also mints bearer
	// tokens at /oauth2/token.
	ConsumerKey, ConsumerSecret string
	AccessToken, AccessSecret   string
	// SearchWindow is how far back search/tweets reaches from the world's
	// clock (default 7 days, as the standard search API).
	SearchWindow time.Duration
	// Faults are injected into responses; see Faults.
	Faults Faults
}

// Stats counts what a Server has answered.
type Stats struct {
	Requests    map[string]int // per endpoint, every authenticated request
	RateLimited map[string]int // 429s for an exhausted window, per endpoint
	Faults      map[Kind]int   // injected faults by kind
	Refused     int            // requests refused for their credentials
}

// Server is an http.Handler speaking Twitter API v1.1 over a sim.World.
type Server struct {
	world *sim.World
	opt   Options

	mu      sync.Mutex
	faults  Faults
	rng     *rand.Rand
	seen    []int // per fault rule: matching requests
	fired   []int // per fault rule: times fired
	windows map[string]*window
	minted  map[string]bool
	stats   Stats

	graphOnce sync.Once
	followers map[string][]string // account id -> ids of its followers, in account order
	byNumID   map[int64]string    // numeric id -> account id, for non-numeric ids

	searchMu    sync.Mutex
	searchCache map[string][]int64 // query+world time -> matching tweet ids, newest first
}

type window struct {
	start time.Time
	used  int
}

// New returns a Server for the world.
func New(w *sim.World, opt Options) *Server {
	if opt.Clock == nil {
		opt.Clock = time.Now
	}
	if opt.Window <= 0 {
		opt.Window = 15 * time.Minute
	}
	if opt.SearchWindow <= 0 {
		opt.SearchWindow = 7 * 24 * time.Hour
	}
	s := &Server{
		world:       w,
		opt:         opt,
		windows:     map[string]*window{},
		minted:      map[string]bool{},
		searchCache: map[string][]int64{},
		stats:       Stats{Requests: map[string]int{}, RateLimited: map[string]int{}, Faults: map[Kind]int{}},
	}
	s.SetFaults(opt.Faults)
	return s
}

// SetFaults replaces the fault rules and reseeds their random source.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
	s.rng = rand.New(rand.NewPCG(uint64(f.Seed), 0x9e3779b97f4a7c15))
	s.seen = make([]int, len(f.Rules))
	s.fired = make([]int, len(f.Rules))
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Stats{Requests: map[string]int{}, RateLimited: map[string]int{}, Faults: map[Kind]int{}, Refused: s.stats.Refused}
	for k, v := range s.stats.Requests {
		out.Requests[k] = v
	}
	for k, v := range s.stats.RateLimited {
		out.RateLimited[k] = v
	}
	for k, v := range s.stats.Faults {
		out.Faults[k] = v
	}
	return out
}

// Requests returns how many authenticated requests an endpoint received.
func (s *Server) Requests(endpoint string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats.Requests[endpoint]
}

// limit is the window size for an endpoint.
func (s *Server) limit(ep string) int {
	if n, ok := s.opt.Limits[ep]; ok {
		return n
	}
	if n, ok := DefaultLimits[ep]; ok {
		return n
	}
	return 180
}

// rateState is what the x-rate-limit headers say.
type rateState struct {
	limit, remaining int
	reset            time.Time
}

// take counts one request against the caller's window for ep; ok is false
// when the window is exhausted (the request is then not counted).
func (s *Server) take(identity, ep string, now time.Time) (rateState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := identity + "\x00" + ep
	w := s.windows[k]
	if w == nil || !now.Before(w.start.Add(s.opt.Window)) {
		w = &window{start: now}
		s.windows[k] = w
	}
	lim := s.limit(ep)
	st := rateState{limit: lim, reset: w.start.Add(s.opt.Window)}
	if s.opt.Unlimited {
		st.remaining = lim
		return st, true
	}
	if w.used >= lim {
		s.stats.RateLimited[ep]++
		return st, false
	}
	w.used++
	st.remaining = lim - w.used
	return st, true
}

// peek reports a window without counting (for rate_limit_status).
func (s *Server) peek(identity, ep string, now time.Time) rateState {
	s.mu.Lock()
	defer s.mu.Unlock()
	lim := s.limit(ep)
	w := s.windows[identity+"\x00"+ep]
	if w == nil || !now.Before(w.start.Add(s.opt.Window)) {
		return rateState{limit: lim, remaining: lim, reset: now.Add(s.opt.Window)}
	}
	st := rateState{limit: lim, remaining: max(lim-w.used, 0), reset: w.start.Add(s.opt.Window)}
	if s.opt.Unlimited {
		st.remaining = lim
	}
	return st
}

// endpoint maps "/1.1/statuses/user_timeline.json" to "statuses/user_timeline".
func endpoint(path string) (string, bool) {
	if !strings.HasPrefix(path, "/1.1/") || !strings.HasSuffix(path, ".json") {
		return "", false
	}
	return strings.TrimSuffix(strings.TrimPrefix(path, "/1.1/"), ".json"), true
}

// ServeHTTP answers one API request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := s.opt.Clock()
	if r.URL.Path == "/oauth2/token" {
		s.write(w, s.token(r), nil, now)
		return
	}
	ep, ok := endpoint(r.URL.Path)
	h := handlers[ep]
	if !ok || h == nil {
		s.write(w, apiError(http.StatusNotFound, 34, "Sorry, that page does not exist."), nil, now)
		return
	}
	if r.Method != http.MethodGet {
		s.write(w, apiError(http.StatusNotFound, 34, "Sorry, that page does not exist."), nil, now)
		return
	}
	id, user, bad := s.auth(r)
	if bad != nil {
		s.mu.Lock()
		s.stats.Refused++
		s.mu.Unlock()
		s.write(w, *bad, nil, now)
		return
	}
	s.mu.Lock()
	s.stats.Requests[ep]++
	s.mu.Unlock()

	kind := s.pick(ep)
	switch kind {
	case Latency:
		if !s.sleep(r, s.faultsCopy().latency()) {
			return
		}
		now = s.opt.Clock()
	case Hang:
		s.sleep(r, s.faultsCopy().hangFor())
		panic(http.ErrAbortHandler) // never a response, even after HangFor
	case Reset:
		resetConn(w)
		return
	case RateLimitBare:
		// No headers, no body: go-twitter returns err == nil for this.
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		return
	case RateLimit, RateLimitNoRetryAfter:
		after := s.faultsCopy().retryAfter()
		st := rateState{limit: s.limit(ep), remaining: 0, reset: now.Add(after)}
		rep := apiError(http.StatusTooManyRequests, 88, "Rate limit exceeded")
		if kind == RateLimit {
			rep.header = http.Header{"Retry-After": {strconv.Itoa(int((after + time.Second - 1) / time.Second))}}
		}
		s.write(w, rep, &st, now)
		return
	}

	st, ok := s.take(id, ep, now)
	if !ok {
		s.write(w, apiError(http.StatusTooManyRequests, 88, "Rate limit exceeded"), &st, now)
		return
	}
	c := &call{s: s, r: r, q: r.URL.Query(), ep: ep, userCtx: user, identity: id, now: now}
	rep := h(c)
	switch kind {
	case Oversize:
		s.oversize(w, &st, now)
		return
	case "":
	default:
		rep = s.corrupt(kind, rep)
	}
	s.write(w, rep, &st, now)
}

// sleep waits d or until the client goes away; it reports whether the
// request is still wanted.
func (s *Server) sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// reply is an answer before it is written.
type reply struct {
	status int
	ctype  string
	body   []byte
	header http.Header
}

// write sends a reply with the rate-limit and Date headers, both on the
// server's clock shifted by the configured skew.
func (s *Server) write(w http.ResponseWriter, rep reply, st *rateState, now time.Time) {
	skew := s.faultsCopy().Skew
	h := w.Header()
	for k, v := range rep.header {
		h[k] = v
	}
	if rep.ctype == "" {
		rep.ctype = "application/json;charset=utf-8"
	}
	h.Set("Content-Type", rep.ctype)
	h.Set("Date", now.Add(skew).UTC().Format(http.TimeFormat))
	h.Set("Content-Length", strconv.Itoa(len(rep.body)))
	if st != nil {
		h.Set("x-rate-limit-limit", strconv.Itoa(st.limit))
		h.Set("x-rate-limit-remaining", strconv.Itoa(st.remaining))
		h.Set("x-rate-limit-reset", strconv.FormatInt(st.reset.Add(skew).Unix(), 10))
	}
	w.WriteHeader(rep.status)
	_, _ = w.Write(rep.body)
}

// apiError is the v1.1 error body {"errors":[{"code":…,"message":…}]}.
func apiError(status, code int, msg string) reply {
	return reply{status: status, body: []byte(`{"errors":[{"code":` + strconv.Itoa(code) + `,"message":` + strconv.Quote(msg) + `}]}`)}
}

// notAuthorized is the other error shape, which go-twitter does not decode:
// the 401 a protected account's timeline (or follower list) answers.
func notAuthorized(path string) reply {
	return reply{status: http.StatusUnauthorized, body: []byte(`{"request":` + strconv.Quote(path) + `,"error":"Not authorized."}`)}
}

// auth checks the Authorization header. It returns the caller's identity
// for rate limiting and whether it is a user context, or the error reply.
func (s *Server) auth(r *http.Request) (identity string, user bool, bad *reply) {
	h := r.Header.Get("Authorization")
	fail := func(rep reply) (string, bool, *reply) { return "", false, &rep }
	switch {
	case strings.HasPrefix(h, "Bearer "):
		tok := strings.TrimSpace(h[len("Bearer "):])
		s.mu.Lock()
		minted := s.minted[tok]
		s.mu.Unlock()
		if tok == "" || (s.opt.BearerToken != "" && tok != s.opt.BearerToken && !minted) {
			return fail(apiError(http.StatusUnauthorized, 89, "Invalid or expired token."))
		}
		return "app:" + digest(tok), false, nil
	case strings.HasPrefix(h, "OAuth "):
		p := parseOAuth(h[len("OAuth "):])
		for _, k := range []string{"oauth_consumer_key", "oauth_nonce", "oauth_signature", "oauth_signature_method", "oauth_timestamp", "oauth_token"} {
			if p[k] == "" {
				return fail(apiError(http.StatusUnauthorized, 32, "Could not authenticate you."))
			}
		}
		if s.opt.ConsumerKey != "" && p["oauth_consumer_key"] != s.opt.ConsumerKey {
			return fail(apiError(http.StatusUnauthorized, 32, "Could not authenticate you."))
		}
		if s.opt.AccessToken != "" && p["oauth_token"] != s.opt.AccessToken {
			return fail(apiError(http.StatusUnauthorized, 89, "Invalid or expired token."))
		}
		if s.opt.ConsumerSecret != "" && s.opt.AccessSecret != "" && !verifySignature(r, p, s.opt.ConsumerSecret, s.opt.AccessSecret) {
			return fail(apiError(http.StatusUnauthorized, 32, "Could not authenticate you."))
		}
		return "user:" + digest(p["oauth_token"]), true, nil
	}
	return fail(apiError(http.StatusBadRequest, 215, "Bad Authentication data."))
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// token mints an app-only bearer token (POST /oauth2/token,
// grant_type=client_credentials, consumer key and secret as basic auth).
func (s *Server) token(r *http.Request) reply {
	bad := reply{status: http.StatusForbidden, body: []byte(`{"errors":[{"code":99,"label":"authenticity_token_error","message":"Unable to verify your credentials"}]}`)}
	if r.Method != http.MethodPost {
		return apiError(http.StatusNotFound, 34, "Sorry, that page does not exist.")
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
		return bad
	}
	key, secret, ok := r.BasicAuth()
	if !ok {
		return bad
	}
	key, err1 := unescape(key)
	secret, err2 := unescape(secret)
	if err1 != nil || err2 != nil || key == "" || secret == "" {
		return bad
	}
	if s.opt.ConsumerKey != "" && (key != s.opt.ConsumerKey || secret != s.opt.ConsumerSecret) {
		return bad
	}
	tok := s.opt.BearerToken
	if tok == "" {
		tok = "AAAAAAAAAAAAAAAAAAAAA" + digest(key+"\x00"+secret)
	}
	s.mu.Lock()
	s.minted[tok] = true
	s.mu.Unlock()
	return reply{status: http.StatusOK, body: []byte(`{"token_type":"bearer","access_token":` + strconv.Quote(tok) + `}`)}
}
