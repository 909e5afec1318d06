package faketwitter

import (
	"bytes"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Kind is one injectable fault.
type Kind string

// The faults a Server can inject.
const (
	Latency               Kind = "latency"            // answer normally after Faults.Latency
	Hang                  Kind = "hang"               // never answer (until the client gives up or Faults.HangFor)
	Reset                 Kind = "reset"              // drop the connection without a response
	RateLimit             Kind = "429"                // 429 code 88 with reset headers and Retry-After
	RateLimitNoRetryAfter Kind = "429-no-retry-after" // 429 code 88 with reset headers only
	RateLimitBare         Kind = "429-bare"           // 429 with no headers and an empty body
	ServerError           Kind = "500"                // 500 with an HTML page
	Unavailable           Kind = "503"                // 503 with an HTML "over capacity" page
	Truncated             Kind = "truncated"          // the real body cut short (Content-Length matches)
	Malformed             Kind = "malformed"          // 200 with a JSON syntax error in the body
	WrongShape            Kind = "wrong-shape"        // 200 with valid JSON of the wrong shape
	WrongType             Kind = "wrong-content-type" // 200 text/html login page
	Oversize              Kind = "oversize"           // 200 with a body of Faults.OversizeBytes
	Empty                 Kind = "empty"              // 200 application/json with no body at all
)

// Kinds lists every fault, for random mixes.
var Kinds = []Kind{Latency, Hang, Reset, RateLimit, RateLimitNoRetryAfter, RateLimitBare, ServerError, Unavailable, Truncated, Malformed, WrongShape, WrongType, Oversize, Empty}

// Rule injects faults into matching requests.
type Rule struct {
	// Endpoint limits the rule to one endpoint ("statuses/lookup"); empty
	// matches every endpoint.
	Endpoint string
	// Kinds to inject; with more than one, each firing picks one at random.
	Kinds []Kind
	// Rate is the probability that a matching request is hit (0 means 1).
	Rate float64
	// Skip lets the first Skip matching requests through.
	Skip int
	// Times caps how often the rule fires (0: no cap).
	Times int
}

// Faults configure injection. Rules are tried in order; the first that
// fires decides the request's fault. The random choices come from Seed, so a
// run with the same requests in the same order sees the same faults.
type Faults struct {
	Seed  int64
	Rules []Rule
	// Latency is the delay of a Latency fault (default 50ms).
	Latency time.Duration
	// HangFor bounds a Hang if the client never gives up (default 10s).
	HangFor time.Duration
	// RetryAfter is the wait a fault 429 announces (default 1s).
	RetryAfter time.Duration
	// OversizeBytes is the size of an Oversize body (default 32 MiB).
	OversizeBytes int
	// Skew shifts the clock behind the Date and x-rate-limit-reset headers,
	// as a server whose clock is wrong would.
	Skew time.Duration
}

// Always returns a rule injecting kind into every request to endpoint.
func Always(endpoint string, kind Kind) Rule { return Rule{Endpoint: endpoint, Kinds: []Kind{kind}} }

func (f Faults) latency() time.Duration {
	if f.Latency > 0 {
		return f.Latency
	}
	return 50 * time.Millisecond
}

func (f Faults) hangFor() time.Duration {
	if f.HangFor > 0 {
		return f.HangFor
	}
	return 10 * time.Second
}

func (f Faults) retryAfter() time.Duration {
	if f.RetryAfter > 0 {
		return f.RetryAfter
	}
	return time.Second
}

func (f Faults) oversize() int {
	if f.OversizeBytes > 0 {
		return f.OversizeBytes
	}
	return 32 << 20
}

func (s *Server) faultsCopy() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// pick decides the fault for one request to ep ("" for none).
func (s *Server) pick(ep string) Kind {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.faults.Rules {
		if r.Endpoint != "" && r.Endpoint != ep || len(r.Kinds) == 0 {
			continue
		}
		s.seen[i]++
		if s.seen[i] <= r.Skip || (r.Times > 0 && s.fired[i] >= r.Times) {
			continue
		}
		if r.Rate > 0 && r.Rate < 1 && s.rng.Float64() >= r.Rate {
			continue
		}
		k := r.Kinds[0]
		if len(r.Kinds) > 1 {
			k = r.Kinds[s.rng.IntN(len(r.Kinds))]
		}
		s.fired[i]++
		s.stats.Faults[k]++
		return k
	}
	return ""
}

const errorPage = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Twitter / Error</title></head>
<body><h1>Something is technically wrong.</h1>
<p>Thanks for noticing&mdash;we're going to fix it up and have things back to normal soon.</p></body></html>
`

const overCapacityPage = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Twitter / Over capacity</title></head>
<body><h1>Twitter is over capacity.</h1><p>Please wait a moment and try again.</p></body></html>
`

const loginPage = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in</title></head>
<body><form action="/login" method="post"><input name="session[username_or_email]"><input type="password" name="session[password]"><button>Log in</button></form></body></html>
`

// corrupt turns a real reply into the faulty one.
func (s *Server) corrupt(k Kind, rep reply) reply {
	switch k {
	case ServerError:
		return reply{status: http.StatusInternalServerError, ctype: "text/html;charset=utf-8", body: []byte(errorPage)}
	case Unavailable:
		return reply{status: http.StatusServiceUnavailable, ctype: "text/html;charset=utf-8", body: []byte(overCapacityPage)}
	case WrongType:
		return reply{status: http.StatusOK, ctype: "text/html;charset=utf-8", body: []byte(loginPage)}
	case Empty:
		return reply{status: http.StatusOK}
	case Truncated:
		if len(rep.body) > 1 {
			rep.body = rep.body[:len(rep.body)/2]
		}
		return rep
	case Malformed:
		mid := len(rep.body) / 2
		var b bytes.Buffer
		b.Write(rep.body[:mid])
		b.WriteString("}\x00,{\"")
		b.Write(rep.body[mid:])
		rep.status, rep.body = http.StatusOK, b.Bytes()
		return rep
	case WrongShape:
		rep.status = http.StatusOK
		if bytes.HasPrefix(bytes.TrimSpace(rep.body), []byte("[")) {
			rep.body = []byte(`{"statuses":{"id":"not-a-list"},"id":"x"}`)
		} else {
			rep.body = []byte(`[{"id":"not-a-number","user":"nobody"}]`)
		}
		return rep
	}
	return rep
}

// oversize streams a well-formed JSON array far larger than any real page,
// without Content-Length, so only a client-side cap stops it.
func (s *Server) oversize(w http.ResponseWriter, st *rateState, now time.Time) {
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=utf-8")
	h.Set("Date", now.UTC().Format(http.TimeFormat))
	if st != nil {
		h.Set("x-rate-limit-limit", strconv.Itoa(st.limit))
		h.Set("x-rate-limit-remaining", strconv.Itoa(st.remaining))
		h.Set("x-rate-limit-reset", strconv.FormatInt(st.reset.Unix(), 10))
	}
	w.WriteHeader(http.StatusOK)
	chunk := bytes.Repeat([]byte(`{"id":1,"id_str":"1","full_text":"padding padding padding padding"},`), 512)
	n := s.faultsCopy().oversize()
	_, _ = w.Write([]byte("["))
	for written := 1; written < n; written += len(chunk) {
		if _, err := w.Write(chunk); err != nil {
			return
		}
	}
	_, _ = w.Write([]byte(`{"id":1}]`))
}

// resetConn drops the connection under the handler, with SO_LINGER 0 so
// the client sees a reset rather than a clean close where the OS allows.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}
