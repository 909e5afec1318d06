package web

import (
	"sync"
	"time"
)

// limiter counts failures per key (an account or an address) in a fixed
// window: after max failures, the key is refused until its window ends.
// Entries are dropped when their window ends, and the map is bounded so a
// flood of distinct names cannot grow it without limit.
type limiter struct {
	max    int
	window time.Duration
	mu     sync.Mutex
	hits   map[string]*window
}

type window struct {
	start time.Time
	n     int
}

// maxKeys bounds the limiter's memory; when full, expired windows are
// pruned, and if none are, new keys are refused (fail closed).
const maxKeys = 100_000

func newLimiter(max int, win time.Duration) *limiter {
	return &limiter{max: max, window: win, hits: map[string]*window{}}
}

// blocked reports whether key has used up its failures, and for how long
// it stays blocked.
func (l *limiter) blocked(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.hits[key]
	if !ok {
		return len(l.hits) >= maxKeys && !l.prune(now), l.window
	}
	if now.Sub(w.start) >= l.window {
		delete(l.hits, key)
		return false, 0
	}
	if w.n >= l.max {
		return true, w.start.Add(l.window).Sub(now)
	}
	return false, 0
}

// fail records a failure for key.
func (l *limiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, ok := l.hits[key]
	if !ok || now.Sub(w.start) >= l.window {
		if !ok && len(l.hits) >= maxKeys && !l.prune(now) {
			return
		}
		w = &window{start: now}
		l.hits[key] = w
	}
	w.n++
}

// reset forgets key's failures (after a successful login).
func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.hits, key)
	l.mu.Unlock()
}

// prune drops expired windows and reports whether there is room again.
// Called with l.mu held.
func (l *limiter) prune(now time.Time) bool {
	for k, w := range l.hits {
		if now.Sub(w.start) >= l.window {
			delete(l.hits, k)
		}
	}
	return len(l.hits) < maxKeys
}
