package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Page is what the renderers write: any of the visibility report, the
// flagged-instance counts and the study table (nil parts are left out).
type Page struct {
	Title     string    `json:"title"`
	Generated time.Time `json:"generated"`
	// Source names where the data came from (the database path).
	Source     string      `json:"source,omitempty"`
	Visibility *Result     `json:"visibility,omitempty"`
	Instances  *Instances  `json:"instances,omitempty"`
	Study      *SweepTable `json:"study,omitempty"`
	// StudyNote says why Study is missing (e.g. no sweep yet).
	StudyNote string `json:"study_note,omitempty"`
	// MaxList caps the event and cannot-verify lists in the text and HTML
	// output (0: DefaultMaxList; negative: no cap). CSV and JSON are whole.
	MaxList int `json:"-"`
}

// DefaultMaxList is the default cap on listed events.
const DefaultMaxList = 100

func (p Page) maxList() int {
	switch {
	case p.MaxList == 0:
		return DefaultMaxList
	case p.MaxList < 0:
		return math.MaxInt
	}
	return p.MaxList
}

// WriteJSON writes the page as indented JSON.
func WriteJSON(w io.Writer, p Page) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// ---- formatting shared by the text and HTML renderers ----

// pct formats a share as a percentage with one decimal.
func pct(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) }

// confText formats a confidence level: 0.95 is "95%".
func confText(c float64) string { return strconv.FormatFloat(100*c, 'f', -1, 64) + "%" }

// shareText formats an estimate: "76.2%", or "–" when follow-up is too short.
func shareText(e Estimate) string {
	if !e.Reached {
		return "–"
	}
	return pct(e.S)
}

// ciText formats an estimate's interval: "70.1–81.4", or "" when there is
// none.
func ciText(e Estimate) string {
	if !e.Reached || !e.CI {
		return ""
	}
	return fmt.Sprintf("%.1f–%.1f", 100*e.Lower, 100*e.Upper)
}

// estText is share and interval together: "76.2% (70.1–81.4)".
func estText(e Estimate) string {
	s := shareText(e)
	if ci := ciText(e); ci != "" {
		s += " (" + ci + ")"
	}
	return s
}

// daysText formats a duration in days.
func daysText(d float64) string {
	if d < 10 {
		return fmt.Sprintf("%.1f d", d)
	}
	return fmt.Sprintf("%.0f d", d)
}

// medianText formats the median with its interval.
func medianText(m Median) string {
	if !m.Reached {
		return "not reached"
	}
	return daysText(m.Days) + " (" + medianCIText(m) + ")"
}

// medianCIText is the median's interval: "30 d to not reached".
func medianCIText(m Median) string {
	lo, hi := "–", "not reached"
	if m.LowerOK {
		lo = daysText(m.Lower)
	}
	if m.UpperOK {
		hi = daysText(m.Upper)
	}
	return lo + " to " + hi
}

func signed(n int) string {
	if n > 0 {
		return fmt.Sprintf("+%d", n)
	}
	return fmt.Sprint(n)
}

func dateText(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format("2006-01-02 15:04 UTC")
}

func dayText(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.UTC().Format("2006-01-02")
}

// forceName labels a force, including the unattributed one.
func forceName(f string) string {
	if f == "" || f == "unknown" {
		return "(force unknown)"
	}
	return f
}

// monthsText labels a horizon.
func monthsText(m int) string {
	if m == 1 {
		return "1 month"
	}
	return fmt.Sprintf("%d months", m)
}

// clean makes store text safe on a terminal: control, format (bidi
// overrides) and other non-graphic characters become U+FFFD, and the text
// is cut to max runes (0: no cap).
func clean(s string, max int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if max > 0 && n == max {
			b.WriteString("…")
			break
		}
		if r == utf8.RuneError || !unicode.IsGraphic(r) {
			r = '\uFFFD'
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// oneLine is clean with line breaks and tabs turned into spaces first.
func oneLine(s string, max int) string {
	return clean(strings.Join(strings.Fields(s), " "), max)
}
