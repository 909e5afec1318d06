package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
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
	Anchor                      string
	ReferralID                  string
	// Text is the start of the post as the queue shows it (at most
	// queueText bytes), kept here so a queue page reads nothing from disk.
	Text   string
	Cut    bool
	Repost bool
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
	counts    []stateCount // in workflow order
	// byState holds the positions in items of each state's flags, so the
	// usual one-state queue scans only its own.
	byState map[store.FlagState][]int
	all     []int
	// rendered caches each item's static row HTML, filled on first view.
	rendered []atomic.Pointer[template.HTML]
	// pos finds an item by post.
	pos map[store.PostKey]int
}

// queueCache rebuilds the index when the store has changed since it was
// built. Reads are lock-free; one rebuild runs at a time.
type queueCache struct {
	db  *store.DB
	mu  sync.Mutex
	cur atomic.Pointer[qIndex]
	// builds and patches count full rebuilds and patches (for tests).
	builds, patches int
}

// stats returns the number of rebuilds and patches so far.
func (c *queueCache) stats() (builds, patches int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.builds, c.patches
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
	err = c.db.Flags("", func(f store.Flag) error {
		idx.items = append(idx.items, itemOf(f))
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range idx.items {
		it := &idx.items[i]
		it.Anchor = anchor(it.Platform, it.PostID)
		p, err := c.db.Post(it.Platform, it.PostID)
		if errors.Is(err, store.ErrNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		it.Handle = p.Profile.Handle
		it.Text, it.Cut = cutText(p.Text, queueText)
		it.Repost = p.Repost
		if !p.Created.IsZero() {
			it.Posted = p.Created
		}
	}
	idx.finish(true, nil)
	c.cur.Store(idx)
	c.builds++
	return idx, nil
}

// itemOf is the index entry for a flag, without what comes from its post.
func itemOf(f store.Flag) qItem {
	it := qItem{Platform: f.Platform, PostID: f.PostID, ProfileID: f.ProfileID, State: f.State, Force: f.Force,
		Cats: f.Final(), Scores: f.Scores, Evidence: f.Evidence, Posted: f.Created, ReferralID: f.ReferralID}
	for _, cat := range it.Cats {
		it.Score = max(it.Score, f.Scores[cat])
	}
	return it
}

// finish sorts the items (when asked) and builds the lookups over them.
// old, when given, is the index this one was patched from with the same
// order: its rendered rows are kept except for the changed positions.
func (idx *qIndex) finish(resort bool, old *qIndex, changed ...int) {
	if resort {
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
	}
	forces, platforms := map[string]bool{}, map[string]bool{}
	idx.byState = map[store.FlagState][]int{}
	idx.pos = make(map[store.PostKey]int, len(idx.items))
	idx.rendered = make([]atomic.Pointer[template.HTML], len(idx.items))
	idx.all = make([]int, len(idx.items))
	for i := range idx.items {
		it := &idx.items[i]
		idx.all[i] = i
		idx.byState[it.State] = append(idx.byState[it.State], i)
		idx.pos[store.PostKey{Platform: it.Platform, PostID: it.PostID}] = i
		forces[it.Force], platforms[it.Platform] = true, true
		if old != nil && !resort {
			if h := old.rendered[i].Load(); h != nil {
				idx.rendered[i].Store(h)
			}
		}
	}
	for _, i := range changed {
		idx.rendered[i].Store(nil)
	}
	idx.forces, idx.platforms = sortedKeys(forces), sortedKeys(platforms)
	idx.counts = idx.counts[:0]
	for _, st := range store.FlagStates {
		idx.counts = append(idx.counts, stateCount{string(st), len(idx.byState[st])})
	}
}

// patch brings the index up to date after a write this server made, when
// that write is the only one since the index was built: before and after
// are the store versions around it, flags the flags it changed. Rebuilding
// 10,000 flags from the file takes a good fraction of a second, and the
// reviewer who just decided is waiting for the next page; a patch is a
// copy of the index with those flags replaced. If anything else was
// written in between, the versions do not line up and the next get
// rebuilds as usual.
func (c *queueCache) patch(before, after uint64, flags ...store.Flag) {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.cur.Load()
	if old == nil || old.version != before || after != before+1 {
		return
	}
	idx := &qIndex{version: after, items: make([]qItem, len(old.items))}
	copy(idx.items, old.items)
	resort := false
	var changed []int
	for _, f := range flags {
		i, ok := old.pos[store.PostKey{Platform: f.Platform, PostID: f.PostID}]
		if !ok {
			return // a flag the index does not have: rebuild
		}
		it := itemOf(f)
		prev := &idx.items[i]
		it.Anchor, it.Handle, it.Text, it.Cut, it.Repost, it.Posted = prev.Anchor, prev.Handle, prev.Text, prev.Cut, prev.Repost, prev.Posted
		resort = resort || it.Score != prev.Score
		*prev = it
		changed = append(changed, i)
	}
	idx.finish(resort, old, changed...)
	c.cur.Store(idx)
	c.patches++
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

// queueRow is one flag on a queue page: Static is the part that depends
// only on the flag (rendered once per index from row.tmpl, see qIndex.static), the rest
// depends on the request.
type queueRow struct {
	Anchor     string
	Ref        string // PLATFORM/ID, as the forms submit it
	Return     string
	Static     template.HTML
	Decided    bool // no longer new: the decision form is hidden
	ReferralID string
}

// rowView is what the row template renders for one flag.
type rowView struct {
	Label      string
	URL        string
	ProfileURL string
	Handle     string
	Force      string
	Date       string
	State      store.FlagState
	Cats       []catLabel
	Text       template.HTML
	Cut        bool
	Repost     bool
}

type catLabel struct{ Class, Text string }

// static returns the flag's rendered meta line and text. It is rendered
// with html/template on first use and kept for the life of the index:
// rendering fifty rows' worth of escaped fields per request was most of
// the queue page's cost, and an index lives until the store changes.
func (idx *qIndex) static(t *template.Template, i int) (template.HTML, error) {
	if h := idx.rendered[i].Load(); h != nil {
		return *h, nil
	}
	it := &idx.items[i]
	v := rowView{Label: clean(it.Platform + "/" + short(it.PostID, 40)), URL: postURL(it.Platform, it.PostID),
		Handle: clean(short(it.Handle, 40)), Force: clean(it.Force), Date: it.Posted.UTC().Format("2006-01-02"),
		State: it.State, Text: HTML(Highlight(it.Text, it.Evidence)), Cut: it.Cut, Repost: it.Repost}
	if it.Handle != "" {
		v.ProfileURL = profileURL(it.Platform, it.ProfileID)
	}
	for _, c := range it.Cats {
		v.Cats = append(v.Cats, catLabel{Class: catClass(c), Text: clean(c) + " " + strconv.FormatFloat(it.Scores[c], 'f', 2, 64)})
	}
	var b strings.Builder
	if err := t.Execute(&b, v); err != nil {
		return "", err
	}
	h := template.HTML(b.String())
	idx.rendered[i].Store(&h)
	return h, nil
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
	States    []stateCount
}

type stateCount struct {
	State string
	N     int
}

// queueText is how much of a post the queue shows; the post page has all.
const queueText = 1200

func (s *Server) queuePage(w http.ResponseWriter, r *http.Request, ss session) {
	idx, err := s.queue.get()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	d := queueData{Forces: idx.forces, Platforms: idx.platforms, States: idx.counts}
	f, err := parseFilter(r.URL.Query())
	d.F = f
	if err != nil {
		d.Error = err.Error()
		s.render(w, r, ss, http.StatusBadRequest, "queue", "Review queue", d)
		return
	}
	cand := idx.byState[store.FlagState(f.State)]
	if f.State == "all" {
		cand = idx.all
	}
	// The index is in score order, so for the default sort only the page's
	// window is collected; the other sorts need every match.
	byDate := f.Sort == "newest" || f.Sort == "oldest"
	var matched, page []int
	collect := func(lo int) {
		matched, page, d.Total = nil, nil, 0
		for _, i := range cand {
			if !f.match(&idx.items[i]) {
				continue
			}
			if byDate {
				matched = append(matched, i)
			} else if d.Total >= lo && d.Total < lo+pageSize {
				page = append(page, i)
			}
			d.Total++
		}
	}
	collect((f.Page - 1) * pageSize)
	d.Pages = max(1, (d.Total+pageSize-1)/pageSize)
	d.Page = min(f.Page, d.Pages)
	lo := (d.Page - 1) * pageSize
	switch {
	case byDate:
		sort.SliceStable(matched, func(i, j int) bool {
			a, b := idx.items[matched[i]].Posted, idx.items[matched[j]].Posted
			if f.Sort == "newest" {
				return a.After(b)
			}
			return a.Before(b)
		})
		page = matched[lo:min(lo+pageSize, d.Total)]
	case d.Page != f.Page:
		collect(lo) // asked for a page past the end: show the last one
	}
	if d.Page > 1 {
		d.PrevURL = "/queue?" + f.query(d.Page-1)
	}
	if d.Page < d.Pages {
		d.NextURL = "/queue?" + f.query(d.Page+1)
	}
	d.Rows = make([]queueRow, 0, len(page))
	here := "/queue?" + f.query(d.Page)
	for n, i := range page {
		it := &idx.items[i]
		static, err := idx.static(s.tmpl.row, i)
		if err != nil {
			s.fail(w, r, ss, err)
			return
		}
		row := queueRow{Anchor: it.Anchor, Ref: it.Platform + "/" + it.PostID, Static: static,
			Decided: it.State != store.FlagNew, ReferralID: it.ReferralID}
		// After a decision the browser comes back to the next flag (or the
		// previous one at the end of the page).
		switch {
		case n+1 < len(page):
			row.Return = here + "#" + idx.items[page[n+1]].Anchor
		case n > 0:
			row.Return = here + "#" + idx.items[page[n-1]].Anchor
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
	if !ok || platform == "" || id == "" {
		s.errorPage(w, r, ss, http.StatusBadRequest, "post: want PLATFORM/ID.")
		return
	}
	back := localPath(r.PostFormValue("return"), postURL(platform, id))
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
	before, err := s.db.Version()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	f, err := s.db.Review(store.Review{Platform: platform, PostID: id, Reviewer: ss.User, Decision: d,
		Reason: reason, Categories: cats, Note: note})
	if err == nil {
		if after, verr := s.db.Version(); verr == nil {
			s.queue.patch(before, after, f)
		}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		bad(fmt.Sprintf("There is no flagged post %s.", short(ref, 80)))
		return
	case errors.Is(err, store.ErrBadState):
		referral := "a referral"
		if refID, rerr := s.db.ReferralOf(platform, id); rerr == nil && refID != "" {
			referral = refID
		}
		bad(fmt.Sprintf("Post %s is already referred in %s; only notes can be added.", short(ref, 80), referral))
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
