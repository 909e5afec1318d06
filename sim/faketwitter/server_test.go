package faketwitter

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dghubble/go-twitter/twitter"
	"github.com/dghubble/oauth1"

	"github.com/psd-tools/exposure/sim"
)

var now = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable clock shared by the fake and the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// redirect sends every request to the test server, as a real client
// pointed at another base URL would.
type redirect struct {
	to   *url.URL
	auth string
	base http.RoundTripper
}

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host, req.Host = r.to.Scheme, r.to.Host, ""
	if r.auth != "" {
		req.Header.Set("Authorization", r.auth)
	}
	base := r.base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(req)
}

type harness struct {
	srv   *Server
	ts    *httptest.Server
	clock *clock
	app   *twitter.Client // bearer
	user  *twitter.Client // OAuth 1.0a, signed after the redirect
}

const (
	bearer         = "AAAAbearer-token-for-tests"
	consumerKey    = "ck-test"
	consumerSecret = "cs-test"
	accessToken    = "at-test"
	accessSecret   = "as-test"
)

func newHarness(t *testing.T, w *sim.World, opt Options) *harness {
	t.Helper()
	c := &clock{t: now}
	if opt.Clock == nil {
		opt.Clock = c.Now
	}
	opt.BearerToken, opt.ConsumerKey, opt.ConsumerSecret, opt.AccessToken, opt.AccessSecret = bearer, consumerKey, consumerSecret, accessToken, accessSecret
	srv := New(w, opt)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	to, _ := url.Parse(ts.URL)
	h := &harness{srv: srv, ts: ts, clock: c}
	h.app = twitter.NewClient(&http.Client{Transport: redirect{to: to, auth: "Bearer " + bearer}, Timeout: 5 * time.Second})
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{})
	signed := oauth1.NewConfig(consumerKey, consumerSecret).Client(ctx, oauth1.NewToken(accessToken, accessSecret)).Transport
	h.user = twitter.NewClient(&http.Client{Transport: redirect{to: to, base: signed}, Timeout: 5 * time.Second})
	return h
}

func fixture(t *testing.T, opt Options) *harness { return newHarness(t, Fixture(now), opt) }

func apiCode(t *testing.T, err error) int {
	t.Helper()
	var ae twitter.APIError
	if !errors.As(err, &ae) || len(ae.Errors) == 0 {
		t.Fatalf("want twitter.APIError, got %T %v", err, err)
	}
	return ae.Errors[0].Code
}

