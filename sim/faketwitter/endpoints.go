package faketwitter

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/psd-tools/exposure/sim"
)

// call is one request being answered.
type call struct {
	s        *Server
	r        *http.Request
	q        url.Values
	ep       string
	userCtx  bool // OAuth 1.0a user context
	identity string
	now      time.Time
}

var handlers map[string]func(*call) reply

func init() {
	handlers = map[string]func(*call) reply{
		"users/search":                  (*call).usersSearch,
		"users/show":                    (*call).usersShow,
		"users/lookup":                  (*call).usersLookup,
		"followers/list":                func(c *call) reply { return c.graphPage(true, false) },
		"followers/ids":                 func(c *call) reply { return c.graphPage(true, true) },
		"friends/list":                  func(c *call) reply { return c.graphPage(false, false) },
		"friends/ids":                   func(c *call) reply { return c.graphPage(false, true) },
		"search/tweets":                 (*call).searchTweets,
		"statuses/user_timeline":        (*call).userTimeline,
		"statuses/lookup":               (*call).statusesLookup,
		"statuses/show":                 (*call).statusesShow,
		"application/rate_limit_status": (*call).rateLimitStatus,
	}
}

func ok(v any) reply { return reply{status: http.StatusOK, body: marshal(v)} }

func (c *call) extended() bool { return c.q.Get("tweet_mode") == "extended" }

func (c *call) flag(name string, def bool) bool {
	switch strings.ToLower(c.q.Get(name)) {
	case "true", "1", "t":
		return true
	case "false", "0", "f":
		return false
	}
	return def
}

// intParam reads a numeric parameter clamped to [lo, hi], def if absent or
// unreadable (the API is lenient in the same way).
func (c *call) intParam(name string, def, lo, hi int) int {
	n, err := strconv.Atoi(c.q.Get(name))
	if err != nil {
		return def
	}
	return min(max(n, lo), hi)
}

func (c *call) int64Param(name string) int64 {
	n, _ := strconv.ParseInt(c.q.Get(name), 10, 64)
	return n
}

// graph builds the follower index once: the world's follow graph is fixed
// after generation (states change, edges do not).
func (s *Server) graph() {
	s.graphOnce.Do(func() {
		s.followers = map[string][]string{}
		s.byNumID = map[int64]string{}
		for _, a := range s.world.Accounts(sim.Twitter) {
			s.byNumID[numID(a.ID)] = a.ID
			for _, f := range a.Following {
				s.followers[f] = append(s.followers[f], a.ID)
			}
		}
	})
}

// accountByNum finds an account by its numeric API id.
func (s *Server) accountByNum(n int64) (sim.Account, bool) {
	if a, ok := s.world.Account(sim.Twitter, strconv.FormatInt(n, 10)); ok {
		return a, true
	}
	s.graph()
	if id, ok := s.byNumID[n]; ok {
		return s.world.Account(sim.Twitter, id)
	}
	return sim.Account{}, false
}

// target reads user_id or screen_name. found is false for an account that
// does not exist (or never did).
func (c *call) target() (a sim.Account, found bool, bad *reply) {
	if id := c.q.Get("user_id"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			rep := apiError(http.StatusNotFound, 50, "User not found.")
			return a, false, &rep
		}
		a, found = c.s.accountByNum(n)
		return a, found, nil
	}
	if sn := c.q.Get("screen_name"); sn != "" {
		a, found = c.s.world.AccountByHandle(sim.Twitter, sn)
		return a, found, nil
	}
	rep := apiError(http.StatusBadRequest, 38, "screen_name parameter is missing.")
	return a, false, &rep
}

// readableTarget is target for the endpoints that read an account's own
// lists (timeline, followers, friends), with the API's answers for an
// account that is gone, suspended or protected.
func (c *call) readableTarget() (sim.Account, *reply) {
	a, found, bad := c.target()
	var rep reply
	switch {
	case bad != nil:
		return a, bad
	case !found || a.State == sim.Deleted:
		rep = apiError(http.StatusNotFound, 34, "Sorry, that page does not exist.")
	case a.State == sim.Suspended:
		rep = apiError(http.StatusForbidden, 63, "User has been suspended.")
	case a.State == sim.Protected:
		rep = notAuthorized(c.r.URL.Path)
	default:
		return a, nil
	}
	return a, &rep
}

