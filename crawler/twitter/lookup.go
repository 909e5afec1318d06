package twitter

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/dghubble/go-twitter/twitter"

	"github.com/psd-tools/exposure/crawler"
)

// lookupBatch is the statuses/lookup maximum.
const lookupBatch = 100

// Lookup rechecks posts: statuses/lookup for up to 100 ids per request
// (map=false: go-twitter cannot decode map=true), then statuses/show for
// each id the bulk answer left out, to learn why. The answers map to
// states:
//
//	found (bulk or show)                   visible, with the current text
//	144 or 34 and the account still there  removed
//	179, or the account now protected      account_protected
//	63                                     account_suspended
//	144 and the account answers 50/17/34   account_gone
//	429, 5xx, timeouts, malformed bodies   unknown (never removed)
//
// A post is only called removed after users/show confirms that its account
// exists and is public. Lookup returns one Check per ref, in order, and a
// nil error unless it had to stop (the context ended, or the credentials
// were refused): then the checks not done are unknown and the error says
// why.
func (s *Source) Lookup(ctx context.Context, refs []crawler.PostRef) ([]crawler.Check, error) {
	checks := make([]crawler.Check, len(refs))
	byID := map[int64][]int{}
	var ids []int64
	for i, r := range refs {
		checks[i] = crawler.Check{Ref: r, State: crawler.StateUnknown, Reason: "not checked", At: s.clock.Now()}
		id, err := strconv.ParseInt(r.ID, 10, 64)
		if err != nil || id <= 0 {
			checks[i].Reason = "not a tweet id"
			continue
		}
		if byID[id] == nil {
			ids = append(ids, id)
		}
		byID[id] = append(byID[id], i)
	}
	set := func(id int64, c crawler.Check) {
		for _, i := range byID[id] {
			c.Ref = refs[i]
			checks[i] = c
		}
	}
	accounts := map[string]accountAnswer{}
	for start := 0; start < len(ids); start += lookupBatch {
		chunk := ids[start:min(start+lookupBatch, len(ids))]
		var tweets []twitter.Tweet
		var raws [][]byte
		ex, err := s.call(ctx, request{op: "look up posts", ep: "statuses/lookup", auth: s.authFor("statuses/lookup"),
			do: func(c *twitter.Client) (*http.Response, error) {
				tw, resp, err := c.Statuses.Lookup(chunk, &twitter.StatusLookupParams{Map: twitter.Bool(false), TweetMode: "extended", IncludeEntities: twitter.Bool(false)})
				tweets = tw
				return resp, err
			},
			check: func(ex *exchange) (err error) {
				raws, err = splitTweets(ex, tweets)
				return err
			}})
		if err != nil {
			for _, id := range chunk {
				set(id, crawler.Check{State: crawler.StateUnknown, Reason: clipString(err.Error(), 300), At: s.clock.Now()})
			}
			if fatal(ctx, err) {
				return checks, err
			}
			s.log.Warn().Err(err).Int("posts", len(chunk)).Msg("bulk lookup failed; posts left unknown")
			continue
		}
		found := map[int64]bool{}
		for i := range tweets {
			t := &tweets[i]
			if byID[t.ID] == nil || found[t.ID] {
				continue // not asked for, or answered twice
			}
			found[t.ID] = true
			set(t.ID, s.visible(t, ex, raws[i]))
		}
		for _, id := range chunk {
			if found[id] {
				continue
			}
			r := refs[byID[id][0]]
			if a, ok := accounts[accountKey(r)]; ok && a.state != crawler.StateRemoved && a.state != crawler.StateUnknown {
				// The account's state hides all its posts: no need to ask
				// about each one.
				set(id, crawler.Check{State: a.state, Reason: a.reason, At: s.clock.Now()})
				continue
			}
			c, err := s.show(ctx, id, r, accounts)
			set(id, c)
			if err != nil {
				return checks, err
			}
		}
	}
	return checks, nil
}

// visible is the check for a tweet the API returned.
func (s *Source) visible(t *twitter.Tweet, ex *exchange, raw []byte) crawler.Check {
	c := crawler.Check{State: crawler.StateVisible, Reason: "HTTP 200", At: ex.at, Raw: capture(ex, raw)}
	if p, err := toPost(t, crawler.Profile{}, nil); err == nil {
		c.Text = p.Text
	} else {
		c.Text = fullText(t)
	}
	return c
}

