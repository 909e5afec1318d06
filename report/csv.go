package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"
)

// CSV tables WriteCSV can write.
const (
	TableGroups       = "groups"        // one row per group: shares at each horizon, median
	TableEvents       = "events"        // every state change
	TableCannotVerify = "cannot-verify" // every post that cannot be verified
	TableCurve        = "curve"         // every step of every group's curve
	TableStates       = "states"        // state at the latest recheck, per group
	TableStudy        = "study"         // the study table, long format
)

// CSVTables lists the tables in help order.
var CSVTables = []string{TableGroups, TableEvents, TableCannotVerify, TableCurve, TableStates, TableStudy}

// WriteCSV writes one table of the page as CSV. Text from the store that a
// spreadsheet would take for a formula is prefixed with a quote.
func WriteCSV(w io.Writer, p Page, table string) error {
	cw := csv.NewWriter(w)
	var err error
	switch table {
	case TableStudy:
		if p.Study == nil {
			return fmt.Errorf("csv table %q: no study table in this report", table)
		}
		err = studyCSV(cw, *p.Study)
	case TableGroups, TableEvents, TableCannotVerify, TableCurve, TableStates:
		if p.Visibility == nil {
			return fmt.Errorf("csv table %q: no visibility report in this report", table)
		}
		r := *p.Visibility
		switch table {
		case TableGroups:
			err = groupsCSV(cw, r)
		case TableEvents:
			err = eventsCSV(cw, r)
		case TableCannotVerify:
			err = unverifiedCSV(cw, r)
		case TableCurve:
			err = curveCSV(cw, r)
		case TableStates:
			err = statesCSV(cw, r)
		}
	default:
		return fmt.Errorf("csv table %q: want one of %v", table, CSVTables)
	}
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// cell neutralises spreadsheet formulas in store text (OWASP's advice:
// a leading quote for = + - @ tab and CR).
func cell(s string) string {
	if s != "" {
		switch s[0] {
		case '=', '+', '-', '@', '\t', '\r':
			return "'" + s
		}
	}
	return s
}

func num(f float64) string { return strconv.FormatFloat(round6(f), 'f', -1, 64) }

func timeCell(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func allGroups(r Result) []Group {
	out := []Group{r.Overall}
	out = append(out, r.ByCategory...)
	return append(out, r.ByForce...)
}

func groupsCSV(cw *csv.Writer, r Result) error {
	head := []string{"kind", "name", "referred", "removed", "censored", "unchecked", "cannot_verify"}
	for _, m := range r.Horizons {
		p := fmt.Sprintf("%dm_", m)
		head = append(head, p+"visible", p+"lower", p+"upper", p+"at_risk")
	}
	head = append(head, "median_days", "median_lower_days", "median_upper_days")
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, g := range allGroups(r) {
		row := []string{g.Kind, cell(g.Name), strconv.Itoa(g.Referred), strconv.Itoa(g.Removed),
			strconv.Itoa(g.Censored), strconv.Itoa(g.Unchecked), strconv.Itoa(g.CannotVerify)}
		for _, e := range g.At {
			s, lo, hi := "", "", ""
			if e.Reached {
				s = num(e.S)
				if e.CI {
					lo, hi = num(e.Lower), num(e.Upper)
				}
			}
			row = append(row, s, lo, hi, strconv.Itoa(e.AtRisk))
		}
		m := g.Median
		md, ml, mu := "", "", ""
		if m.Reached {
			md = num(m.Days)
		}
		if m.LowerOK {
			ml = num(m.Lower)
		}
		if m.UpperOK {
			mu = num(m.Upper)
		}
		if err := cw.Write(append(row, md, ml, mu)); err != nil {
			return err
		}
	}
	return nil
}

func eventsCSV(cw *csv.Writer, r Result) error {
	if err := cw.Write([]string{"at", "previous_check", "platform", "post_id", "referral_id", "force", "handle", "url",
		"kind", "from", "to", "reason", "before", "after"}); err != nil {
		return err
	}
	for _, e := range r.Events {
		if err := cw.Write([]string{timeCell(e.At), timeCell(e.Prev), cell(e.Platform), cell(e.PostID), cell(e.ReferralID),
			cell(e.Force), cell(e.Handle), cell(e.URL), e.Kind(), cell(string(e.From)), cell(string(e.To)),
			cell(e.Reason), cell(e.Before), cell(e.After)}); err != nil {
			return err
		}
	}
	return nil
}

func unverifiedCSV(cw *csv.Writer, r Result) error {
	if err := cw.Write([]string{"platform", "post_id", "referral_id", "force", "handle", "url", "unknown_since",
		"days", "attempts", "last_known", "last_known_at", "last_reason"}); err != nil {
		return err
	}
	for _, u := range r.CannotVerify {
		if err := cw.Write([]string{cell(u.Platform), cell(u.PostID), cell(u.ReferralID), cell(u.Force), cell(u.Handle),
			cell(u.URL), timeCell(u.Since), num(u.Days), strconv.Itoa(u.Attempts), cell(string(u.LastKnown)),
			timeCell(u.LastKnownAt), cell(u.LastReason)}); err != nil {
			return err
		}
	}
	return nil
}

func curveCSV(cw *csv.Writer, r Result) error {
	if err := cw.Write([]string{"kind", "name", "days", "at_risk", "events", "censored", "share", "lower", "upper"}); err != nil {
		return err
	}
	for _, g := range allGroups(r) {
		for _, st := range g.Curve.Steps {
			lo, hi := "", ""
			if st.CI {
				lo, hi = num(st.Lower), num(st.Upper)
			}
			if err := cw.Write([]string{g.Kind, cell(g.Name), num(st.Days), strconv.Itoa(st.AtRisk),
				strconv.Itoa(st.Events), strconv.Itoa(st.Censored), num(st.S), lo, hi}); err != nil {
				return err
			}
		}
	}
	return nil
}

func statesCSV(cw *csv.Writer, r Result) error {
	cols := nowColumns(r)
	if err := cw.Write(append([]string{"kind", "name"}, cols...)); err != nil {
		return err
	}
	for _, g := range allGroups(r) {
		row := []string{g.Kind, cell(g.Name)}
		for _, c := range cols {
			row = append(row, strconv.Itoa(g.Now[c]))
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	return nil
}

// studyCSV writes the study table in long format: one count per row.
func studyCSV(cw *csv.Writer, t SweepTable) error {
	if err := cw.Write([]string{"sweep", "previous_sweep", "section", "name", "platform", "n", "previous", "delta", "share"}); err != nil {
		return err
	}
	prevID := ""
	if t.Previous != nil {
		prevID = strconv.FormatUint(t.Previous.ID, 10)
	}
	id := strconv.FormatUint(t.Sweep.ID, 10)
	write := func(section, name, platform string, c Count, share string) error {
		prev, delta := "", ""
		if c.HasPrev {
			prev, delta = strconv.Itoa(c.Prev), strconv.Itoa(c.Delta())
		}
		return cw.Write([]string{id, prevID, section, cell(name), cell(platform), strconv.Itoa(c.N), prev, delta, share})
	}
	for _, l := range t.Totals {
		if err := write("total", l.Key, "", l.Count, ""); err != nil {
			return err
		}
	}
	for _, f := range t.Forces {
		if err := write("force_profiles", f.Force, "", f.Profiles, ""); err != nil {
			return err
		}
		if err := write("force_flagged", f.Force, "", f.Flagged, ""); err != nil {
			return err
		}
	}
	for _, c := range t.Categories {
		if err := write("category", c.Category, "", c.Instances, num(c.Share)); err != nil {
			return err
		}
		plats := keys(c.ByPlatform)
		sort.Strings(plats)
		for _, p := range plats {
			if err := write("category_platform", c.Category, p, c.ByPlatform[p], ""); err != nil {
				return err
			}
		}
	}
	for _, p := range t.Platforms {
		for _, x := range []struct {
			s     string
			c     Count
			share string
		}{{"platform_profiles", p.Profiles, ""}, {"platform_posts", p.Posts, ""}, {"platform_flagged", p.Flagged, num(p.Share)}} {
			if err := write(x.s, "", p.Platform, x.c, x.share); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedStrings(s []string) []string {
	sort.Strings(s)
	return s
}