func TestTimelineAsGoTwitterDecodesIt(t *testing.T) {
	h := fixture(t, Options{})
	tweets, resp, err := h.app.Timelines.UserTimeline(&twitter.UserTimelineParams{ScreenName: "pc_smith", Count: 200, IncludeRetweets: twitter.Bool(true), TweetMode: "extended"})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("timeline: %v %v", resp.Status, err)
	}
	if len(tweets) != 200 {
		t.Fatalf("got %d tweets, want 200", len(tweets))
	}
	if got := resp.Header.Get("x-rate-limit-limit"); got != "1500" {
		t.Errorf("x-rate-limit-limit = %q", got)
	}
	if got := resp.Header.Get("x-rate-limit-remaining"); got != "1499" {
		t.Errorf("x-rate-limit-remaining = %q", got)
	}
	byID := map[string]twitter.Tweet{}
	for i, tw := range tweets {
		byID[tw.IDStr] = tw
		if i > 0 && tw.ID >= tweets[i-1].ID {
			t.Fatalf("not newest first at %d", i)
		}
		if tw.User == nil || tw.User.ScreenName != "PC_Smith" || tw.User.IDStr != FixtureOfficer {
			t.Fatalf("tweet %s user = %+v", tw.IDStr, tw.User)
		}
		if _, err := tw.CreatedAtTime(); err != nil {
			t.Fatalf("created_at %q: %v", tw.CreatedAt, err)
		}
		if tw.FullText == "" || tw.Text != "" {
			t.Fatalf("extended mode: full_text %q text %q", tw.FullText, tw.Text)
		}
	}
	if tw := byID[FixturePost(now, 3)]; tw.FullText != "Shift 3 done (edited)" {
		t.Errorf("edited tweet text %q", tw.FullText)
	}
	if _, ok := byID[FixturePost(now, 7)]; ok {
		t.Error("removed tweet served")
	}
	rt := byID[FixturePost(now, 10)]
	if rt.RetweetedStatus == nil || rt.RetweetedStatus.FullText != "Breaking: council approves new budget &amp; cuts" || !strings.HasPrefix(rt.FullText, "RT @") {
		t.Errorf("retweet = %q / %+v", rt.FullText, rt.RetweetedStatus)
	}
	if rt.RetweetedStatus != nil && rt.RetweetedStatus.User.ID&originalBit == 0 {
		t.Error("retweeted author id collides with world ids")
	}
	q := byID[FixturePost(now, 11)]
	if q.QuotedStatus == nil || q.FullText != "Typical. Nobody asked us." || q.QuotedStatus.FullText != "Police funding to be reviewed" {
		t.Errorf("quote = %q / %+v", q.FullText, q.QuotedStatus)
	}
	if got := byID[FixturePost(now, 5)].FullText; got != "Fish &amp; chips &lt;3 after a 12h shift &gt; anything" {
		t.Errorf("text not HTML-escaped as the API does: %q", got)
	}
	tag := byID[FixturePost(now, 0)]
	if tag.Entities == nil || len(tag.Entities.Hashtags) != 1 || tag.Entities.Hashtags[0].Text != "policelife" {
		t.Fatalf("hashtag entities = %+v", tag.Entities)
	}
	if ix := tag.Entities.Hashtags[0].Indices; []rune(tag.FullText)[ix.Start()] != '#' || ix.End() != len([]rune(tag.FullText)) {
		t.Errorf("hashtag indices %v in %q", ix, tag.FullText)
	}
}

func TestTimelinePaging(t *testing.T) {
	h := fixture(t, Options{})
	get := func(p twitter.UserTimelineParams) []twitter.Tweet {
		t.Helper()
		p.ScreenName, p.TweetMode = "PC_Smith", "extended"
		tw, resp, err := h.app.Timelines.UserTimeline(&p)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("timeline %+v: %v", p, err)
		}
		return tw
	}
	first := get(twitter.UserTimelineParams{Count: 100})
	// max_id is inclusive.
	again := get(twitter.UserTimelineParams{Count: 5, MaxID: first[99].ID})
	if again[0].ID != first[99].ID {
		t.Fatalf("max_id not inclusive: %d vs %d", again[0].ID, first[99].ID)
	}
	// since_id is exclusive.
	newer := get(twitter.UserTimelineParams{Count: 200, SinceID: first[9].ID})
	if len(newer) != 9 {
		t.Fatalf("since_id: %d tweets, want 9", len(newer))
	}
	// Paging by oldest-1 reaches every live tweet once: 250 - 5 removed.
	seen := map[int64]bool{}
	var maxID int64
	for {
		page := get(twitter.UserTimelineParams{Count: 200, MaxID: maxID, IncludeRetweets: twitter.Bool(true)})
		if len(page) == 0 {
			break
		}
		for _, tw := range page {
			if seen[tw.ID] {
				t.Fatalf("tweet %d twice", tw.ID)
			}
			seen[tw.ID] = true
		}
		maxID = page[len(page)-1].ID - 1
	}
	if len(seen) != 245 {
		t.Fatalf("paged %d tweets, want 245", len(seen))
	}
	// include_rts=false strips retweets after count: the page is short.
	noRT := get(twitter.UserTimelineParams{Count: 20, IncludeRetweets: twitter.Bool(false)})
	if len(noRT) != 19 {
		t.Fatalf("include_rts=false page has %d tweets, want 19", len(noRT))
	}
	// Compat mode: text clipped at 140, no full_text.
	compat, _, err := h.app.Timelines.UserTimeline(&twitter.UserTimelineParams{ScreenName: "PC_Smith", Count: 1})
	if err != nil || compat[0].FullText != "" || compat[0].Text == "" {
		t.Fatalf("compat mode: %+v %v", compat, err)
	}
}