// listable reports whether an account shows up in searches, lists and
// look-ups: suspended and deleted accounts do not.
func listable(a sim.Account) bool { return a.State == sim.Active || a.State == sim.Protected }

// visible reports whether a post can be read publicly.
func visible(p sim.Post, a sim.Account) bool {
	return p.State != sim.Removed && a.State == sim.Active
}

// --- users ---------------------------------------------------------------

func (c *call) usersSearch() reply {
	if !c.userCtx {
		return apiError(http.StatusForbidden, 220, "Your credentials do not allow access to this resource.")
	}
	q := strings.Fields(strings.ToLower(c.q.Get("q")))
	if len(q) == 0 {
		return apiError(http.StatusBadRequest, 25, "Query parameters are missing.")
	}
	count := c.intParam("count", 20, 1, 20)
	page := c.intParam("page", 1, 1, 1<<20)
	out := []*userJSON{}
	if page > 50 { // only the first 1,000 matches are available
		return ok(out)
	}
	skip := (page - 1) * count
	for _, a := range c.s.world.Accounts(sim.Twitter) {
		if !listable(a) || !matchesUser(a, q) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		out = append(out, c.user(a, userOpts{status: true}))
		if len(out) == count {
			break
		}
	}
	return ok(out)
}

// matchesUser reports whether every query word occurs in the handle, name,
// bio or location, case-insensitively.
func matchesUser(a sim.Account, words []string) bool {
	hay := strings.ToLower(a.Handle + "\n" + a.Name + "\n" + a.Bio + "\n" + a.Location)
	for _, w := range words {
		if !strings.Contains(hay, strings.TrimPrefix(w, "@")) {
			return false
		}
	}
	return true
}

// userState answers for a target account that cannot be shown.
func userState(a sim.Account, found bool) *reply {
	switch {
	case !found || a.State == sim.Deleted:
		rep := apiError(http.StatusNotFound, 50, "User not found.")
		return &rep
	case a.State == sim.Suspended:
		rep := apiError(http.StatusForbidden, 63, "User has been suspended.")
		return &rep
	}
	return nil
}

func (c *call) usersShow() reply {
	a, found, bad := c.target()
	if bad != nil {
		return *bad
	}
	if rep := userState(a, found); rep != nil {
		return *rep
	}
	return ok(c.user(a, userOpts{status: true}))
}

func (c *call) usersLookup() reply {
	var accts []sim.Account
	ids, names := splitList(c.q.Get("user_id")), splitList(c.q.Get("screen_name"))
	if len(ids)+len(names) == 0 {
		return apiError(http.StatusNotFound, 17, "No user matches for specified terms.")
	}
	if len(ids)+len(names) > 100 {
		return apiError(http.StatusForbidden, 18, "Too many terms specified in query.")
	}
	for _, id := range ids {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			continue
		}
		if a, ok := c.s.accountByNum(n); ok {
			accts = append(accts, a)
		}
	}
	for _, sn := range names {
		if a, ok := c.s.world.AccountByHandle(sim.Twitter, sn); ok {
			accts = append(accts, a)
		}
	}
	out := []*userJSON{}
	seen := map[string]bool{}
	for _, a := range accts {
		if listable(a) && !seen[a.ID] {
			seen[a.ID] = true
			out = append(out, c.user(a, userOpts{status: true}))
		}
	}
	if len(out) == 0 {
		return apiError(http.StatusNotFound, 17, "No user matches for specified terms.")
	}
	return ok(out)
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// --- followers and friends ----------------------------------------------

// Cursors are opaque to clients; these encode an offset so that they look
// like the API's large numbers and a made-up one is caught.
const cursorMul, cursorAdd = 1_000_003, 1_588_000_000_000

func encodeCursor(off int) int64 { return int64(off)*cursorMul + cursorAdd }

func decodeCursor(c int64) (int, bool) {
	if c == -1 || c == 0 {
		return 0, true
	}
	c -= cursorAdd
	if c < 0 || c%cursorMul != 0 {
		return 0, false
	}
	return int(c / cursorMul), true
}

