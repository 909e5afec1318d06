package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
)

//go:embed page.html.tmpl
var pageSrc string

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"est":      estText,
	"share":    shareText,
	"ci":       ciText,
	"pct":      pct,
	"median":   medianText,
	"force":    forceName,
	"date":     dateText,
	"day":      dayText,
	"days":     daysText,
	"months":   monthsText,
	"signed":   signed,
	"horizon":  HorizonDays,
	"add":      func(a, b int) int { return a + b },
	"conf":     confText,
	"medianci": medianCIText,
	"head": func(label string, horizons []int) map[string]any {
		return map[string]any{"Label": label, "Horizons": horizons}
	},
}).Parse(pageSrc))

type catChart struct {
	Name string
	SVG  template.HTML
}

// htmlView is the page with what the template draws precomputed.
type htmlView struct {
	Page
	Method         []string
	Overall        template.HTML
	Categories     []catChart
	Bars           template.HTML
	NowCols        []string
	Events         []Event
	EventsMore     int
	Unverified     []Unverified
	UnverifiedMore int
	Platforms      []string
}

// WriteHTML writes the page as one self-contained HTML document: inline
// CSS, inline SVG charts, no script and nothing fetched from elsewhere (a
// Content-Security-Policy forbids it as a second line of defence). It is
// laid out to print on A4. All store text is escaped by html/template.
func WriteHTML(w io.Writer, p Page) error {
	v := htmlView{Page: p}
	if p.Title == "" {
		v.Title = "exposure report"
	}
	if r := p.Visibility; r != nil {
		v.Method = MethodText(*r)
		maxDays := axisDays(r.Horizons, r.Overall.Curve.End)
		var err error
		v.Overall, err = survivalChart(r.Overall, curveOpts{W: 720, H: 300, MaxDays: maxDays, Horizons: r.Horizons, Label: true, Color: "#1b4f72"})
		if err != nil {
			return err
		}
		for i, g := range r.ByCategory {
			svg, err := survivalChart(g, curveOpts{W: 350, H: 210, MaxDays: maxDays, Horizons: r.Horizons, Label: true, Color: catColor(g.Name, i)})
			if err != nil {
				return err
			}
			v.Categories = append(v.Categories, catChart{g.Name, svg})
		}
		v.NowCols = nowColumns(*r)
		limit := p.maxList()
		v.Events, v.EventsMore = capList(r.Events, limit)
		v.Unverified, v.UnverifiedMore = capList(r.CannotVerify, limit)
	}
	if p.Instances != nil {
		var err error
		if v.Bars, err = InstancesChart(*p.Instances, 720); err != nil {
			return err
		}
	}
	if t := p.Study; t != nil {
		for _, pl := range t.Platforms {
			v.Platforms = append(v.Platforms, pl.Platform)
		}
	}
	if err := pageTmpl.Execute(w, v); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}

func capList[T any](s []T, n int) ([]T, int) {
	if len(s) <= n {
		return s, 0
	}
	return s[:n], len(s) - n
}
