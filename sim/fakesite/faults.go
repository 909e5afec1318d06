package fakesite

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Kind is a kind of injected fault.
type Kind string

// The faults a Site can inject.
const (
	// Latency delays the answer by Delay, then serves it normally.
	Latency Kind = "latency"
	// Timeout holds the request without answering for Delay (default one
	// minute) or until the client gives up, then drops the connection.
	Timeout Kind = "timeout"
	// Reset drops the connection with a TCP reset before any answer.
	Reset Kind = "reset"
	// RateLimit answers 429 with Retry-After (RetryAfter, default 1s).
	RateLimit Kind = "rate_limit"
	// RateLimitBare answers 429 with no Retry-After header.
	RateLimitBare Kind = "rate_limit_bare"
	// ServerError answers 500.
	ServerError Kind = "server_error"
	// Unavailable answers 503.
	Unavailable Kind = "unavailable"
	// Truncated declares the full Content-Length, sends half the page and
	// closes the connection: the client sees an unexpected EOF.
	Truncated Kind = "truncated"
	// Partial sends a well-formed HTTP answer whose HTML stops half way
	// (no closing tags, no footer): a page that looks fine to HTTP.
	Partial Kind = "partial"
	// Malformed answers 200 text/html with broken markup and noise.
	Malformed Kind = "malformed"
	// RedirectLoop redirects the request to itself, forever.
	RedirectLoop Kind = "redirect_loop"
	// RedirectOffsite redirects to Location (default a host on .invalid).
	RedirectOffsite Kind = "redirect_offsite"
	// RedirectPrivate redirects to a loopback address other than the
	// site's own (127.0.0.2), standing in for any private-range target
	// without ever sending traffic outside loopback.
	RedirectPrivate Kind = "redirect_private"
	// Oversize pads the page past Size bytes (default 16 MiB) and declares
	// its Content-Length.
	Oversize Kind = "oversize"
	// OversizeChunked pads the page past Size bytes with no
	// Content-Length, so only counting the body can catch it.
	OversizeChunked Kind = "oversize_chunked"
	// WrongType answers 200 with a JSON body and content type.
	WrongType Kind = "wrong_type"
	// RobotsDisallow makes robots.txt disallow every path for every agent.
	// It only applies to /robots.txt.
	RobotsDisallow Kind = "robots_disallow"
)

// Kinds lists every fault kind, for fault-mix tests.
var Kinds = []Kind{Latency, Timeout, Reset, RateLimit, RateLimitBare, ServerError, Unavailable,
	Truncated, Partial, Malformed, RedirectLoop, RedirectOffsite, RedirectPrivate, Oversize,
	OversizeChunked, WrongType, RobotsDisallow}

// Fault is one fault and its parameters.
type Fault struct {
	Kind       Kind
	Delay      time.Duration // Latency, Timeout
	RetryAfter time.Duration // RateLimit; rounded up to whole seconds
	Size       int           // Oversize, OversizeChunked: bytes to exceed
	Location   string        // RedirectOffsite target
}

// Rule injects a fault into requests whose request URI (path and query)
// starts with Path.
type Rule struct {
	Path  string
	Fault Fault
	// Skip lets this many matching requests through before injecting.
	Skip int
	// Times is how many requests get the fault after Skip (0: all).
	Times int
}

// Faults configures fault injection. Rules are tried in order and the
// first that fires wins; otherwise, with probability Rate, a fault drawn
// from Mix (seeded by Seed) is injected. Random faults never touch
// robots.txt: a 5xx robots.txt means "disallow everything" to a crawler,
// so robots faults are only injected by an explicit Rule.
type Faults struct {
	Rules []Rule
	Seed  uint64
	Rate  float64
	Mix   []Fault
}

type ruleState struct {
	Rule
	seen atomic.Int64
}

type faultSet struct {
	rules []*ruleState
	rate  float64
	mix   []Fault
	mu    sync.Mutex
	rng   *rand.Rand
	fired sync.Map // Kind -> *atomic.Int64
}

func newFaultSet(f Faults) *faultSet {
	fs := &faultSet{rate: f.Rate, mix: f.Mix, rng: rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))}
	for _, r := range f.Rules {
		fs.rules = append(fs.rules, &ruleState{Rule: r})
	}
	return fs
}

// pick returns the fault to inject for r, if any.
func (fs *faultSet) pick(r *http.Request) (Fault, bool) {
	uri := r.URL.RequestURI()
	for _, rs := range fs.rules {
		if !strings.HasPrefix(uri, rs.Path) {
			continue
		}
		if rs.Fault.Kind == RobotsDisallow && r.URL.Path != "/robots.txt" {
			continue
		}
		n := int(rs.seen.Add(1))
		if n <= rs.Skip || (rs.Times > 0 && n > rs.Skip+rs.Times) {
			continue
		}
		return rs.Fault, true
	}
	if fs.rate <= 0 || len(fs.mix) == 0 || r.URL.Path == "/robots.txt" {
		return Fault{}, false
	}
	fs.mu.Lock()
	hit := fs.rng.Float64() < fs.rate
	f := fs.mix[fs.rng.IntN(len(fs.mix))]
	fs.mu.Unlock()
	if !hit || f.Kind == RobotsDisallow {
		return Fault{}, false
	}
	return f, true
}