// show asks statuses/show why a tweet was missing from the bulk answer. Its
// error is non-nil only when the whole lookup must stop.
func (s *Source) show(ctx context.Context, id int64, ref crawler.PostRef, accounts map[string]accountAnswer) (crawler.Check, error) {
	var tweet *twitter.Tweet
	ex, err := s.call(ctx, request{op: "recheck post " + ref.ID, ep: "statuses/show", auth: s.authFor("statuses/show"),
		do: func(c *twitter.Client) (*http.Response, error) {
			t, resp, err := c.Statuses.Show(id, &twitter.StatusShowParams{TweetMode: "extended", IncludeEntities: twitter.Bool(false)})
			tweet = t
			return resp, err
		},
		check: func(*exchange) error {
			if tweet == nil || tweet.ID != id {
				return errors.New("answer is not the tweet asked for")
			}
			return nil
		}})
	c := crawler.Check{State: crawler.StateUnknown, At: s.clock.Now()}
	if ex != nil && ex.status != 0 && ex.err == nil {
		c.Raw = capture(ex, ex.body)
		c.At = ex.at
	}
	if err == nil {
		v := s.visible(tweet, ex, ex.body)
		return v, nil
	}
	var re *ResponseError
	switch {
	case fatal(ctx, err):
		c.Reason = clipString(err.Error(), 300)
		return c, err
	case !errors.As(err, &re):
		c.Reason = clipString(err.Error(), 300)
		return c, nil
	}
	c.Reason = re.reason()
	switch {
	case re.Has(179) || re.NotAuthorized():
		c.State = crawler.StateAccountProtected
		remember(accounts, ref, c.State, "account protected: "+c.Reason+" for post "+ref.ID)
	case re.Has(63):
		c.State = crawler.StateAccountSuspended
		remember(accounts, ref, c.State, "account suspended: "+c.Reason+" for post "+ref.ID)
	case re.Status == http.StatusNotFound && (re.Has(144) || re.Has(34)):
		acct, err := s.account(ctx, ref, accounts)
		if err != nil && fatal(ctx, err) {
			c.Reason += "; account not checked: " + clipString(err.Error(), 200)
			return c, err
		}
		c.State = acct.state
		c.Reason += "; " + acct.reason
	}
	return c, nil
}

// accountAnswer is what users/show said of a post's account, as the state
// its missing post should get.
type accountAnswer struct {
	state  crawler.State
	reason string
}

// accountKey identifies a post's account in a lookup's cache: by id if
// known, else by handle ("" if neither).
func accountKey(r crawler.PostRef) string {
	if id, err := strconv.ParseInt(r.ProfileID, 10, 64); err == nil && id > 0 {
		return "id:" + r.ProfileID
	}
	if h := strings.TrimPrefix(r.Handle, "@"); h != "" {
		return "handle:" + strings.ToLower(h)
	}
	return ""
}

func remember(cache map[string]accountAnswer, r crawler.PostRef, st crawler.State, reason string) {
	if k := accountKey(r); k != "" {
		cache[k] = accountAnswer{st, reason}
	}
}

// account asks users/show whether a post's account still exists, once per
// account per lookup.
func (s *Source) account(ctx context.Context, ref crawler.PostRef, cache map[string]accountAnswer) (accountAnswer, error) {
	params := twitter.UserShowParams{IncludeEntities: twitter.Bool(false)}
	key := accountKey(ref)
	if id, err := strconv.ParseInt(ref.ProfileID, 10, 64); err == nil && id > 0 {
		params.UserID = id
	} else if key != "" {
		params.ScreenName = strings.TrimPrefix(ref.Handle, "@")
	} else {
		return accountAnswer{crawler.StateUnknown, "no account to check"}, nil
	}
	if a, ok := cache[key]; ok {
		return a, nil
	}
	var user *twitter.User
	_, err := s.call(ctx, request{op: "check account of post " + ref.ID, ep: "users/show", auth: s.authFor("users/show"),
		do: func(c *twitter.Client) (*http.Response, error) {
			u, resp, err := c.Users.Show(&params)
			user = u
			return resp, err
		},
		check: func(*exchange) error {
			if user == nil || userID(user) == "" {
				return errors.New("answer is not a user")
			}
			return nil
		}})
	var a accountAnswer
	var re *ResponseError
	switch {
	case err == nil && user.Protected:
		a = accountAnswer{crawler.StateAccountProtected, "account @" + user.ScreenName + " is protected"}
	case err == nil:
		a = accountAnswer{crawler.StateRemoved, "account @" + user.ScreenName + " still exists"}
	case fatal(ctx, err):
		return accountAnswer{crawler.StateUnknown, "account not checked"}, err
	case errors.As(err, &re) && re.Has(63):
		a = accountAnswer{crawler.StateAccountSuspended, "account " + re.reason()}
	case errors.As(err, &re) && re.Status == http.StatusNotFound && (re.Has(50) || re.Has(17) || re.Has(34)):
		a = accountAnswer{crawler.StateAccountGone, "account " + re.reason()}
	default:
		return accountAnswer{crawler.StateUnknown, "account check failed: " + clipString(err.Error(), 200)}, nil
	}
	cache[key] = a
	return a, nil
}
