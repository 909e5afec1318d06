package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/store"
)

// qItem is one flag as the queue needs it, without the post text.
type qItem struct {
	Platform, PostID, ProfileID string
	State                       store.FlagState
	Force                       string
	Cats                        []string
	Scores                      map[string]float64
	Score                       float64
	Evidence                    []store.Span
	Posted                      time.Time
	Handle                      string
	ReferralID                  string
}

// qIndex is every flag in memory, highest score first, valid for one
// store version. With 10,000 flags, filtering it is a few microseconds,
// where decoding the flags from the file on every request would take tens
// of milliseconds.
type qIndex struct {
	version   uint64
	items     []qItem
	forces    []string
	platforms []string
}

// queueCache rebuilds the index when the store has changed since it was
// built. Reads are lock-free; one rebuild runs at a time.
type queueCache struct {
	db  *store.DB
	mu  sync.Mutex
	cur atomic.Pointer[qIndex]
}

func (c *queueCache) get() (*qIndex, error) {
	v, err := c.db.Version()
	if err != nil {
		return nil, err
	}
	if idx := c.cur.Load(); idx != nil && idx.version == v {
		return idx, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Another request may have rebuilt it while we waited.
	if v, err = c.db.Version(); err != nil {
		return nil, err
	}
	if idx := c.cur.Load(); idx != nil && idx.version == v {
		return idx, nil
	}
	// The version is read before the data: if a write lands in between,
	// the index is newer than its label and is merely rebuilt once more.
	idx := &qIndex{version: v}
	forces, platforms := map[string]bool{}, map[string]bool{}
	err = c.db.Flags("", func(f store.Flag) error {
		it := qItem{Platform: f.Platform, PostID: f.PostID, ProfileID: f.ProfileID, State: f.State, Force: f.Force,
			Cats: f.Final(), Scores: f.Scores, Evidence: f.Evidence, Posted: f.Created, ReferralID: f.ReferralID}
		for _, cat := range it.Cats {
			it.Score = max(it.Score, f.Scores[cat])
		}
		idx.items = append(idx.items, it)
		forces[f.Force] = true
		platforms[f.Platform] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range idx.items {
		it := &idx.items[i]
		p, err := c.db.Post(it.Platform, it.PostID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		it.Handle = p.Profile.Handle
		if !p.Created.IsZero() {
			it.Posted = p.Created
		}
	}
	sort.SliceStable(idx.items, func(i, j int) bool {
		a, b := &idx.items[i], &idx.items[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if !a.Posted.Equal(b.Posted) {
			return a.Posted.After(b.Posted)
		}
		if a.Platform != b.Platform {
			return a.Platform < b.Platform
		}
		return a.PostID < b.PostID
	})
	idx.forces, idx.platforms = sortedKeys(forces), sortedKeys(platforms)
	c.cur.Store(idx)
	return idx, nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// queueFilter is the queue's query string.
type queueFilter struct {
	State    string
	Force    string
	Category string
	Platform string
	MinScore string
	From, To string
	Sort     string
	Page     int

	minScore float64
	from, to time.Time
}

// pageSize is how many flags a queue page shows.
const pageSize = 50

// parseFilter reads and checks the query; errors name the field.
func parseFilter(q url.Values) (queueFilter, error) {
	f := queueFilter{State: q.Get("state"), Force: q.Get("force"), Category: q.Get("category"),
		Platform: q.Get("platform"), MinScore: strings.TrimSpace(q.Get("min")), From: q.Get("from"), To: q.Get("to"),
		Sort: q.Get("sort"), Page: 1}
	if f.State == "" {
		f.State = string(store.FlagNew)
	}
	if f.State != "all" && !store.FlagState(f.State).Valid() {
		return f, fmt.Errorf("state %q: want new, confirmed, dismissed, referred or all", short(f.State, 40))
	}
	if f.Category != "" && !classify.Category(f.Category).Valid() {
		return f, fmt.Errorf("category %q: want offensive, procedure, negativity or political", short(f.Category, 40))
	}
	if f.MinScore != "" {
		v, err := strconv.ParseFloat(f.MinScore, 64)
		if err != nil || v < 0 || v > 1 {
			return f, fmt.Errorf("minimum score %q: want a number from 0 to 1", short(f.MinScore, 40))
		}
		f.minScore = v
	}
	var err error
	if f.From != "" {
		if f.from, err = time.Parse("2006-01-02", f.From); err != nil {
			return f, fmt.Errorf("from %q: want a date as YYYY-MM-DD", short(f.From, 40))
		}
	}
	if f.To != "" {
		if f.to, err = time.Parse("2006-01-02", f.To); err != nil {
			return f, fmt.Errorf("to %q: want a date as YYYY-MM-DD", short(f.To, 40))
		}
		f.to = f.to.Add(24 * time.Hour) // inclusive of the whole day
	}
	switch f.Sort {
	case "", "score", "newest", "oldest":
	default:
		return f, fmt.Errorf("sort %q: want score, newest or oldest", short(f.Sort, 40))
	}
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return f, fmt.Errorf("page %q: want a page number from 1", short(p, 40))
		}
		f.Page = n
	}
	return f, nil
}

func (f *queueFilter) match(it *qItem) bool {
	switch {
	case f.State != "all" && string(it.State) != f.State,
		f.Force != "" && it.Force != f.Force,
		f.Platform != "" && it.Platform != f.Platform,
		f.minScore > 0 && it.Score < f.minScore,
		!f.from.IsZero() && it.Posted.Before(f.from),
		!f.to.IsZero() && !it.Posted.Before(f.to):
		return false
	}
	if f.Category != "" {
		for _, c := range it.Cats {
			if c == f.Category {
				return true
			}
		}
		return false
	}
	return true
}

// query is the filter as a query string, on page p.
func (f queueFilter) query(p int) string {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("state", f.State)
	set("force", f.Force)
	set("category", f.Category)
	set("platform", f.Platform)
	set("min", f.MinScore)
	set("from", f.From)
	set("to", f.To)
	set("sort", f.Sort)
	if p > 1 {
		q.Set("page", strconv.Itoa(p))
	}
	return q.Encode()
}

// anchor is a stable element id for a post: its key is scraped and may hold
// anything, so it is hashed.
func anchor(platform, id string) string {
	h := sha256.Sum256([]byte(platform + "\x00" + id))
	return "p" + hex.EncodeToString(h[:6])
}

type queueRow struct {
	Item     *qItem
	Anchor   string
	Return   string
	Text     []Segment
	Cut      bool
	Repost   bool
	Decided  bool // no longer new: confirm/dismiss buttons are hidden
	Referred bool
}

type queueData struct {
	F         queueFilter
	Error     string
	Rows      []queueRow
	Total     int
	Page      int
	Pages     int
	PrevURL   string
	NextURL   string
	Forces    []string
	Platforms []string
	Counts    map[store.FlagState]int
}

// queueText is how much of a post the queue shows; the post page has all.
const queueText = 1200

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, ss session) {
	idx, err := s.queue.get()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	d := queueData{Forces: idx.forces, Platforms: idx.platforms, Counts: map[store.FlagState]int{}}
	f, err := parseFilter(r.URL.Query())
	d.F = f
	if err != nil {
		d.Error = err.Error()
		s.render(w, r, ss, http.StatusBadRequest, "queue", "Review queue", d)
		return
	}
	var matched []*qItem
	for i := range idx.items {
		it := &idx.items[i]
		d.Counts[it.State]++
		if f.match(it) {
			matched = append(matched, it)
		}
	}
	switch f.Sort {
	case "newest":
		sort.SliceStable(matched, func(i, j int) bool { return matched[i].Posted.After(matched[j].Posted) })
	case "oldest":
		sort.SliceStable(matched, func(i, j int) bool { return matched[i].Posted.Before(matched[j].Posted) })
	}
	d.Total = len(matched)
	d.Pages = max(1, (d.Total+pageSize-1)/pageSize)
	d.Page = min(f.Page, d.Pages)
	lo := (d.Page - 1) * pageSize
	hi := min(lo+pageSize, d.Total)
	if d.Page > 1 {
		d.PrevURL = "/queue?" + f.query(d.Page-1)
	}
	if d.Page < d.Pages {
		d.NextURL = "/queue?" + f.query(d.Page+1)
	}
	page := matched[lo:hi]
	here := "/queue?" + f.query(d.Page)
	for i, it := range page {
		p, err := s.db.Post(it.Platform, it.PostID)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			s.fail(w, r, ss, err)
			return
		}
		text, cut := cutText(p.Text, queueText)
		row := queueRow{Item: it, Anchor: anchor(it.Platform, it.PostID), Text: Highlight(text, it.Evidence), Cut: cut,
			Repost: p.Repost, Decided: it.State != store.FlagNew, Referred: it.State == store.FlagReferred}
		// After a decision the browser comes back to the next flag (or the
		// previous one at the end of the page).
		switch {
		case i+1 < len(page):
			row.Return = here + "#" + anchor(page[i+1].Platform, page[i+1].PostID)
		case i > 0:
			row.Return = here + "#" + anchor(page[i-1].Platform, page[i-1].PostID)
		default:
			row.Return = here
		}
		d.Rows = append(d.Rows, row)
	}
	s.render(w, r, ss, http.StatusOK, "queue", "Review queue", d)
}

// cutText returns at most n bytes of s, cut on a character boundary.
func cutText(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// maxNote caps reasons and notes typed by reviewers.
const maxNote = 2000

// review records a reviewer decision from the queue or the post page.
func (s *Server) review(w http.ResponseWriter, r *http.Request, ss session) {
	ref := r.PostFormValue("post")
	platform, id, ok := strings.Cut(ref, "/")
	back := localPath(r.PostFormValue("return"), "/queue")
	if !ok || platform == "" || id == "" {
		s.errorPage(w, r, ss, http.StatusBadRequest, "post: want PLATFORM/ID.")
		return
	}
	if ok {
		back = localPath(r.PostFormValue("return"), postURL(platform, id))
	}
	d := store.Decision(r.PostFormValue("decision"))
	reason := strings.TrimSpace(r.PostFormValue("reason"))
	note := strings.TrimSpace(r.PostFormValue("note"))
	bad := func(msg string) { s.redirect(w, r, ss, back, flash{Msg: msg, Error: true}) }
	if utf8.RuneCountInString(reason) > maxNote || utf8.RuneCountInString(note) > maxNote {
		bad(fmt.Sprintf("Reasons and notes are limited to %d characters.", maxNote))
		return
	}
	var cats []string
	for _, c := range r.PostForm["categories"] {
		if !classify.Category(c).Valid() {
			bad(fmt.Sprintf("Category %q is not offensive, procedure, negativity or political.", short(c, 40)))
			return
		}
		cats = append(cats, c)
	}
	switch d {
	case store.Confirm:
	case store.Dismiss:
		if reason == "" {
			bad("A reason is required to dismiss a flag.")
			return
		}
	case store.Recategorise:
		if len(cats) == 0 {
			bad("Pick at least one category to re-categorise.")
			return
		}
	case store.AddNote:
		if note == "" {
			bad("The note is empty.")
			return
		}
	default:
		s.errorPage(w, r, ss, http.StatusBadRequest, "decision: want confirm, dismiss, recategorise or note.")
		return
	}
	f, err := s.db.Review(store.Review{Platform: platform, PostID: id, Reviewer: ss.User, Decision: d,
		Reason: reason, Categories: cats, Note: note})
	switch {
	case errors.Is(err, store.ErrNotFound):
		bad(fmt.Sprintf("There is no flagged post %s.", short(ref, 80)))
		return
	case errors.Is(err, store.ErrBadState):
		bad(fmt.Sprintf("Post %s is already referred in %s; only notes can be added.", short(ref, 80), f.ReferralID))
		return
	case err != nil:
		s.fail(w, r, ss, err)
		return
	}
	verb := map[store.Decision]string{store.Confirm: "Confirmed", store.Dismiss: "Dismissed",
		store.Recategorise: "Re-categorised", store.AddNote: "Noted"}[d]
	s.log.Debug().Str("user", ss.User).Str("post", ref).Str("decision", string(d)).Msg("review")
	s.redirect(w, r, ss, back, flash{Msg: verb + " " + short(ref, 80) + "."})
}