type cursorPage struct {
	IDs               []int64     `json:"ids,omitempty"`
	Users             []*userJSON `json:"users,omitempty"`
	NextCursor        int64       `json:"next_cursor"`
	NextCursorStr     string      `json:"next_cursor_str"`
	PreviousCursor    int64       `json:"previous_cursor"`
	PreviousCursorStr string      `json:"previous_cursor_str"`
	TotalCount        *int        `json:"total_count"`
}

// graphPage serves followers/list, followers/ids, friends/list, friends/ids.
func (c *call) graphPage(followers, ids bool) reply {
	a, bad := c.readableTarget()
	if bad != nil {
		return *bad
	}
	c.s.graph()
	var members []string
	if followers {
		members = c.s.followers[a.ID]
	} else {
		members = a.Following
	}
	var live []sim.Account
	for _, id := range members {
		if m, ok := c.s.world.Account(sim.Twitter, id); ok && listable(m) {
			live = append(live, m)
		}
	}
	count := c.intParam("count", 20, 1, 200)
	if ids {
		count = c.intParam("count", 5000, 1, 5000)
	}
	cur, okc := decodeCursor(c.int64Param("cursor"))
	if c.q.Get("cursor") == "" {
		cur, okc = 0, true
	}
	if !okc || cur > len(live) {
		return apiError(http.StatusBadRequest, 195, "Missing or invalid url parameter.")
	}
	end := min(cur+count, len(live))
	page := cursorPage{NextCursorStr: "0", PreviousCursorStr: "0"}
	if end < len(live) {
		page.NextCursor = encodeCursor(end)
		page.NextCursorStr = strconv.FormatInt(page.NextCursor, 10)
	}
	if cur > 0 {
		page.PreviousCursor = -encodeCursor(max(cur-count, 0))
		page.PreviousCursorStr = strconv.FormatInt(page.PreviousCursor, 10)
	}
	if ids {
		page.IDs = make([]int64, 0, end-cur)
		for _, m := range live[cur:end] {
			page.IDs = append(page.IDs, numID(m.ID))
		}
		if len(page.IDs) == 0 {
			return ok(struct {
				IDs []int64 `json:"ids"`
				cursorPage
			}{IDs: []int64{}, cursorPage: page})
		}
	} else {
		page.Users = make([]*userJSON, 0, end-cur)
		skip := c.flag("skip_status", false)
		for _, m := range live[cur:end] {
			page.Users = append(page.Users, c.user(m, userOpts{status: !skip}))
		}
		if len(page.Users) == 0 {
			return ok(struct {
				Users []*userJSON `json:"users"`
				cursorPage
			}{Users: []*userJSON{}, cursorPage: page})
		}
	}
	return ok(page)
}

// --- tweets --------------------------------------------------------------

// userTimeline serves statuses/user_timeline: newest first, at most count
// (≤200) per page, max_id inclusive, since_id exclusive, and only the 3,200
// most recent tweets reachable at all. include_rts=false strips retweets
// after count is applied, so pages can come back short, as on the API.
func (c *call) userTimeline() reply {
	a, bad := c.readableTarget()
	if bad != nil {
		return *bad
	}
	count := c.intParam("count", 20, 1, 200)
	maxID, sinceID := c.int64Param("max_id"), c.int64Param("since_id")
	rts := c.flag("include_rts", true)
	noReplies := c.flag("exclude_replies", false)
	_ = noReplies // the world has no replies
	o := tweetOpts{extended: c.extended(), trimUser: c.flag("trim_user", false)}
	if !o.trimUser {
		o.user = c.user(a, userOpts{})
	}
	out := make([]*tweetJSON, 0, count)
	reachable, taken := 0, 0
	for _, p := range c.s.world.Timeline(sim.Twitter, a.ID) {
		if p.State == sim.Removed {
			continue
		}
		reachable++
		if reachable > 3200 || taken == count {
			break
		}
		id := numID(p.ID)
		if maxID > 0 && id > maxID {
			continue
		}
		if sinceID > 0 && id <= sinceID {
			break
		}
		taken++
		if !rts && p.Repost && p.Text == "" {
			continue
		}
		out = append(out, c.tweet(p, a, o))
	}
	return ok(out)
}