func TestTimelineCap3200(t *testing.T) {
	acct := &sim.Account{Platform: sim.Twitter, ID: "77", Handle: "prolific", State: sim.Active}
	var posts []*sim.Post
	for i := 0; i < 3300; i++ {
		at := now.Add(-time.Duration(i+1) * time.Minute)
		posts = append(posts, &sim.Post{Platform: sim.Twitter, ID: Snowflake(at, 0), AccountID: "77", Created: at, Text: "x", State: sim.Live})
	}
	h := newHarness(t, sim.FromData(now, []*sim.Account{acct}, posts), Options{})
	n := 0
	var maxID int64
	for {
		page, _, err := h.app.Timelines.UserTimeline(&twitter.UserTimelineParams{UserID: 77, Count: 200, MaxID: maxID, TrimUser: twitter.Bool(true)})
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		if page[0].User == nil || page[0].User.IDStr != "77" || page[0].User.ScreenName != "" {
			t.Fatalf("trim_user: %+v", page[0].User)
		}
		n += len(page)
		maxID = page[len(page)-1].ID - 1
	}
	if n != 3200 {
		t.Fatalf("reachable %d tweets, want the 3,200 cap", n)
	}
}

func TestAccountStatesOnTimelines(t *testing.T) {
	h := fixture(t, Options{})
	// Protected: 401 with the {"request","error"} body, which go-twitter
	// does not decode: err is nil and the slice empty.
	tw, resp, err := h.app.Timelines.UserTimeline(&twitter.UserTimelineParams{ScreenName: "Sgt_Jones"})
	if err != nil || len(tw) != 0 || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("protected: %d %v %d", len(tw), err, resp.StatusCode)
	}
	_, _, err = h.app.Timelines.UserTimeline(&twitter.UserTimelineParams{ScreenName: "PC_Banned"})
	if c := apiCode(t, err); c != 63 {
		t.Errorf("suspended timeline code %d", c)
	}
	_, resp, err = h.app.Timelines.UserTimeline(&twitter.UserTimelineParams{ScreenName: "PC_Gone"})
	if c := apiCode(t, err); c != 34 || resp.StatusCode != 404 {
		t.Errorf("deleted timeline code %d", c)
	}
	_, _, err = h.app.Users.Show(&twitter.UserShowParams{ScreenName: "PC_Gone"})
	if c := apiCode(t, err); c != 50 {
		t.Errorf("deleted user code %d", c)
	}
	_, _, err = h.app.Users.Show(&twitter.UserShowParams{UserID: 1004})
	if c := apiCode(t, err); c != 63 {
		t.Errorf("suspended user code %d", c)
	}
	u, _, err := h.app.Users.Show(&twitter.UserShowParams{ScreenName: "sgt_jones"})
	if err != nil || !u.Protected || u.Description == "" || u.Location != "Wolverhampton" {
		t.Errorf("protected user %+v %v", u, err)
	}
	u, _, err = h.app.Users.Show(&twitter.UserShowParams{ScreenName: "PC_Smith"})
	if err != nil || u.Status == nil || u.FollowersCount != 1 || u.FriendsCount != 1 || u.StatusesCount != 245 {
		t.Errorf("user %+v %v", u, err)
	}
}

