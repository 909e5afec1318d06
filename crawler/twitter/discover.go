package twitter

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/dghubble/go-twitter/twitter"

	"github.com/psd-tools/exposure/crawler"
)

// yieldError carries an error from the caller's yield, which stops
// discovery at once (unlike an API failure, which stops one query).
type yieldError struct{ err error }

func (e yieldError) Error() string { return e.err.Error() }
func (e yieldError) Unwrap() error { return e.err }

// Discover runs each enabled mode in turn: users/search, followers and
// friends of the seed accounts, then search/tweets. Each profile is yielded
// once. A query or seed that fails is reported in the returned error (all
// failures joined) and discovery goes on with the next one; it stops at
// once only if the context ends, the credentials are refused, or yield
// fails.
//
// Follower and friend graphs are slow (15 requests per 15 minutes), so
// their paging cursors are saved in the store after each page: a sweep
// interrupted part way through a large graph resumes from the saved page,
// and a completed graph starts from the top next time.
func (s *Source) Discover(ctx context.Context, yield func(crawler.Profile) error) error {
	d := &discovery{s: s, ctx: ctx, yield: yield, seen: map[string]bool{}}
	cfg := s.cfg.Discover
	if cfg.UserSearch.Enabled {
		for _, q := range cfg.UserSearch.Queries {
			if d.run(d.userSearch(q)) {
				return d.result()
			}
		}
	}
	for _, g := range []struct {
		g         Graph
		followers bool
	}{{cfg.Followers, true}, {cfg.Friends, false}} {
		if !g.g.Enabled {
			continue
		}
		for _, seed := range g.g.Seeds {
			if d.run(d.graph(seed, g.g, g.followers)) {
				return d.result()
			}
		}
	}
	if cfg.TweetSearch.Enabled {
		for _, q := range cfg.TweetSearch.Queries {
			if d.run(d.tweetSearch(q)) {
				return d.result()
			}
		}
	}
	return d.result()
}

type discovery struct {
	s     *Source
	ctx   context.Context
	yield func(crawler.Profile) error
	seen  map[string]bool
	errs  []error
	stop  error
}

// run records a mode's error; it reports whether discovery must stop.
func (d *discovery) run(err error) bool {
	if err == nil {
		return false
	}
	var ye yieldError
	if errors.As(err, &ye) || fatal(d.ctx, err) {
		d.stop = err
		return true
	}
	d.errs = append(d.errs, err)
	d.s.log.Warn().Err(err).Msg("discovery query failed; going on with the next")
	return false
}

func (d *discovery) result() error {
	if d.stop != nil {
		var ye yieldError
		if errors.As(d.stop, &ye) {
			return ye.err
		}
		return errors.Join(append(d.errs, d.stop)...)
	}
	return errors.Join(d.errs...)
}

// emit yields a user once; it reports whether the user was new.
func (d *discovery) emit(u *twitter.User, via string) (bool, error) {
	p, ok := toProfile(u, via)
	if !ok || d.seen[p.ID] {
		return false, nil
	}
	d.seen[p.ID] = true
	if err := d.yield(p); err != nil {
		return true, yieldError{err}
	}
	return true, nil
}

// userSearch pages users/search. The API serves 20 per page and 50 pages
// at most, and past the last match may repeat the last page, so paging
// stops at an empty page or one with nothing new for this query.
func (d *discovery) userSearch(q string) error {
	via := "users/search q=" + q
	mine := map[string]bool{}
	for page := 1; page <= d.s.cfg.Discover.UserSearch.MaxPages; page++ {
		var users []twitter.User
		_, err := d.s.call(d.ctx, request{op: via, ep: "users/search", auth: userAuth,
			do: func(c *twitter.Client) (*http.Response, error) {
				u, resp, err := c.Users.Search(q, &twitter.UserSearchParams{Page: page, Count: 20, IncludeEntities: twitter.Bool(false)})
				users = u
				return resp, err
			}})
		if err != nil {
			return fmt.Errorf("%s page %d: %w", via, page, err)
		}
		fresh := 0
		for i := range users {
			id := userID(&users[i])
			if id == "" || mine[id] {
				continue
			}
			mine[id] = true
			fresh++
			if _, err := d.emit(&users[i], via); err != nil {
				return err
			}
		}
		if fresh == 0 {
			break
		}
	}
	return nil
}