// statusesLookup serves statuses/lookup: up to 100 ids, the ones that
// cannot be seen left out, in no particular order; map=true answers with
// the id → tweet-or-null object that go-twitter cannot decode.
func (c *call) statusesLookup() reply {
	ids := splitList(c.q.Get("id"))
	if len(ids) == 0 {
		return apiError(http.StatusBadRequest, 195, "Missing or invalid url parameter.")
	}
	if len(ids) > 100 {
		return apiError(http.StatusForbidden, 18, "Too many terms specified in query.")
	}
	o := tweetOpts{extended: c.extended(), trimUser: c.flag("trim_user", false)}
	users := map[string]*userJSON{}
	found := map[string]*tweetJSON{}
	for _, id := range ids {
		p, a, ok := c.s.world.Post(sim.Twitter, id)
		if !ok || !visible(p, a) {
			continue
		}
		uo := o
		if !o.trimUser {
			if users[a.ID] == nil {
				users[a.ID] = c.user(a, userOpts{})
			}
			uo.user = users[a.ID]
		}
		found[id] = c.tweet(p, a, uo)
	}
	if c.flag("map", false) {
		m := map[string]*tweetJSON{}
		for _, id := range ids {
			m[id] = found[id] // nil → null
		}
		return ok(map[string]any{"id": m})
	}
	out := make([]*tweetJSON, 0, len(found))
	for _, t := range found {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return ok(out)
}

func (c *call) statusesShow() reply {
	id := c.q.Get("id")
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return apiError(http.StatusNotFound, 144, "No status found with that ID.")
	}
	p, a, found := c.s.world.Post(sim.Twitter, id)
	switch {
	case !found || p.State == sim.Removed || a.State == sim.Deleted || a.ID == "":
		return apiError(http.StatusNotFound, 144, "No status found with that ID.")
	case a.State == sim.Suspended:
		return apiError(http.StatusForbidden, 63, "User has been suspended.")
	case a.State == sim.Protected:
		return apiError(http.StatusForbidden, 179, "Sorry, you are not authorized to see this status.")
	}
	return ok(c.tweet(p, a, tweetOpts{extended: c.extended(), trimUser: c.flag("trim_user", false)}))
}

// --- search --------------------------------------------------------------

type searchMetadata struct {
	CompletedIn float64 `json:"completed_in"`
	MaxID       int64   `json:"max_id"`
	MaxIDStr    string  `json:"max_id_str"`
	NextResults string  `json:"next_results,omitempty"`
	Query       string  `json:"query"`
	RefreshURL  string  `json:"refresh_url"`
	Count       int     `json:"count"`
	SinceID     int64   `json:"since_id"`
	SinceIDStr  string  `json:"since_id_str"`
}

// searchTweets serves search/tweets over the recent window. next_results
// carries max_id, q, count and include_entities but not tweet_mode, as on
// the API: a client that follows it verbatim loses full_text.
func (c *call) searchTweets() reply {
	q := c.q.Get("q")
	if strings.TrimSpace(q) == "" {
		return apiError(http.StatusBadRequest, 25, "Query parameters are missing.")
	}
	count := c.intParam("count", 15, 1, 100)
	maxID, sinceID := c.int64Param("max_id"), c.int64Param("since_id")
	matches := c.s.search(q)
	o := tweetOpts{extended: c.extended()}
	users := map[string]*userJSON{}
	statuses := make([]*tweetJSON, 0, count)
	var last int64
	more := false
	for _, id := range matches {
		if maxID > 0 && id > maxID {
			continue
		}
		if sinceID > 0 && id <= sinceID {
			break
		}
		if len(statuses) == count {
			more = true
			break
		}
		p, a, ok := c.s.world.Post(sim.Twitter, strconv.FormatInt(id, 10))
		if !ok || !visible(p, a) {
			continue
		}
		if users[a.ID] == nil {
			users[a.ID] = c.user(a, userOpts{})
		}
		uo := o
		uo.user = users[a.ID]
		statuses = append(statuses, c.tweet(p, a, uo))
		last = id
	}
	md := searchMetadata{CompletedIn: 0.021, MaxID: maxID, MaxIDStr: strconv.FormatInt(maxID, 10), Query: url.QueryEscape(q),
		Count: count, SinceID: sinceID, SinceIDStr: strconv.FormatInt(sinceID, 10)}
	if len(statuses) > 0 {
		md.RefreshURL = "?since_id=" + statuses[0].IDStr + "&q=" + url.QueryEscape(q) + "&include_entities=1"
	}
	if more {
		md.NextResults = "?max_id=" + strconv.FormatInt(last-1, 10) + "&q=" + url.QueryEscape(q) + "&count=" + strconv.Itoa(count) + "&include_entities=1"
	}
	return ok(struct {
		Statuses []*tweetJSON   `json:"statuses"`
		Metadata searchMetadata `json:"search_metadata"`
	}{statuses, md})
}