func TestStatusLookupAndShow(t *testing.T) {
	h := fixture(t, Options{})
	live, removed, edited := FixturePost(now, 0), FixturePost(now, 7), FixturePost(now, 3)
	ids := []int64{}
	for _, s := range []string{live, removed, edited, "99"} {
		n, _ := strconv.ParseInt(s, 10, 64)
		ids = append(ids, n)
	}
	tw, resp, err := h.app.Statuses.Lookup(ids, &twitter.StatusLookupParams{TweetMode: "extended"})
	if err != nil || resp.StatusCode != 200 || len(tw) != 2 {
		t.Fatalf("lookup: %d tweets, %v", len(tw), err)
	}
	// map=true answers an object go-twitter cannot decode into []Tweet.
	_, _, err = h.app.Statuses.Lookup(ids, &twitter.StatusLookupParams{Map: twitter.Bool(true)})
	var ute *json.UnmarshalTypeError
	if !errors.As(err, &ute) {
		t.Fatalf("map=true: want UnmarshalTypeError, got %v", err)
	}
	many := make([]int64, 101)
	for i := range many {
		many[i] = int64(i + 1)
	}
	_, _, err = h.app.Statuses.Lookup(many, nil)
	if c := apiCode(t, err); c != 18 {
		t.Errorf(">100 ids code %d", c)
	}
	show := func(id string) (int, int) {
		n, _ := strconv.ParseInt(id, 10, 64)
		_, resp, err := h.app.Statuses.Show(n, nil)
		if err == nil {
			return resp.StatusCode, 0
		}
		return resp.StatusCode, apiCode(t, err)
	}
	for _, c := range []struct {
		id           string
		status, code int
	}{
		{live, 200, 0},
		{removed, 404, 144},
		{"42", 404, 144},
		{tweetOf(t, h.srv, FixtureProtected), 403, 179},
		{tweetOf(t, h.srv, FixtureSuspended), 403, 63},
		{tweetOf(t, h.srv, FixtureDeleted), 404, 144},
	} {
		if st, code := show(c.id); st != c.status || code != c.code {
			t.Errorf("show %s = %d code %d, want %d code %d", c.id, st, code, c.status, c.code)
		}
	}
}

func tweetOf(t *testing.T, s *Server, acct string) string {
	t.Helper()
	tl := s.world.Timeline(sim.Twitter, acct)
	if len(tl) == 0 {
		t.Fatalf("no tweets for %s", acct)
	}
	return tl[0].ID
}

func TestUserSearchNeedsUserContext(t *testing.T) {
	h := fixture(t, Options{})
	_, resp, err := h.app.Users.Search("police", nil)
	if c := apiCode(t, err); c != 220 || resp.StatusCode != 403 {
		t.Fatalf("app-only users/search: code %d", c)
	}
	users, resp, err := h.user.Users.Search("POLICE officer", &twitter.UserSearchParams{Count: 20})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("users/search: %v", err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.ScreenName)
	}
	// Suspended and deleted accounts are not found; protected ones are.
	if strings.Join(names, ",") != "PC_Smith" {
		t.Errorf("police officer: %v", names)
	}
	users, _, _ = h.user.Users.Search("police", &twitter.UserSearchParams{Count: 2, Page: 2})
	if len(users) != 2 || users[0].ScreenName != "Sgt_Jones" || users[1].ScreenName != "BlueLightFan" {
		t.Errorf("page 2 of police: %+v", users)
	}
	users, _, _ = h.user.Users.Search("police", &twitter.UserSearchParams{Count: 20, Page: 51})
	if len(users) != 0 {
		t.Errorf("page 51 returned %d users", len(users))
	}
}

