package web

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/psd-tools/exposure/report"
)

// reportCache keeps the report page: building it reads every referred
// post and its checks (about two seconds on the demo's 6,700 referrals),
// too slow to repeat for each dashboard view. A cached page is used while
// the store is unchanged, and for up to reportMaxAge after a change made
// elsewhere (a recheck job), so a busy store does not rebuild it on every
// view; the server's own referrals and purges drop it at once (stale).
type reportCache struct {
	mu      sync.Mutex
	version uint64
	built   time.Time
	page    report.Page
	ok      bool
}

const reportMaxAge = time.Minute

// stale drops the cached report after a change it must show at once.
func (c *reportCache) stale() {
	c.mu.Lock()
	c.ok = false
	c.mu.Unlock()
}

// report returns the visibility report page as of now.
func (s *Server) report() (report.Page, error) {
	v, err := s.db.Version()
	if err != nil {
		return report.Page{}, err
	}
	c := &s.reports
	c.mu.Lock()
	defer c.mu.Unlock()
	now := s.now()
	if c.ok && (c.version == v || now.Sub(c.built) < reportMaxAge) {
		return c.page, nil
	}
	p, err := report.FromStore(s.db, time.Time{}, s.opt.Report)
	if err != nil {
		return report.Page{}, err
	}
	c.version, c.built, c.page, c.ok = v, now, p, true
	return p, nil
}

type reportRow struct {
	Kind, Name string
	Referred   int
	Removed    int
	Cells      []string
	Median     string
}

type chartView struct {
	Name string
	SVG  template.HTML
}

type reportData struct {
	Empty      bool
	At         time.Time
	Referred   int
	Confidence string
	Horizons   []int
	Overall    template.HTML
	Categories []chartView
	Instances  template.HTML
	Rows       []reportRow
	Unverified int
}

// reportView lays the report out for the page: the overall curve, a chart
// per category, and the share still visible at each horizon for every
// group. The numbers and charts are the report package's.
func reportView(p report.Page) (reportData, error) {
	var d reportData
	r := p.Visibility
	if r == nil || r.Overall.Referred == 0 {
		d.Empty = true
		return d, nil
	}
	d.At, d.Referred, d.Horizons = r.At, r.Overall.Referred, r.Horizons
	d.Confidence = fmt.Sprintf("%.0f%%", 100*r.Confidence)
	d.Unverified = len(r.CannotVerify)
	maxDays := axisDays(r)
	var err error
	if d.Overall, err = report.SurvivalChart(r.Overall, r.Horizons, maxDays, 720, 300); err != nil {
		return d, err
	}
	for _, g := range r.ByCategory {
		svg, err := report.SurvivalChart(g, r.Horizons, maxDays, 350, 210)
		if err != nil {
			return d, err
		}
		d.Categories = append(d.Categories, chartView{Name: g.Name, SVG: svg})
	}
	if p.Instances != nil {
		if d.Instances, err = report.InstancesChart(*p.Instances, 720); err != nil {
			return d, err
		}
	}
	add := func(kind string, g report.Group) {
		row := reportRow{Kind: kind, Name: g.Name, Referred: g.Referred, Removed: g.Removed, Median: medianText(g.Median)}
		if kind == "force" && (g.Name == "" || g.Name == "unknown") {
			row.Name = "(force unknown)"
		}
		for _, e := range g.At {
			row.Cells = append(row.Cells, estimateText(e))
		}
		d.Rows = append(d.Rows, row)
	}
	add("overall", r.Overall)
	for _, g := range r.ByCategory {
		add("category", g)
	}
	for _, g := range r.ByForce {
		add("force", g)
	}
	return d, nil
}

// axisDays is one x axis for every chart, so curves compare: at least a
// year, or the last horizon, or the longest follow-up, rounded up to a
// whole month.
func axisDays(r *report.Result) float64 {
	months := 12
	for _, h := range r.Horizons {
		months = max(months, h)
	}
	d := math.Max(report.HorizonDays(months), r.Overall.Curve.End)
	month := 365.0 / 12
	return math.Ceil(d/month-1e-9) * month
}

// estimateText is "76.2% (70.1–81.4)", or "–" when no post has been
// followed that long.
func estimateText(e report.Estimate) string {
	if !e.Reached {
		return "–"
	}
	s := fmt.Sprintf("%.1f%%", 100*e.S)
	if e.CI {
		s += fmt.Sprintf(" (%.1f–%.1f)", 100*e.Lower, 100*e.Upper)
	}
	return s
}

func medianText(m report.Median) string {
	if !m.Reached {
		return "not reached"
	}
	return fmt.Sprintf("%.0f days", m.Days)
}

func (s *Server) reportPage(w http.ResponseWriter, r *http.Request, ss session) {
	p, err := s.report()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	d, err := reportView(p)
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	s.render(w, r, ss, http.StatusOK, "report", "Visibility report", d)
}

// printCSP is the policy of the printable report: the report package's
// self-contained page carries its CSS inline, so inline style is allowed
// there, and nothing else (no script at all, no fetches, no forms).
const printCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// reportPrint serves the report package's printable, self-contained page
// (the same document 'exposure report --format html' writes).
func (s *Server) reportPrint(w http.ResponseWriter, r *http.Request, ss session) {
	p, err := s.report()
	if err != nil {
		s.fail(w, r, ss, err)
		return
	}
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer bufs.Put(buf)
	if err := report.WriteHTML(buf, p); err != nil {
		s.fail(w, r, ss, err)
		return
	}
	w.Header().Set("Content-Security-Policy", printCSP)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = w.Write(buf.Bytes())
}
