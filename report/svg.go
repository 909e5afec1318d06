package report

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
)

// The charts are drawn here rather than with a charting library: two
// chart types (a step curve with a band, stacked bars) are a few hundred
// lines, and owning them means every label goes through html/template, the
// output has no scripts, fonts or external references, and the geometry is
// decimated so a curve over 100,000 posts stays a small file.

// chart is a drawing in SVG user units. svgTmpl renders it through
// html/template, so every string in it (force names included) is escaped.
type chart struct {
	W, H  int
	Title string
	Els   []el
}

// el is one SVG element. Only the fields its Tag uses are set. Fill and
// Class come from this file, never from the store.
type el struct {
	Tag                string // path, rect, line, text, circle
	D                  string
	X, Y, W, H, X2, Y2 string
	R                  string
	Class              string
	Fill               string
	Anchor             string // text-anchor
	Text               string
	Tip                string // <title> child: a tooltip on screen
}

var svgTmpl = template.Must(template.New("svg").Parse(
	`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.W}} {{.H}}" width="{{.W}}" height="{{.H}}" role="img" class="chart">` +
		`<title>{{.Title}}</title>` +
		`{{range .Els}}` +
		`{{if eq .Tag "path"}}<path d="{{.D}}" class="{{.Class}}"{{if .Fill}} fill="{{.Fill}}" stroke="{{.Fill}}"{{end}}/>` +
		`{{else if eq .Tag "rect"}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}" class="{{.Class}}"{{if .Fill}} fill="{{.Fill}}"{{end}}>{{if .Tip}}<title>{{.Tip}}</title>{{end}}</rect>` +
		`{{else if eq .Tag "line"}}<line x1="{{.X}}" y1="{{.Y}}" x2="{{.X2}}" y2="{{.Y2}}" class="{{.Class}}"/>` +
		`{{else if eq .Tag "circle"}}<circle cx="{{.X}}" cy="{{.Y}}" r="{{.R}}" class="{{.Class}}"{{if .Fill}} fill="{{.Fill}}"{{end}}>{{if .Tip}}<title>{{.Tip}}</title>{{end}}</circle>` +
		`{{else if eq .Tag "text"}}<text x="{{.X}}" y="{{.Y}}" class="{{.Class}}"{{if .Anchor}} text-anchor="{{.Anchor}}"{{end}}>{{.Text}}</text>` +
		`{{end}}{{end}}</svg>`))

func (c chart) render() (template.HTML, error) {
	// Control characters are not allowed in XML at all, and bidi overrides
	// would scramble a label: both become U+FFFD (html/template escapes
	// markup but passes them through).
	c.Title = clean(c.Title, 0)
	for i := range c.Els {
		c.Els[i].Text, c.Els[i].Tip = clean(c.Els[i].Text, 0), clean(c.Els[i].Tip, 0)
	}
	var b bytes.Buffer
	if err := svgTmpl.Execute(&b, c); err != nil {
		return "", fmt.Errorf("render chart %q: %w", c.Title, err)
	}
	// Safe: produced by html/template from escaped values.
	return template.HTML(b.String()), nil
}