func TestFollowerGraphs(t *testing.T) {
	h := fixture(t, Options{})
	var got []string
	var cursor int64
	for {
		f, _, err := h.app.Followers.List(&twitter.FollowerListParams{ScreenName: "WMPolice", Count: 2, Cursor: cursor})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range f.Users {
			got = append(got, u.ScreenName)
		}
		if f.NextCursor == 0 {
			break
		}
		cursor = f.NextCursor
	}
	if strings.Join(got, ",") != "PC_Smith,Sgt_Jones,BlueLightFan" {
		t.Errorf("followers of WMPolice: %v", got)
	}
	ids, _, err := h.app.Followers.IDs(&twitter.FollowerIDParams{UserID: 1001})
	if err != nil || len(ids.IDs) != 3 || ids.NextCursor != 0 {
		t.Errorf("followers/ids: %+v %v", ids, err)
	}
	users, _, err := h.app.Users.Lookup(&twitter.UserLookupParams{UserID: append(ids.IDs, 1004, 1005)})
	if err != nil || len(users) != 3 {
		t.Errorf("users/lookup: %d users %v", len(users), err)
	}
	_, _, err = h.app.Users.Lookup(&twitter.UserLookupParams{UserID: []int64{1004, 1005}})
	if c := apiCode(t, err); c != 17 {
		t.Errorf("lookup of gone users: code %d", c)
	}
	fr, _, err := h.app.Friends.List(&twitter.FriendListParams{ScreenName: "BlueLightFan"})
	if err != nil || len(fr.Users) != 2 {
		t.Errorf("friends: %+v %v", fr, err)
	}
	f, resp, err := h.app.Followers.List(&twitter.FollowerListParams{ScreenName: "Sgt_Jones"})
	if err != nil || resp.StatusCode != 401 || len(f.Users) != 0 {
		t.Errorf("followers of protected: %d %v", resp.StatusCode, err)
	}
	_, _, err = h.app.Followers.List(&twitter.FollowerListParams{ScreenName: "WMPolice", Cursor: 12345})
	if c := apiCode(t, err); c != 195 {
		t.Errorf("made-up cursor: code %d", c)
	}
}

func TestSearchTweets(t *testing.T) {
	h := fixture(t, Options{})
	var authors = map[string]int{}
	params := &twitter.SearchTweetParams{Query: "#policelife", Count: 5, TweetMode: "extended"}
	pages := 0
	for {
		res, _, err := h.app.Search.Tweets(params)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, s := range res.Statuses {
			authors[s.User.ScreenName]++
			if s.FullText == "" {
				t.Fatal("search lost full_text")
			}
		}
		if res.Metadata.NextResults == "" {
			break
		}
		if strings.Contains(res.Metadata.NextResults, "tweet_mode") {
			t.Error("next_results carries tweet_mode; the API's does not")
		}
		v, _ := url.ParseQuery(strings.TrimPrefix(res.Metadata.NextResults, "?"))
		params.MaxID, _ = strconv.ParseInt(v.Get("max_id"), 10, 64)
	}
	// 7-day window: officer tweets every 6h → 28 in window, every 4th
	// tagged → 7; fan every 12h → 14, every 3rd tagged → 5.
	if authors["PC_Smith"] != 7 || authors["BlueLightFan"] != 5 || len(authors) != 2 {
		t.Errorf("authors %v over %d pages", authors, pages)
	}
	_, _, err := h.app.Search.Tweets(&twitter.SearchTweetParams{})
	if c := apiCode(t, err); c != 25 {
		t.Errorf("empty query code %d", c)
	}
}

func TestRateLimitWindow(t *testing.T) {
	h := fixture(t, Options{Limits: map[string]int{"statuses/show": 2}, Window: time.Minute})
	id, _ := strconv.ParseInt(FixturePost(now, 0), 10, 64)
	for i := 0; i < 2; i++ {
		if _, _, err := h.app.Statuses.Show(id, nil); err != nil {
			t.Fatal(err)
		}
	}
	_, resp, err := h.app.Statuses.Show(id, nil)
	if c := apiCode(t, err); c != 88 || resp.StatusCode != 429 {
		t.Fatalf("over the limit: %d code %d", resp.StatusCode, c)
	}
	if resp.Header.Get("x-rate-limit-remaining") != "0" || resp.Header.Get("x-rate-limit-reset") != strconv.FormatInt(now.Add(time.Minute).Unix(), 10) {
		t.Errorf("429 headers %v", resp.Header)
	}
	rl, _, err := h.app.RateLimits.Status(&twitter.RateLimitParams{Resources: []string{"statuses"}})
	if err != nil || rl.Resources.Statuses["/statuses/show/:id"].Remaining != 0 || rl.Resources.Statuses["/statuses/lookup"].Limit != 300 {
		t.Fatalf("rate_limit_status: %+v %v", rl.Resources, err)
	}
	h.clock.Add(time.Minute)
	if _, _, err := h.app.Statuses.Show(id, nil); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	if st := h.srv.Stats(); st.RateLimited["statuses/show"] != 1 || st.Requests["statuses/show"] != 4 {
		t.Errorf("stats %+v", st)
	}
}

