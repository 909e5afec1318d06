package twitter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/dghubble/go-twitter/twitter"

	"github.com/psd-tools/exposure/crawler"
)

// pageSize is the user_timeline maximum.
const pageSize = 200

// maxPages bounds paging even if the API never returns an empty page: the
// 3,200 reachable tweets are 16 pages.
const maxPages = 40

// Posts pages back through the profile's timeline, newest first, with
// max_id set to the oldest id seen minus one (max_id is inclusive), until
// the page is empty, the horizon or since is reached, or MaxPosts posts
// were yielded. Retweets are always requested (include_rts=true) so pages
// stay full and paging stays exact; plain retweets are yielded only with
// Timeline.IncludeReposts. Pages are asked for with trim_user: the account
// is the profile being read, already captured by discovery, and repeating
// its full user object in each of 200 tweets doubled the bytes to move
// and decode; each captured tweet still names its account by id. The cursor returned is the newest tweet id seen
// (since itself if there was nothing newer); on any error it is since, so
// the caller re-reads the whole span next time.
//
// MaxPosts cuts a sweep short on purpose: the tweets between since and the
// oldest one read are then skipped for good.
func (s *Source) Posts(ctx context.Context, p crawler.Profile, since string, yield func(crawler.Post) error) (string, error) {
	params := twitter.UserTimelineParams{Count: pageSize, IncludeRetweets: twitter.Bool(true), TweetMode: "extended", TrimUser: twitter.Bool(true)}
	if id, err := strconv.ParseInt(p.ID, 10, 64); err == nil && id > 0 {
		params.UserID = id
	} else if h := strings.TrimPrefix(p.Handle, "@"); h != "" {
		params.ScreenName = h
	} else {
		return since, fmt.Errorf("fetch timeline: profile has neither a numeric id nor a handle")
	}
	op := "fetch timeline @" + p.Handle
	var sinceID int64
	if since != "" {
		n, err := strconv.ParseInt(since, 10, 64)
		if err != nil || n <= 0 {
			return since, fmt.Errorf("%s: cursor %q is not a tweet id", op, clipString(since, 40))
		}
		sinceID = n
	}
	params.SinceID = sinceID
	horizon := s.horizon()
	newest, yielded := sinceID, 0
	for page := 0; ; page++ {
		if page == maxPages {
			return since, &crawler.TransientError{Op: op, Err: fmt.Errorf("no end after %d pages", maxPages)}
		}
		var tweets []twitter.Tweet
		var raws [][]byte
		pp := params
		ex, err := s.call(ctx, request{op: op, ep: "statuses/user_timeline", auth: s.authFor("statuses/user_timeline"),
			do: func(c *twitter.Client) (*http.Response, error) {
				tw, resp, err := c.Timelines.UserTimeline(&pp)
				tweets = tw
				return resp, err
			},
			check: func(ex *exchange) (err error) {
				raws, err = splitTweets(ex, tweets)
				return err
			}})
		if err != nil {
			return since, accountError(p, err)
		}
		if len(tweets) == 0 {
			break
		}
		stop := false
		for i := range tweets {
			t := &tweets[i]
			if t.ID <= sinceID {
				stop = true // the API excludes these; do not trust it to
				break
			}
			post, err := toPost(t, p, nil)
			if err != nil {
				return since, &crawler.TransientError{Op: op, Err: fmt.Errorf("malformed tweet: %w", err)}
			}
			newest = max(newest, t.ID)
			if post.Created.Before(horizon) {
				stop = true
				break
			}
			if plainRetweet(t) && !s.cfg.Timeline.IncludeReposts {
				continue
			}
			post.Raw = capture(ex, raws[i])
			if err := yield(post); err != nil {
				return since, err
			}
			yielded++
			if yielded >= s.cfg.Timeline.MaxPosts {
				stop = true
				break
			}
		}
		if stop {
			break
		}
		next := tweets[len(tweets)-1].ID - 1
		if params.MaxID != 0 && next >= params.MaxID {
			return since, &crawler.TransientError{Op: op, Err: fmt.Errorf("paging did not advance past max_id %d", params.MaxID)}
		}
		params.MaxID = next
	}
	if newest == 0 {
		return since, nil
	}
	return strconv.FormatInt(newest, 10), nil
}

// StateError reports that a profile's posts cannot be read because of its
// account's state: protected, suspended or gone. It is a
// crawler.AccountError, so the pipeline records the state instead of
// retrying the profile as if the failure were transient.
type StateError struct {
	ID, Handle string
	State      crawler.State
	Reason     string // the API's answer: "HTTP 403 code 63 User has been suspended."
}

func (e *StateError) Error() string {
	return fmt.Sprintf("twitter account @%s (%s) is %s: %s", strings.TrimPrefix(e.Handle, "@"), e.ID, e.State, e.Reason)
}

// AccountState makes StateError a crawler.AccountError.
func (e *StateError) AccountState() crawler.State { return e.State }

var _ crawler.AccountError = (*StateError)(nil)

// accountError turns the API's answer about an account into a *StateError;
// other errors pass through.
func accountError(p crawler.Profile, err error) error {
	var re *ResponseError
	if !errors.As(err, &re) {
		return err
	}
	ae := &StateError{ID: p.ID, Handle: p.Handle, Reason: re.reason()}
	switch {
	case re.NotAuthorized() || re.Has(179):
		ae.State = crawler.StateAccountProtected
	case re.Has(63):
		ae.State = crawler.StateAccountSuspended
	case re.Status == http.StatusNotFound && (re.Has(34) || re.Has(50) || re.Has(17)):
		ae.State = crawler.StateAccountGone
	default:
		return err
	}
	return ae
}
