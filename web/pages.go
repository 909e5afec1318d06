package web

import (
	"errors"
	"html/template"
	"net/http"
	"sort"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/report"
	"github.com/psd-tools/exposure/store"
)

type forceCount struct {
	Force     string
	Referrals int
	Posts     int
}

type dashData struct {
	Counts    map[string]int
	Waiting   int
	Sweep     *store.Sweep
	Sweeps    int
	ByForce   []forceCount
	Referrals int
	Jobs      []JobStatus
	// Platforms and CatRows lay out the latest sweep's flags by category
	// and platform, in report order.
	Platforms []string
	CatRows   []catRow
	// Survival is the visibility report's overall curve (empty before the
	// first referral); Still is the share still visible at each horizon.
	Survival template.HTML
	Still    []string
	Horizons []int
}

type catRow struct {
	Category string
	N        int
	ByPlat   []int
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request, ss session) {
	d := dashData{Counts: map[string]int{}}
	counts, err := s.db.CountFlags()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	for st, n := range counts {
		d.Counts[string(st)] = n
	}
	d.Waiting = counts[store.FlagNew]
	sweeps, err := s.db.Sweeps()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	d.Sweeps = len(sweeps)
	if len(sweeps) > 0 {
		d.Sweep = &sweeps[len(sweeps)-1]
		sum := d.Sweep.Summary
		for p := range sum.FlaggedByPlatform {
			d.Platforms = append(d.Platforms, p)
		}
		sort.Strings(d.Platforms)
		for _, c := range categoryNames() {
			row := catRow{Category: c, N: sum.FlaggedByCategory[c]}
			for _, p := range d.Platforms {
				row.ByPlat = append(row.ByPlat, sum.FlaggedCatPlat[c][p])
			}
			d.CatRows = append(d.CatRows, row)
		}
	}
	by := map[string]*forceCount{}
	err = s.db.Referrals(func(ref store.Referral) error {
		fc := by[ref.Force]
		if fc == nil {
			fc = &forceCount{Force: ref.Force}
			by[ref.Force] = fc
		}
		fc.Referrals++
		fc.Posts += len(ref.Posts)
		d.Referrals++
		return nil
	})
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	for _, fc := range by {
		d.ByForce = append(d.ByForce, *fc)
	}
	sort.Slice(d.ByForce, func(i, j int) bool {
		if d.ByForce[i].Posts != d.ByForce[j].Posts {
			return d.ByForce[i].Posts > d.ByForce[j].Posts
		}
		return d.ByForce[i].Force < d.ByForce[j].Force
	})
	d.Jobs = s.jobs.statuses()
	rp, err := s.report()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	if v := rp.Visibility; v != nil && v.Overall.Referred > 0 {
		if d.Survival, err = report.SurvivalChart(v.Overall, v.Horizons, axisDays(v), 640, 260); err != nil {
			s.fail(w, r, ss, err)
			return
		}
		d.Horizons = v.Horizons
		for _, e := range v.Overall.At {
			d.Still = append(d.Still, estimateText(e))
		}
	}
	s.render(w, r, ss, http.StatusOK, "dashboard", "Dashboard", d)
}

type postData struct {
	Post     store.Post
	Flag     store.Flag
	Text     []Segment
	Repost   []Segment
	Live     string
	Profile  *store.Profile
	Reviews  []store.Review
	Checks   []store.Check
	Scores   []catScore
	Evidence []evidenceRow
	Return   string
	// Next is the next new flag in the queue's order; a decision made
	// here goes on to it.
	Next      string
	CanDecide bool
}

// evidenceRow is one evidence span as the offsets select it from the
// captured text; Differs flags a span whose recorded text is not what its
// offsets point at (a corrupt or hand-edited record).
type evidenceRow struct {
	Span    store.Span
	Text    []Piece
	Valid   bool
	Differs bool
}

func evidenceRows(text string, spans []store.Span) []evidenceRow {
	var out []evidenceRow
	for _, sp := range spans {
		row := evidenceRow{Span: sp}
		if sp.Start >= 0 && sp.End <= len(text) && sp.Start < sp.End {
			got := text[sp.Start:sp.End]
			row.Valid, row.Text, row.Differs = true, pieces(got), sp.Text != "" && sp.Text != got
		}
		out = append(out, row)
	}
	return out
}