func TestAuth(t *testing.T) {
	h := fixture(t, Options{})
	to, _ := url.Parse(h.ts.URL)
	try := func(rt http.RoundTripper) (int, error) {
		c := twitter.NewClient(&http.Client{Transport: rt})
		_, resp, err := c.Users.Show(&twitter.UserShowParams{ScreenName: "PC_Smith"})
		if resp == nil {
			return 0, err
		}
		return resp.StatusCode, err
	}
	if st, err := try(redirect{to: to}); st != 400 || apiCode(t, err) != 215 {
		t.Errorf("no auth: %d %v", st, err)
	}
	if st, err := try(redirect{to: to, auth: "Bearer wrong"}); st != 401 || apiCode(t, err) != 89 {
		t.Errorf("wrong bearer: %d %v", st, err)
	}
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{})
	bad := oauth1.NewConfig(consumerKey, "wrong-secret").Client(ctx, oauth1.NewToken(accessToken, accessSecret)).Transport
	if st, err := try(redirect{to: to, base: bad}); st != 401 || apiCode(t, err) != 32 {
		t.Errorf("bad signature: %d %v", st, err)
	}
	// Signing before redirecting signs the wrong host: rejected.
	late := context.WithValue(context.Background(), oauth1.HTTPClient, &http.Client{Transport: redirect{to: to}})
	early := oauth1.NewConfig(consumerKey, consumerSecret).Client(late, oauth1.NewToken(accessToken, accessSecret)).Transport
	if st, _ := try(early); st != 401 {
		t.Errorf("signature over the wrong host accepted: %d", st)
	}
	// Minting a bearer token.
	form := strings.NewReader("grant_type=client_credentials")
	req, _ := http.NewRequest(http.MethodPost, h.ts.URL+"/oauth2/token", form)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(consumerKey), url.QueryEscape(consumerSecret))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(body, &tok); err != nil || resp.StatusCode != 200 || tok.AccessToken != bearer {
		t.Fatalf("token: %d %s", resp.StatusCode, body)
	}
	req, _ = http.NewRequest(http.MethodPost, h.ts.URL+"/oauth2/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(consumerKey, "nope")
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("token with a wrong secret: %d", resp.StatusCode)
	}
}