// graph walks the followers or friends of a seed account, by ids and
// users/lookup or by full lists.
func (d *discovery) graph(seed string, g Graph, followers bool) error {
	seed = strings.TrimPrefix(seed, "@")
	kind := "friends"
	if followers {
		kind = "followers"
	}
	via := kind + " of @" + seed
	var uid int64
	var name string
	if n, err := strconv.ParseInt(seed, 10, 64); err == nil {
		uid = n
		via = kind + " of user " + seed
	} else {
		name = seed
	}
	ckey := cursorPrefix + kind + "/" + g.Method + "/" + strings.ToLower(seed)
	cursor := d.loadCursor(ckey)
	for page := 0; g.MaxPages == 0 || page < g.MaxPages; page++ {
		var next int64
		var err error
		if g.Method == "list" {
			next, err = d.graphList(uid, name, cursor, followers, via)
		} else {
			next, err = d.graphIDs(uid, name, cursor, followers, via)
		}
		if err != nil {
			var ye yieldError
			if !errors.As(err, &ye) {
				err = accountError(crawler.Profile{ID: seed, Handle: seed}, err)
			}
			return fmt.Errorf("%s: %w", via, err)
		}
		if next == 0 {
			d.saveCursor(ckey, 0)
			return nil
		}
		cursor = next
		d.saveCursor(ckey, cursor)
	}
	return nil
}

// graphIDs reads one page of up to 5,000 ids and the users behind them.
func (d *discovery) graphIDs(uid int64, name string, cursor int64, followers bool, via string) (int64, error) {
	var ids []int64
	var next int64
	ep := "friends/ids"
	if followers {
		ep = "followers/ids"
	}
	_, err := d.s.call(d.ctx, request{op: via, ep: ep, auth: d.s.authFor(ep),
		do: func(c *twitter.Client) (*http.Response, error) {
			if followers {
				r, resp, err := c.Followers.IDs(&twitter.FollowerIDParams{UserID: uid, ScreenName: name, Cursor: cursor, Count: 5000})
				ids, next = r.IDs, r.NextCursor
				return resp, err
			}
			r, resp, err := c.Friends.IDs(&twitter.FriendIDParams{UserID: uid, ScreenName: name, Cursor: cursor, Count: 5000})
			ids, next = r.IDs, r.NextCursor
			return resp, err
		}})
	if err != nil {
		return 0, err
	}
	for start := 0; start < len(ids); start += 100 {
		chunk := ids[start:min(start+100, len(ids))]
		var users []twitter.User
		_, err := d.s.call(d.ctx, request{op: via + ": look up users", ep: "users/lookup", auth: d.s.authFor("users/lookup"),
			do: func(c *twitter.Client) (*http.Response, error) {
				u, resp, err := c.Users.Lookup(&twitter.UserLookupParams{UserID: chunk, IncludeEntities: twitter.Bool(false)})
				users = u
				return resp, err
			}})
		var re *ResponseError
		if errors.As(err, &re) && re.Has(17) {
			continue // none of these exist any more
		}
		if err != nil {
			return 0, err
		}
		if err := d.emitAll(users, via); err != nil {
			return 0, err
		}
	}
	return next, nil
}

// graphList reads one page of up to 200 full users.
func (d *discovery) graphList(uid int64, name string, cursor int64, followers bool, via string) (int64, error) {
	var users []twitter.User
	var next int64
	ep := "friends/list"
	if followers {
		ep = "followers/list"
	}
	_, err := d.s.call(d.ctx, request{op: via, ep: ep, auth: d.s.authFor(ep),
		do: func(c *twitter.Client) (*http.Response, error) {
			if followers {
				r, resp, err := c.Followers.List(&twitter.FollowerListParams{UserID: uid, ScreenName: name, Cursor: cursor, Count: 200, SkipStatus: twitter.Bool(true), IncludeUserEntities: twitter.Bool(false)})
				users, next = r.Users, r.NextCursor
				return resp, err
			}
			r, resp, err := c.Friends.List(&twitter.FriendListParams{UserID: uid, ScreenName: name, Cursor: cursor, Count: 200, SkipStatus: twitter.Bool(true), IncludeUserEntities: twitter.Bool(false)})
			users, next = r.Users, r.NextCursor
			return resp, err
		}})
	if err != nil {
		return 0, err
	}
	return next, d.emitAll(users, via)
}

