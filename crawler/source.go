package crawler

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Source is one platform the sweep can reach.
type Source interface {
	// Name is the platform name recorded with every profile and post
	// ("twitter", "facebook", ...). It is stable: it is part of store keys.
	Name() string

	// Discover finds candidate profiles and calls yield for each, at most
	// once per profile id. Discovery is cheap to repeat; the pipeline
	// checkpoints what it has already been given.
	Discover(ctx context.Context, yield func(Profile) error) error

	// Posts calls yield for the profile's public posts newer than the
	// cursor since ("" means from the configured horizon), newest first or
	// in any order, and returns the cursor to pass next time. If it fails
	// part way it returns an error and the pipeline does not advance the
	// cursor, so nothing is lost on the next run.
	Posts(ctx context.Context, p Profile, since string, yield func(Post) error) (next string, err error)

	// Lookup rechecks posts by reference and returns one Check per ref, in
	// the same order. A transient failure yields StateUnknown for the
	// affected refs, never StateRemoved.
	Lookup(ctx context.Context, refs []PostRef) ([]Check, error)
}

// Profile is a public profile as a source saw it.
type Profile struct {
	Platform string `json:"platform"`
	ID       string `json:"id"`
	Handle   string `json:"handle"`
	Name     string `json:"name"`
	Bio      string `json:"bio"`
	Location string `json:"location"`
	URL      string `json:"url"`
	// Protected is true when the account's posts are not public; the
	// pipeline records the profile but reads nothing.
	Protected bool `json:"protected,omitempty"`
	// Via says how the profile was discovered ("users/search q=...",
	// "followers of @wmpolice", "site search"), for the audit trail.
	Via string `json:"via,omitempty"`
	// Raw is the payload the profile was read from, when the source has one
	// of its own (an HTML page); a Twitter user arrives inside its tweets.
	Raw *Capture `json:"-"`
}

// Post is one public post as fetched.
type Post struct {
	Platform  string    `json:"platform"`
	ID        string    `json:"id"`
	ProfileID string    `json:"profile_id"`
	Text      string    `json:"text"`
	URL       string    `json:"url"`
	Created   time.Time `json:"created"`
	// Repost is true for a retweet or share. Text is then the officer's own
	// words (empty for a plain retweet) and RepostText the quoted content.
	Repost     bool   `json:"repost,omitempty"`
	RepostText string `json:"repost_text,omitempty"`
	// Raw is the captured payload the post was read from (API JSON for the
	// single post, or the HTML page), kept as evidence if the post is
	// flagged.
	Raw *Capture `json:"-"`
}

// Capture is an HTTP exchange kept as evidence: enough to write a WARC
// response record and to prove what was seen.
type Capture struct {
	URL         string            `json:"url"`
	Status      int               `json:"status"`
	ContentType string            `json:"content_type"`
	Header      map[string]string `json:"header,omitempty"`
	Body        []byte            `json:"-"`
	FetchedAt   time.Time         `json:"fetched_at"`
}

// PostRef identifies a captured post for a recheck.
type PostRef struct {
	Platform  string `json:"platform"`
	ID        string `json:"id"`
	ProfileID string `json:"profile_id"`
	Handle    string `json:"handle"`
	URL       string `json:"url"`
}

// State is a visibility state from SPEC.md.
type State string

// The visibility states a recheck can record.
const (
	StateVisible          State = "visible"
	StateEdited           State = "edited"
	StateRemoved          State = "removed"
	StateAccountProtected State = "account_protected"
	StateAccountSuspended State = "account_suspended"
	StateAccountGone      State = "account_gone"
	StateUnknown          State = "unknown"
)

// States lists every state in a fixed order for reports.
var States = []State{StateVisible, StateEdited, StateRemoved, StateAccountProtected, StateAccountSuspended, StateAccountGone, StateUnknown}

// Valid reports whether s is one of the states above.
func (s State) Valid() bool {
	for _, v := range States {
		if s == v {
			return true
		}
	}
	return false
}

// StillVisible reports whether the state counts as "still visible" in the
// report (SPEC.md: visible and edited both count).
func (s State) StillVisible() bool { return s == StateVisible || s == StateEdited }

// Check is the answer to a lookup of one post. Sources return
// StateVisible with the current Text when the post is public; the pipeline
// compares it with the captured text and records StateEdited when they
// differ.
type Check struct {
	Ref    PostRef   `json:"ref"`
	State  State     `json:"state"`
	Text   string    `json:"text,omitempty"`
	Reason string    `json:"reason,omitempty"` // the platform's answer in a few words ("HTTP 404 code 144")
	At     time.Time `json:"at"`
	Raw    *Capture  `json:"-"`
}

// ErrRateLimited is wrapped by errors a source returns when it gave up
// waiting for a rate limit (for example because the context ended).
var ErrRateLimited = errors.New("rate limited")

// TransientError marks a failure that says nothing about the post or
// account: a timeout, a 5xx, a rate limit, a malformed body. The pipeline
// retries these later and never records them as removals.
type TransientError struct {
	Op  string // "fetch timeline @handle", "GET /1.1/statuses/lookup.json"
	Err error
}

func (e *TransientError) Error() string { return fmt.Sprintf("%s: %v (transient)", e.Op, e.Err) }
func (e *TransientError) Unwrap() error { return e.Err }

// IsTransient reports whether err is, or wraps, a TransientError or a
// context deadline.
func IsTransient(err error) bool {
	var t *TransientError
	return errors.As(err, &t) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrRateLimited)
}

// Observer receives events a long-running source wants the operator to see.
// Implementations must be safe for concurrent use.
type Observer interface {
	// Waiting is called when a source pauses for a rate limit.
	Waiting(platform, endpoint string, until time.Time)
	// Retrying is called before a bounded retry of a transient failure.
	Retrying(platform, op string, attempt int, err error)
}

// NopObserver ignores every event.
type NopObserver struct{}

func (NopObserver) Waiting(string, string, time.Time)   {}
func (NopObserver) Retrying(string, string, int, error) {}

// AccountError is implemented by errors from Posts that say a profile could
// not be read because of its account's state (it went private, was
// suspended or was deleted since discovery). That is a fact about the
// account, not a transient failure: the pipeline records it and moves on.
type AccountError interface {
	error
	AccountState() State
}

// AccountStateOf returns the account state an error reports, if it is (or
// wraps) an AccountError.
func AccountStateOf(err error) (State, bool) {
	var ae AccountError
	if errors.As(err, &ae) {
		return ae.AccountState(), true
	}
	return "", false
}

// Sleep waits d or until ctx ends, returning ctx's error then: the sources'
// waits (politeness delays, backoff, rate-limit resets) must end at once
// when a sweep is stopped.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