// TestRateLimitStatusIsTheLimiter checks that application/rate_limit_status
// reports the very windows the server enforces: per auth context, after
// use, at exhaustion and after a reset, with overridden limits, and for
// its own window. A client that primes its budgets from it (crawler/twitter)
// relies on that.
func TestRateLimitStatusIsTheLimiter(t *testing.T) {
	h := fixture(t, Options{Limits: map[string]int{"statuses/show": 2}, Faults: Faults{Skew: 3 * time.Minute}})
	id, _ := strconv.ParseInt(FixturePost(now, 0), 10, 64)
	last := map[string]http.Header{}
	calls := []struct {
		ep string
		do func(c *twitter.Client) (*http.Response, error)
	}{
		{"statuses/show", func(c *twitter.Client) (*http.Response, error) { _, r, err := c.Statuses.Show(id, nil); return r, err }},
		{"users/show", func(c *twitter.Client) (*http.Response, error) {
			_, r, err := c.Users.Show(&twitter.UserShowParams{ScreenName: "PC_Smith"})
			return r, err
		}},
		{"statuses/user_timeline", func(c *twitter.Client) (*http.Response, error) {
			_, r, err := c.Timelines.UserTimeline(&twitter.UserTimelineParams{ScreenName: "PC_Smith", Count: 5})
			return r, err
		}},
	}
	// The app context: statuses/show three times (the third a 429),
	// users/show once a minute later (its own window starts later), the
	// timeline twice.
	for i, n := range []int{3, 1, 2} {
		if i == 1 {
			h.clock.Add(time.Minute)
		}
		for range n {
			resp, _ := calls[i].do(h.app)
			if resp == nil {
				t.Fatalf("%s: no response", calls[i].ep)
			}
			last[calls[i].ep] = resp.Header
		}
	}
	h.clock.Add(time.Minute)
	// The user context used users/show once: its own window.
	if _, err := calls[1].do(h.user); err != nil {
		t.Fatal(err)
	}

	entry := func(rl *twitter.RateLimit, ep string) *twitter.RateLimitResource {
		t.Helper()
		fams := map[string]map[string]*twitter.RateLimitResource{
			"statuses": rl.Resources.Statuses, "users": rl.Resources.Users, "application": rl.Resources.Application,
		}
		fam, _, _ := strings.Cut(ep, "/")
		r := fams[fam]["/"+ep]
		if r == nil {
			r = fams[fam]["/"+ep+"/:id"]
		}
		if r == nil {
			t.Fatalf("rate_limit_status has no entry for %s: %+v", ep, fams[fam])
		}
		return r
	}
	status := func(c *twitter.Client) (*twitter.RateLimit, *http.Response) {
		t.Helper()
		rl, resp, err := c.RateLimits.Status(&twitter.RateLimitParams{Resources: []string{"statuses", "users", "application"}})
		if err != nil || rl.Resources == nil {
			t.Fatalf("rate_limit_status: %v", err)
		}
		return rl, resp
	}
	same := func(ctx string, r *twitter.RateLimitResource, h http.Header, ep string) {
		t.Helper()
		want := []string{h.Get("x-rate-limit-limit"), h.Get("x-rate-limit-remaining"), h.Get("x-rate-limit-reset")}
		got := []string{strconv.Itoa(r.Limit), strconv.Itoa(r.Remaining), strconv.Itoa(r.Reset)}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s %s: rate_limit_status says limit/remaining/reset %v, the endpoint's own headers %v", ctx, ep, got, want)
		}
	}

	rl, resp := status(h.app)
	for ep, hd := range last {
		same("app", entry(rl, ep), hd, ep)
	}
	if r := entry(rl, "statuses/show"); r.Remaining != 0 || r.Limit != 2 {
		t.Errorf("exhausted statuses/show: %+v", r)
	}
	if r := entry(rl, "statuses/lookup"); r.Remaining != 300 || r.Limit != 300 {
		t.Errorf("unused statuses/lookup: %+v", r)
	}
	// Its own window counts the request that asked.
	same("app", entry(rl, "application/rate_limit_status"), resp.Header, "application/rate_limit_status")
	if r := entry(rl, "application/rate_limit_status"); r.Remaining != 179 {
		t.Errorf("rate_limit_status's own window: %+v", r)
	}

	userRL, _ := status(h.user)
	if r := entry(userRL, "users/show"); r.Remaining != 899 {
		t.Errorf("user context users/show: %+v", r)
	}
	if r := entry(userRL, "statuses/show"); r.Remaining != 2 {
		t.Errorf("user context shares the app's statuses/show window: %+v", r)
	}

	// Past the first windows' reset: statuses/show is whole again and says
	// so; users/show, started a minute later, is still counting.
	h.clock.Add(13*time.Minute + time.Second)
	rl, _ = status(h.app)
	if r := entry(rl, "statuses/show"); r.Remaining != 2 {
		t.Errorf("after the reset statuses/show: %+v", r)
	}
	if r := entry(rl, "users/show"); r.Remaining != 899 {
		t.Errorf("users/show window before its reset: %+v", r)
	}
	resp, err := calls[0].do(h.app)
	if err != nil {
		t.Fatal(err)
	}
	rl, _ = status(h.app)
	same("app", entry(rl, "statuses/show"), resp.Header, "statuses/show")
}