func f1(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// Category colours: distinct hues with distinct lightness, so that a
// grey-scale print still tells them apart; the tables carry the numbers.
var catColors = map[string]string{
	"offensive":  "#8c1c13",
	"procedure":  "#2a6fb0",
	"negativity": "#e39b2d",
	"political":  "#b9a6e0",
}

var otherColors = []string{"#4d4d4d", "#7fbf7b", "#c2a5cf", "#a6611a"}

func catColor(cat string, i int) string {
	if c, ok := catColors[cat]; ok {
		return c
	}
	return otherColors[i%len(otherColors)]
}

// curveOpts size a survival chart.
type curveOpts struct {
	W, H     int
	MaxDays  float64 // x axis end
	Horizons []int
	Label    bool // annotate the estimate at each horizon
	Color    string
}

// SurvivalChart draws a group's curve as an SVG step function with its
// confidence band, the horizons marked. maxDays fixes the x axis (0: fit
// the curve); the web UI can embed the result as is.
func SurvivalChart(g Group, horizons []int, maxDays float64, w, h int) (template.HTML, error) {
	if maxDays <= 0 {
		maxDays = axisDays(horizons, g.Curve.End)
	}
	return survivalChart(g, curveOpts{W: w, H: h, MaxDays: maxDays, Horizons: horizons, Label: true, Color: "#1b4f72"})
}

// axisDays is the x axis end: the last horizon or the longest follow-up,
// rounded up to a whole month.
func axisDays(horizons []int, end float64) float64 {
	m := 12
	for _, h := range horizons {
		m = max(m, h)
	}
	d := math.Max(HorizonDays(m), end)
	month := 365.0 / 12
	return math.Ceil(d/month-1e-9) * month
}

func survivalChart(g Group, o curveOpts) (template.HTML, error) {
	const left, right, top, bottom = 46.0, 14.0, 14.0, 34.0
	c := chart{W: o.W, H: o.H, Title: fmt.Sprintf("Share still visible after referral: %s (%d posts)", g.Name, g.Referred)}
	pw, ph := float64(o.W)-left-right, float64(o.H)-top-bottom
	x := func(d float64) float64 { return left + pw*math.Min(d, o.MaxDays)/o.MaxDays }
	y := func(s float64) float64 { return top + ph*(1-s) }
	// Grid and y axis: 0, 25, 50, 75, 100 %.
	for _, s := range []float64{0, 0.25, 0.5, 0.75, 1} {
		c.Els = append(c.Els,
			el{Tag: "line", X: f1(left), Y: f1(y(s)), X2: f1(left + pw), Y2: f1(y(s)), Class: "grid"},
			el{Tag: "text", X: f1(left - 6), Y: f1(y(s) + 4), Anchor: "end", Class: "tick", Text: fmt.Sprintf("%.0f%%", 100*s)})
	}
	// x axis: months at the horizons, then every 6 months.
	ticks := append([]int{0}, o.Horizons...)
	last := 0
	for _, m := range o.Horizons {
		last = max(last, m)
	}
	for m := last + 6; HorizonDays(m) <= o.MaxDays+1; m += 6 {
		ticks = append(ticks, m)
	}
	lastLabel := math.Inf(-1)
	for _, m := range ticks {
		xx := x(HorizonDays(m))
		cls := "grid"
		if m > 0 && contains(o.Horizons, m) {
			cls = "horizon"
		}
		c.Els = append(c.Els, el{Tag: "line", X: f1(xx), Y: f1(top), X2: f1(xx), Y2: f1(top + ph), Class: cls})
		if xx-lastLabel >= 26 { // skip labels that would overlap
			c.Els = append(c.Els, el{Tag: "text", X: f1(xx), Y: f1(top + ph + 14), Anchor: "middle", Class: "tick", Text: fmt.Sprintf("%d m", m)})
			lastLabel = xx
		}
	}
	c.Els = append(c.Els,
		el{Tag: "text", X: f1(left + pw/2), Y: f1(float64(o.H) - 4), Anchor: "middle", Class: "axis", Text: "months after referral"},
		el{Tag: "line", X: f1(left), Y: f1(top + ph), X2: f1(left + pw), Y2: f1(top + ph), Class: "axisline"},
		el{Tag: "line", X: f1(left), Y: f1(top), X2: f1(left), Y2: f1(top + ph), Class: "axisline"})
	if g.Referred == 0 || len(g.Curve.Steps) == 0 {
		c.Els = append(c.Els, el{Tag: "text", X: f1(left + pw/2), Y: f1(top + ph/2), Anchor: "middle", Class: "empty", Text: "no referred posts"})
		return c.render()
	}
	pts := stepPoints(g.Curve, x)
	end := x(g.Curve.End)
	// Band: along the upper edge, back along the lower edge.
	var band strings.Builder
	fmt.Fprintf(&band, "M%s,%s", f1(x(0)), f1(y(1)))
	for _, p := range pts {
		fmt.Fprintf(&band, "H%sV%s", f1(p.x), f1(y(p.hi)))
	}
	fmt.Fprintf(&band, "H%s", f1(end))
	lastLo := 1.0
	if len(pts) > 0 {
		lastLo = pts[len(pts)-1].lo
	}
	fmt.Fprintf(&band, "V%s", f1(y(lastLo)))
	for i := len(pts) - 1; i >= 0; i-- {
		prev := 1.0
		if i > 0 {
			prev = pts[i-1].lo
		}
		fmt.Fprintf(&band, "H%sV%s", f1(pts[i].x), f1(y(prev)))
	}
	band.WriteString("Z")
	var line strings.Builder
	fmt.Fprintf(&line, "M%s,%s", f1(x(0)), f1(y(1)))
	for _, p := range pts {
		fmt.Fprintf(&line, "H%sV%s", f1(p.x), f1(y(p.s)))
	}
	fmt.Fprintf(&line, "H%s", f1(end))
	c.Els = append(c.Els,
		el{Tag: "path", D: band.String(), Class: "band", Fill: o.Color},
		el{Tag: "path", D: line.String(), Class: "curve", Fill: o.Color})
	// Censoring marks, when there are few enough to read.
	if len(g.Curve.Steps) <= 200 {
		for _, st := range g.Curve.Steps {
			if st.Censored > 0 && st.Days > 0 {
				xx, yy := x(st.Days), y(st.S)
				c.Els = append(c.Els, el{Tag: "line", X: f1(xx), Y: f1(yy - 3), X2: f1(xx), Y2: f1(yy + 3), Class: "censor"})
			}
		}
	}
	// A dot at each horizon (its tooltip gives the estimate); a label at
	// those with room for one, always including the last.
	lastLabel = math.Inf(1)
	for i := len(g.At) - 1; i >= 0; i-- {
		e := g.At[i]
		if !e.Reached || e.Days > o.MaxDays {
			continue
		}
		xx, yy := x(e.Days), y(e.S)
		tip := fmt.Sprintf("%s: %s still visible", monthsText(e.Months), estText(e))
		c.Els = append(c.Els, el{Tag: "circle", X: f1(xx), Y: f1(yy), R: "3", Class: "dot", Fill: o.Color, Tip: tip})
		if o.Label && lastLabel-xx >= 40 {
			ly := yy - 7
			if ly < top+10 {
				ly = yy + 14 // at the top: write below the line
			}
			c.Els = append(c.Els, el{Tag: "text", X: f1(xx - 3), Y: f1(ly), Anchor: "end", Class: "label",
				Text: fmt.Sprintf("%.0f%%", 100*e.S)})
			lastLabel = xx
		}
	}
	return c.render()
}

type stepPt struct{ x, s, lo, hi float64 }

// stepPoints maps the curve's event steps to x positions, merging steps
// that land in the same half pixel (keeping the last values): the drawing
// looks the same, and 100,000 steps become at most a few thousand.
func stepPoints(c Curve, x func(float64) float64) []stepPt {
	var out []stepPt
	for _, st := range c.Steps {
		if st.Events == 0 {
			continue
		}
		p := stepPt{x: math.Round(x(st.Days)*2) / 2, s: st.S, lo: st.Lower, hi: st.Upper}
		if n := len(out); n > 0 && out[n-1].x == p.x {
			out[n-1] = p
			continue
		}
		out = append(out, p)
	}
	return out
}

func contains(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// InstancesChart draws flagged instances per force as horizontal bars
// stacked by category, forces by total, largest first.
func InstancesChart(in Instances, w int) (template.HTML, error) {
	type row struct {
		force string
		total int
	}
	var rows []row
	catSet := map[string]bool{}
	for f, m := range in.ByForce {
		t := 0
		for c, n := range m {
			t += n
			catSet[c] = true
		}
		rows = append(rows, row{f, t})
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].total != rows[j].total {
			return rows[i].total > rows[j].total
		}
		return rows[i].force < rows[j].force
	})
	cats := orderCategories(keys(catSet))
	const left, right, top, rowH, gap = 210.0, 40.0, 44.0, 14.0, 4.0
	h := int(top + float64(len(rows))*(rowH+gap) + 30)
	c := chart{W: w, H: h, Title: "Flagged instances per force and category"}
	pw := float64(w) - left - right
	maxT := 0
	for _, r := range rows {
		maxT = max(maxT, r.total)
	}
	step, top2 := niceScale(maxT)
	x := func(n float64) float64 { return left + pw*n/float64(top2) }
	// Legend.
	lx := left
	for i, cat := range cats {
		c.Els = append(c.Els,
			el{Tag: "rect", X: f1(lx), Y: "8", W: "12", H: "12", Class: "seg", Fill: catColor(cat, i)},
			el{Tag: "text", X: f1(lx + 16), Y: "18", Class: "legend", Text: cat})
		lx += 24 + 7*float64(len([]rune(cat)))
	}
	if len(rows) == 0 {
		c.Els = append(c.Els, el{Tag: "text", X: f1(left + pw/2), Y: f1(top + 10), Anchor: "middle", Class: "empty", Text: "no confirmed flags"})
		return c.render()
	}
	bottom := top + float64(len(rows))*(rowH+gap)
	for v := 0; v <= top2; v += step {
		c.Els = append(c.Els,
			el{Tag: "line", X: f1(x(float64(v))), Y: f1(top - 4), X2: f1(x(float64(v))), Y2: f1(bottom), Class: "grid"},
			el{Tag: "text", X: f1(x(float64(v))), Y: f1(bottom + 14), Anchor: "middle", Class: "tick", Text: strconv.Itoa(v)})
	}
	for i, r := range rows {
		yy := top + float64(i)*(rowH+gap)
		c.Els = append(c.Els, el{Tag: "text", X: f1(left - 6), Y: f1(yy + rowH - 3), Anchor: "end", Class: "name",
			Text: truncate(forceName(r.force), 32)})
		acc := 0
		for j, cat := range cats {
			n := in.ByForce[r.force][cat]
			if n == 0 {
				continue
			}
			c.Els = append(c.Els, el{Tag: "rect", X: f1(x(float64(acc))), Y: f1(yy), W: f1(x(float64(acc+n)) - x(float64(acc))),
				H: f1(rowH), Class: "seg", Fill: catColor(cat, j), Tip: fmt.Sprintf("%s, %s: %d", forceName(r.force), cat, n)})
			acc += n
		}
		c.Els = append(c.Els, el{Tag: "text", X: f1(x(float64(acc)) + 4), Y: f1(yy + rowH - 3), Class: "value", Text: strconv.Itoa(r.total)})
	}
	return c.render()
}

// niceScale picks a tick step of 1, 2 or 5 × 10^k giving at most six
// ticks, and the axis end (a multiple of the step, at least max).
func niceScale(maxV int) (step, end int) {
	if maxV <= 0 {
		return 1, 1
	}
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			step = m * p
			if (maxV+step-1)/step <= 5 {
				end = (maxV + step - 1) / step * step
				return step, end
			}
		}
	}
}

// truncate cuts s to n runes with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