func (fs *faultSet) count(k Kind) {
	v, _ := fs.fired.LoadOrStore(k, new(atomic.Int64))
	v.(*atomic.Int64).Add(1)
}

// Injected returns how many times each fault kind was injected.
func (s *Site) Injected() map[Kind]int {
	out := map[Kind]int{}
	s.faults.Load().fired.Range(func(k, v any) bool {
		out[k.(Kind)] = int(v.(*atomic.Int64).Load())
		return true
	})
	return out
}

// inject applies f. It returns true when the request has been answered (or
// dropped) and false when the normal page should still be served (after
// latency), in which case render, when non-nil, is the page to mangle.
func (s *Site) inject(w http.ResponseWriter, r *http.Request, fs *faultSet, f Fault) bool {
	fs.count(f.Kind)
	switch f.Kind {
	case Latency:
		if !sleep(r, f.Delay) {
			return true
		}
		return false
	case Timeout:
		d := f.Delay
		if d == 0 {
			d = time.Minute
		}
		sleep(r, d)
		drop(w, false)
		return true
	case Reset:
		drop(w, true)
		return true
	case RateLimit:
		ra := f.RetryAfter
		if ra <= 0 {
			ra = time.Second
		}
		secs := int((ra + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		errorPage(w, http.StatusTooManyRequests, "You’re temporarily blocked", "It looks like you were misusing this feature by going too fast.")
		return true
	case RateLimitBare:
		errorPage(w, http.StatusTooManyRequests, "You’re temporarily blocked", "It looks like you were misusing this feature by going too fast.")
		return true
	case ServerError:
		errorPage(w, http.StatusInternalServerError, "Sorry, something went wrong.", "We're working on it and we'll get it fixed as soon as we can.")
		return true
	case Unavailable:
		w.Header().Set("Retry-After", "1")
		errorPage(w, http.StatusServiceUnavailable, "Service unavailable", "The site is down for maintenance.")
		return true
	case RedirectLoop:
		http.Redirect(w, r, r.URL.RequestURI(), http.StatusFound)
		return true
	case RedirectOffsite:
		loc := f.Location
		if loc == "" {
			loc = "http://offsite.invalid/login.php?next=" + r.URL.Path
		}
		http.Redirect(w, r, loc, http.StatusFound)
		return true
	case RedirectPrivate:
		_, port, _ := net.SplitHostPort(r.Host)
		host := "127.0.0.2"
		if port != "" {
			host = net.JoinHostPort(host, port)
		}
		http.Redirect(w, r, "http://"+host+r.URL.RequestURI(), http.StatusFound)
		return true
	case WrongType:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		fmt.Fprintf(w, `{"error":{"message":"Unsupported get request.","type":"GraphMethodException","code":100}}`)
		return true
	case RobotsDisallow:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "User-agent: *\nDisallow: /\n")
		return true
	case Malformed:
		var b bytes.Buffer
		b.WriteString("<!DOCTYPE html><html><head><title>")
		b.WriteString(`<div class="profile-name"<<<<script>document.write('`)
		fs.mu.Lock()
		for range 512 {
			b.WriteByte(byte(fs.rng.IntN(256)))
		}
		fs.mu.Unlock()
		b.WriteString(`<article class="post" data-post-id=">>>><div class=post-text>&#xZZZ;&#99999999;</tit`)
		writeHTML(w, http.StatusOK, b.Bytes())
		return true
	}
	return false // Truncated, Partial, Oversize*: mangle the real page
}

// mangle serves page with the fault f applied to its body.
func mangle(w http.ResponseWriter, status int, page []byte, f Fault) {
	switch f.Kind {
	case Truncated:
		hj, ok := w.(http.Hijacker)
		if !ok {
			writeHTML(w, status, page[:len(page)/2])
			return
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n",
			status, http.StatusText(status), len(page))
		buf.Write(page[:len(page)/2])
		buf.Flush()
		conn.Close()
	case Partial:
		writeHTML(w, status, page[:len(page)/2])
	case Oversize, OversizeChunked:
		size := f.Size
		if size <= 0 {
			size = 16 << 20
		}
		padded := make([]byte, 0, len(page)+size+16)
		padded = append(padded, page...)
		padded = append(padded, "<!--"...)
		for len(padded) < size+len(page) {
			padded = append(padded, "padding padding padding padding "...)
		}
		padded = append(padded, "-->"...)
		if f.Kind == OversizeChunked {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(status)
			for i := 0; i < len(padded); i += 32 << 10 {
				end := min(i+32<<10, len(padded))
				if _, err := w.Write(padded[i:end]); err != nil {
					return
				}
				if fl, ok := w.(http.Flusher); ok {
					fl.Flush()
				}
			}
			return
		}
		writeHTML(w, status, padded)
	default:
		writeHTML(w, status, page)
	}
}

// sleep waits d or until the client goes away; it reports whether the
// whole delay passed.
func sleep(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// drop closes the connection without an answer; with reset it asks the
// kernel to send RST instead of FIN.
func drop(w http.ResponseWriter, reset bool) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok && reset {
		_ = tc.SetLinger(0)
	}
	conn.Close()
}