// emitAll yields each of users not yielded before.
func (d *discovery) emitAll(users []twitter.User, via string) error {
	for i := range users {
		if _, err := d.emit(&users[i], via); err != nil {
			return err
		}
	}
	return nil
}

// tweetSearch pages search/tweets and yields the authors. next_results
// does not carry tweet_mode, so only its max_id is taken from it.
func (d *discovery) tweetSearch(q string) error {
	via := "search/tweets q=" + q
	params := twitter.SearchTweetParams{Query: q, Count: 100, ResultType: "recent", TweetMode: "extended", IncludeEntities: twitter.Bool(false)}
	for page := 0; page < d.s.cfg.Discover.TweetSearch.MaxPages; page++ {
		var res *twitter.Search
		_, err := d.s.call(d.ctx, request{op: via, ep: "search/tweets", auth: d.s.authFor("search/tweets"),
			do: func(c *twitter.Client) (*http.Response, error) {
				r, resp, err := c.Search.Tweets(&params)
				res = r
				return resp, err
			}})
		if err != nil {
			return fmt.Errorf("%s page %d: %w", via, page+1, err)
		}
		for i := range res.Statuses {
			if u := res.Statuses[i].User; u != nil {
				if _, err := d.emit(u, via); err != nil {
					return err
				}
			}
		}
		if res.Metadata == nil || res.Metadata.NextResults == "" || len(res.Statuses) == 0 {
			return nil
		}
		v, err := url.ParseQuery(strings.TrimPrefix(res.Metadata.NextResults, "?"))
		maxID, perr := strconv.ParseInt(v.Get("max_id"), 10, 64)
		if err != nil || perr != nil || maxID <= 0 || (params.MaxID != 0 && maxID >= params.MaxID) {
			return fmt.Errorf("%s: unusable next_results %q", via, clipString(res.Metadata.NextResults, 80))
		}
		params.MaxID = maxID
	}
	return nil
}

// cursorPrefix prefixes the saved graph cursors in the KV.
const cursorPrefix = "discover/"

// ForgetCrawl drops the saved graph cursors, so that the next Discover
// walks every graph from its first page: a new sweep starts afresh, and
// only an interrupted one resumes.
func (s *Source) ForgetCrawl() error {
	if s.kv == nil {
		return nil
	}
	var keys [][]byte
	if err := s.kv.Scan([]byte(cursorPrefix), func(k, _ []byte) error {
		keys = append(keys, append([]byte(nil), k...))
		return nil
	}); err != nil {
		return err
	}
	for _, k := range keys {
		if err := s.kv.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

func (d *discovery) loadCursor(key string) int64 {
	if d.s.kv == nil {
		return -1
	}
	v, err := d.s.kv.Get([]byte(key))
	if err != nil || v == nil {
		return -1
	}
	n, err := strconv.ParseInt(string(v), 10, 64)
	if err != nil || n == 0 {
		return -1
	}
	d.s.log.Info().Str("graph", key).Msg("resuming graph discovery from a saved page")
	return n
}

// saveCursor records the next page (0: the walk finished, start over next
// time).
func (d *discovery) saveCursor(key string, cursor int64) {
	if d.s.kv == nil {
		return
	}
	var err error
	if cursor == 0 {
		err = d.s.kv.Delete([]byte(key))
	} else {
		err = d.s.kv.Put([]byte(key), []byte(strconv.FormatInt(cursor, 10)))
	}
	if err != nil {
		d.s.log.Warn().Err(err).Str("graph", key).Msg("could not save graph cursor")
	}
}
