package twitter

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/store"
)

// budget is what the API last said of one endpoint's window, with the
// reset on the source's own clock (corrected for the server's skew).
type budget struct {
	Limit     int       `json:"limit"`
	Remaining int       `json:"remaining"`
	Reset     time.Time `json:"reset"`
	saved     time.Time
}

// limiter keeps a budget per auth context and endpoint, waits for resets,
// and persists the budgets in the store so that a sweep interrupted while
// waiting does not hammer the API when it resumes.
type limiter struct {
	mu      sync.Mutex
	b       map[string]*budget // "app statuses/lookup"
	kv      *store.KV          // nil: memory only
	clock   Clock
	obs     crawler.Observer
	log     zerolog.Logger
	maxWait time.Duration
}

const budgetPrefix = "ratelimit/"

// saveEvery throttles persisting a budget that is not exhausted: an
// exhausted one is always saved at once.
const saveEvery = 10 * time.Second

func newLimiter(kv *store.KV, clock Clock, obs crawler.Observer, log zerolog.Logger, maxWait time.Duration) (*limiter, error) {
	l := &limiter{b: map[string]*budget{}, kv: kv, clock: clock, obs: obs, log: log, maxWait: maxWait}
	if kv == nil {
		return l, nil
	}
	now := clock.Now()
	err := kv.Scan([]byte(budgetPrefix), func(k, v []byte) error {
		var b budget
		if json.Unmarshal(v, &b) != nil || !now.Before(b.Reset) {
			return nil // stale or unreadable: the next response tells us
		}
		if b.Reset.Sub(now) > maxWait {
			b.Reset = now.Add(maxWait)
		}
		b.saved = now
		l.b[string(k[len(budgetPrefix):])] = &b
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load rate-limit budgets: %w", err)
	}
	return l, nil
}

// wait blocks until the endpoint's window has room, reporting the wait to
// the observer, and reserves one request from it.
func (l *limiter) wait(ctx context.Context, key, ep string) error {
	for {
		now, until := l.reserve(key)
		if until.IsZero() {
			return nil
		}
		l.obs.Waiting(platform, ep, until)
		l.log.Info().Str("endpoint", ep).Time("until", until).Msgf("rate limited on %s, resuming at %s", ep, until.Local().Format("15:04:05"))
		if err := l.clock.Sleep(ctx, until.Sub(now)); err != nil {
			return &crawler.TransientError{Op: "wait for " + ep, Err: fmt.Errorf("%w on %s until %s: %w", crawler.ErrRateLimited, ep, until.Format(time.RFC3339), err)}
		}
	}
}

// reserve takes one request from the endpoint's window if it has room (or
// is unknown) and returns the zero until; else it returns when the window
// resets, reserving nothing.
func (l *limiter) reserve(key string) (now, until time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now = l.clock.Now()
	b := l.b[key]
	switch {
	case b == nil || !now.Before(b.Reset):
		if b != nil {
			delete(l.b, key) // window over: unknown until the next response
		}
	case b.Remaining <= 0:
		until = b.Reset
	default:
		b.Remaining-- // reserve; the response's headers correct it
	}
	return now, until
}

// observe records the x-rate-limit headers of a response received at at.
// The reset is epoch seconds on the server's clock; the Date header tells
// how far that clock is from ours.
func (l *limiter) observe(key string, h http.Header, at time.Time) {
	limit, err1 := strconv.Atoi(h.Get("x-rate-limit-limit"))
	rem, err2 := strconv.Atoi(h.Get("x-rate-limit-remaining"))
	reset, err3 := strconv.ParseInt(h.Get("x-rate-limit-reset"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return
	}
	l.record(key, limit, rem, reset, h, at)
}

// record sets a budget from what the API said of a window, in a
// response's headers or its rate_limit_status, with the reset in epoch
// seconds on the server's clock and h the headers of the response that
// said it (for their Date). It reports whether the figures were usable.
func (l *limiter) record(key string, limit, rem int, reset int64, h http.Header, at time.Time) bool {
	if limit < 0 || rem < 0 {
		return false
	}
	until := l.local(time.Unix(reset, 0), h, at)
	l.set(key, &budget{Limit: limit, Remaining: rem, Reset: until})
	return true
}

// block marks an endpoint exhausted until the given time (after a 429).
func (l *limiter) block(key string, until time.Time) {
	l.mu.Lock()
	lim := 0
	if b := l.b[key]; b != nil {
		lim = b.Limit
	}
	l.mu.Unlock()
	l.set(key, &budget{Limit: lim, Remaining: 0, Reset: until})
}

// local converts a server time to our clock using the response's Date
// header, and bounds it to [at, at+maxWait]: a reset in the past means the
// window is already over, one far ahead is a skewed or wrong header.
func (l *limiter) local(server time.Time, h http.Header, at time.Time) time.Time {
	if d, err := http.ParseTime(h.Get("Date")); err == nil {
		// Date has one-second resolution: ignore what that alone explains.
		if skew := d.Sub(at); skew > 2*time.Second || skew < -2*time.Second {
			server = server.Add(-skew)
		}
	}
	switch {
	case server.Before(at):
		return at
	case server.Sub(at) > l.maxWait:
		return at.Add(l.maxWait)
	}
	return server
}

func (l *limiter) set(key string, b *budget) {
	l.mu.Lock()
	old := l.b[key]
	now := l.clock.Now()
	save := l.kv != nil && (b.Remaining == 0 || old == nil || now.Sub(old.saved) >= saveEvery)
	if save {
		b.saved = now
	} else if old != nil {
		b.saved = old.saved
	}
	l.b[key] = b
	// Marshal a copy: once b is in the map, wait decrements it under the
	// lock this function no longer holds.
	snap := *b
	l.mu.Unlock()
	if !save {
		return
	}
	raw, _ := json.Marshal(&snap)
	if err := l.kv.Put([]byte(budgetPrefix+key), raw); err != nil {
		// Losing a budget costs at most one 429 after a restart.
		l.log.Warn().Err(err).Str("endpoint", key).Msg("could not persist rate-limit budget")
	}
}

// snapshot returns a copy of the budgets, for tests and status output.
func (l *limiter) snapshot() map[string]budget {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]budget, len(l.b))
	for k, b := range l.b {
		out[k] = *b
	}
	return out
}