type catScore struct {
	Category string
	Score    float64
	Flagged  bool
	Final    bool
}

func (s *Server) postPage(w http.ResponseWriter, r *http.Request, ss session) {
	platform, id := r.PathValue("platform"), r.PathValue("id")
	f, err := s.db.Flag(platform, id)
	if errors.Is(err, store.ErrNotFound) {
		s.errorPage(w, r, ss, http.StatusNotFound, "There is no flagged post with this address.")
		return
	} else if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	p, err := s.db.Post(platform, id)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, ss, err)
		return
	}
	d := postData{Post: p, Flag: f, Text: Highlight(p.Text, f.Evidence), Evidence: evidenceRows(p.Text, f.Evidence), Live: liveURL(p.URL),
		Return: postURL(platform, id), CanDecide: f.State != store.FlagReferred}
	if idx, err := s.queue.get(); err == nil {
		if i, ok := idx.pos[store.PostKey{Platform: platform, PostID: id}]; ok {
			news := idx.byState[store.FlagNew]
			at := sort.SearchInts(news, i)
			if at < len(news) && news[at] == i {
				at++
			}
			if at < len(news) {
				n := &idx.items[news[at]]
				d.Next = postURL(n.Platform, n.PostID)
			}
		}
	}
	if p.Repost && p.RepostText != "" {
		d.Repost = Highlight(p.RepostText, nil)
	}
	if prof, err := s.db.Profile(platform, f.ProfileID); err == nil {
		d.Profile = &prof
	} else if !errors.Is(err, store.ErrNotFound) {
		s.fail(w, r, ss, err)
		return
	}
	if d.Reviews, err = s.db.Reviews(platform, id); err != nil {
		s.fail(w, r, ss, err)
		return
	}
	if d.Checks, err = s.db.Checks(platform, id); err != nil {
		s.fail(w, r, ss, err)
		return
	}
	final := map[string]bool{}
	for _, c := range f.Final() {
		final[c] = true
	}
	flagged := map[string]bool{}
	for _, c := range f.Categories {
		flagged[c] = true
	}
	for _, c := range categoryNames() {
		d.Scores = append(d.Scores, catScore{Category: c, Score: f.Scores[c], Flagged: flagged[c], Final: final[c]})
	}
	s.render(w, r, ss, http.StatusOK, "post", "Post "+short(platform+"/"+id, 60), d)
}

type profilePost struct {
	Post   store.Post
	Flag   *store.Flag
	Text   []Segment
	Checks []store.Check
}

type profileData struct {
	Profile store.Profile
	Found   bool
	Posts   []profilePost
}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request, ss session) {
	platform, id := r.PathValue("platform"), r.PathValue("id")
	var d profileData
	prof, err := s.db.Profile(platform, id)
	switch {
	case err == nil:
		d.Profile, d.Found = prof, true
	case errors.Is(err, store.ErrNotFound):
		d.Profile = store.Profile{Platform: platform, ID: id}
	default:
		s.fail(w, r, ss, err)
		return
	}
	err = s.db.PostsByProfile(platform, id, func(p store.Post) error {
		pp := profilePost{Post: p}
		f, err := s.db.Flag(p.Platform, p.ID)
		if err == nil {
			pp.Flag = &f
			pp.Text = Highlight(p.Text, f.Evidence)
		} else if errors.Is(err, store.ErrNotFound) {
			pp.Text = Highlight(p.Text, nil)
		} else {
			return err
		}
		if pp.Checks, err = s.db.Checks(p.Platform, p.ID); err != nil {
			return err
		}
		d.Posts = append(d.Posts, pp)
		return nil
	})
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	if !d.Found && len(d.Posts) == 0 {
		s.errorPage(w, r, ss, http.StatusNotFound, "There is no stored profile with this address.")
		return
	}
	sort.SliceStable(d.Posts, func(i, j int) bool { return d.Posts[i].Post.Created.After(d.Posts[j].Post.Created) })
	title := "Profile " + short(platform+"/"+id, 60)
	if d.Profile.Handle != "" {
		title = "@" + short(d.Profile.Handle, 40)
	}
	s.render(w, r, ss, http.StatusOK, "profile", title, d)
}

func categoryNames() []string {
	out := make([]string, len(classify.Categories))
	for i, c := range classify.Categories {
		out[i] = string(c)
	}
	return out
}