// search returns the ids of visible recent tweets matching q, newest first.
// Terms are ANDed; "OR" between terms makes alternatives; "#tag" matches a
// hashtag, other terms match words of the text, case-insensitively.
func (s *Server) search(q string) []int64 {
	now := s.world.Now()
	key := q + "\x00" + now.String()
	s.searchMu.Lock()
	if ids, ok := s.searchCache[key]; ok {
		s.searchMu.Unlock()
		return ids
	}
	s.searchMu.Unlock()
	groups := parseQuery(q)
	from := now.Add(-s.opt.SearchWindow)
	var ids []int64
	for _, a := range s.world.Accounts(sim.Twitter) {
		if a.State != sim.Active {
			continue
		}
		for _, p := range s.world.Timeline(sim.Twitter, a.ID) {
			if p.Created.Before(from) {
				break
			}
			if p.State != sim.Removed && p.Created.Before(now.Add(time.Second)) && matchesPost(p, groups) {
				ids = append(ids, numID(p.ID))
			}
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
	s.searchMu.Lock()
	if len(s.searchCache) > 256 {
		clear(s.searchCache)
	}
	s.searchCache[key] = ids
	s.searchMu.Unlock()
	return ids
}

// parseQuery splits a search into OR-groups of ANDed lower-case terms.
func parseQuery(q string) [][]string {
	var groups [][]string
	var cur []string
	for _, f := range strings.Fields(q) {
		if f == "OR" {
			if len(cur) > 0 {
				groups = append(groups, cur)
			}
			cur = nil
			continue
		}
		cur = append(cur, strings.ToLower(strings.Trim(f, `"`)))
	}
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

func matchesPost(p sim.Post, groups [][]string) bool {
	text := strings.ToLower(p.CurrentText() + "\n" + p.RepostText)
	for _, g := range groups {
		all := true
		for _, term := range g {
			if strings.HasPrefix(term, "#") {
				tag := term[1:]
				hit := false
				for _, h := range p.Hashtags {
					hit = hit || strings.EqualFold(strings.TrimPrefix(h, "#"), tag)
				}
				if !hit && !strings.Contains(text, term) {
					all = false
				}
			} else if !strings.Contains(text, term) {
				all = false
			}
		}
		if all {
			return true
		}
	}
	return false
}

// --- rate limits ---------------------------------------------------------

func (c *call) rateLimitStatus() reply {
	families := splitList(c.q.Get("resources"))
	if len(families) == 0 {
		seen := map[string]bool{}
		for ep := range DefaultLimits {
			fam, _, _ := strings.Cut(ep, "/")
			if !seen[fam] {
				seen[fam] = true
				families = append(families, fam)
			}
		}
	}
	res := map[string]map[string]any{}
	for _, fam := range families {
		for ep := range DefaultLimits {
			if f, _, _ := strings.Cut(ep, "/"); f != fam {
				continue
			}
			st := c.s.peek(c.identity, ep, c.now)
			if res[fam] == nil {
				res[fam] = map[string]any{}
			}
			path := "/" + ep
			if ep == "users/show" || ep == "statuses/show" {
				path += "/:id"
			}
			res[fam][path] = map[string]int64{"limit": int64(st.limit), "remaining": int64(max(st.remaining, 0)), "reset": st.reset.Add(c.s.faultsCopy().Skew).Unix()}
		}
	}
	ctx := map[string]string{"application": "app-only"}
	if c.userCtx {
		ctx = map[string]string{"access_token": "user-context"}
	}
	return ok(map[string]any{"rate_limit_context": ctx, "resources": res})
}
