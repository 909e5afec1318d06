package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/psd-tools/exposure/crawler"
)

// nameWidth caps force and category names in terminal tables.
const nameWidth = 36

// WriteText writes the page as plain-text tables for a terminal. Store
// text is cleaned of control and bidi characters.
func WriteText(w io.Writer, p Page) error {
	tw := &errWriter{w: w}
	if p.Visibility != nil {
		writeVisibilityText(tw, p, *p.Visibility)
	}
	if p.Study != nil {
		if p.Visibility != nil {
			tw.printf("\n")
		}
		writeStudyText(tw, *p.Study)
	} else if p.StudyNote != "" {
		tw.printf("\nSTUDY TABLE: %s\n", clean(p.StudyNote, 0))
	}
	return tw.err
}

// errWriter keeps the first write error so the renderers stay readable.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

func newTab(w io.Writer) *tabwriter.Writer {
	return tabwriter.NewWriter(&trimmer{w: w}, 0, 0, 2, ' ', 0)
}

// trimmer drops the spaces tabwriter pads the last cells of a line with.
type trimmer struct {
	w      io.Writer
	spaces int
	buf    []byte
}

func (t *trimmer) Write(p []byte) (int, error) {
	t.buf = t.buf[:0]
	for _, c := range p {
		switch c {
		case ' ':
			t.spaces++
			continue
		case '\n':
			t.spaces = 0
		default:
			for ; t.spaces > 0; t.spaces-- {
				t.buf = append(t.buf, ' ')
			}
		}
		t.buf = append(t.buf, c)
	}
	if _, err := t.w.Write(t.buf); err != nil {
		return 0, err
	}
	return len(p), nil
}

// MethodText describes the estimate in a few sentences; the renderers and
// the demo print it so that nobody has to guess what a number means.
func MethodText(r Result) []string {
	days := make([]string, len(r.Horizons))
	months := make([]string, len(r.Horizons))
	for i, m := range r.Horizons {
		months[i] = fmt.Sprint(m)
		days[i] = fmt.Sprint(HorizonDays(m))
	}
	return []string{
		fmt.Sprintf("Share still visible: Kaplan–Meier estimate with %s Greenwood confidence intervals on the log(−log) scale, which keeps them inside 0–100%% and behaves well near 100%% and in small groups.", confText(r.Confidence)),
		"Time is counted in whole days from the referral. A post counts as no longer visible at the first recheck that finds it removed or its account private, suspended or gone; a post still visible (or edited) is counted up to its last such recheck and not beyond (censored), so recent referrals are not counted as visible for months nobody has checked. Unknown checks (timeouts, errors) are ignored.",
		fmt.Sprintf("%s months are %s days after referral. “–” means no post has been followed that long yet. Median time to removal is the first time the estimate falls to 50%% or below.", strings.Join(months, ", "), strings.Join(days, ", ")),
		fmt.Sprintf("Cannot verify: every recheck has failed (unknown) for more than %s.", daysText(r.CannotVerifyAfter)),
	}
}

func writeVisibilityText(w *errWriter, p Page, r Result) {
	w.printf("VISIBILITY OF REFERRED POSTS, as of %s\n", dateText(r.At))
	for _, line := range MethodText(r) {
		w.printf("%s\n", wrap(line, 100))
	}
	w.printf("\n")
	if r.Overall.Referred == 0 {
		w.printf("No referred posts yet.\n")
		return
	}
	tw := newTab(w)
	fmt.Fprint(tw, "GROUP\tREFERRED\tNOT VISIBLE\tCENSORED")
	for _, m := range r.Horizons {
		fmt.Fprintf(tw, "\t%s", strings.ToUpper(monthsText(m)))
	}
	fmt.Fprint(tw, "\tMEDIAN\tCANNOT VERIFY\n")
	row := func(indent, name string, g Group) {
		fmt.Fprintf(tw, "%s%s\t%d\t%d\t%d", indent, clean(name, nameWidth), g.Referred, g.Removed, g.Censored)
		for _, e := range g.At {
			fmt.Fprintf(tw, "\t%s", estText(e))
		}
		med := "not reached"
		if g.Median.Reached {
			med = daysText(g.Median.Days)
		}
		fmt.Fprintf(tw, "\t%s\t%d\n", med, g.CannotVerify)
	}
	row("", "All referred posts", r.Overall)
	// Section lines carry every tab so tabwriter keeps one column block.
	section := "\t\t\t" + strings.Repeat("\t", len(r.Horizons)+2) + "\n"
	if len(r.ByCategory) > 0 {
		fmt.Fprint(tw, "By category"+section)
		for _, g := range r.ByCategory {
			row("  ", g.Name, g)
		}
	}
	if len(r.ByForce) > 0 {
		fmt.Fprint(tw, "By force"+section)
		for _, g := range r.ByForce {
			row("  ", forceName(g.Name), g)
		}
	}
	tw.Flush()
	w.printf("%s to %s: share still visible that long after referral (%s interval). MEDIAN: time to removal.\n",
		strings.ToUpper(monthsText(r.Horizons[0])), strings.ToUpper(monthsText(r.Horizons[len(r.Horizons)-1])), confText(r.Confidence))
	w.printf("A post with several categories counts in each.\n")

	w.printf("\nSTATE AT THE LATEST RECHECK\n")
	tw = newTab(w)
	cols := nowColumns(r)
	fmt.Fprint(tw, "GROUP")
	for _, c := range cols {
		fmt.Fprintf(tw, "\t%s", strings.ToUpper(strings.ReplaceAll(c, "_", " ")))
	}
	fmt.Fprint(tw, "\n")
	nowRow := func(indent, name string, g Group) {
		fmt.Fprintf(tw, "%s%s", indent, clean(name, nameWidth))
		for _, c := range cols {
			fmt.Fprintf(tw, "\t%d", g.Now[c])
		}
		fmt.Fprint(tw, "\n")
	}
	nowRow("", "All referred posts", r.Overall)
	for _, g := range r.ByCategory {
		nowRow("  ", g.Name, g)
	}
	tw.Flush()

	limit := p.maxList()
	w.printf("\nSTATE CHANGES: %d", len(r.Events))
	if len(r.Events) > limit {
		w.printf(", the %d most recent shown (--format csv --table events lists all)", limit)
	}
	w.printf("\n")
	for i, e := range r.Events {
		if i == limit {
			break
		}
		w.printf("%s  %-26s %s/%s  %s  %s", dayText(e.At), e.Kind(), clean(e.Platform, 20), clean(e.PostID, 40),
			clean(e.ReferralID, 30), clean(forceName(e.Force), nameWidth))
		if e.Reason != "" {
			w.printf("  (%s)", oneLine(e.Reason, 60))
		}
		w.printf("\n")
		if e.Before != "" || e.After != "" {
			w.printf("    before: %s\n    after:  %s\n", quote(e.Before), quote(e.After))
		}
	}

	w.printf("\nCANNOT VERIFY: %d (every recheck unknown for more than %s)", len(r.CannotVerify), daysText(r.CannotVerifyAfter))
	if len(r.CannotVerify) > limit {
		w.printf(", %d shown", limit)
	}
	w.printf("\n")
	for i, u := range r.CannotVerify {
		if i == limit {
			break
		}
		last := "never verified"
		if u.LastKnown != "" {
			last = fmt.Sprintf("last %s on %s", u.LastKnown, dayText(u.LastKnownAt))
		}
		w.printf("%s/%s  %s  %s  unknown since %s (%s, %d checks), %s", clean(u.Platform, 20), clean(u.PostID, 40),
			clean(u.ReferralID, 30), clean(forceName(u.Force), nameWidth), dayText(u.Since), daysText(u.Days), u.Attempts, last)
		if u.LastReason != "" {
			w.printf("  (%s)", oneLine(u.LastReason, 60))
		}
		w.printf("\n")
	}
}

// quote shows a post text on one line, quoted, cleaned and capped.
func quote(s string) string { return "“" + oneLine(s, 160) + "”" }

// nowColumns lists the states in report order, then unchecked, keeping
// only the ones that occur (plus visible, always).
func nowColumns(r Result) []string {
	var cols []string
	for _, s := range crawler.States {
		if s == crawler.StateVisible || r.Overall.Now[string(s)] > 0 {
			cols = append(cols, string(s))
		}
	}
	known := map[string]bool{StateUnchecked: true}
	for _, s := range crawler.States {
		known[string(s)] = true
	}
	var other []string
	for k := range r.Overall.Now {
		if !known[k] {
			other = append(other, k)
		}
	}
	cols = append(cols, sortedStrings(other)...)
	if r.Overall.Now[StateUnchecked] > 0 {
		cols = append(cols, StateUnchecked)
	}
	return cols
}

func writeStudyText(w *errWriter, t SweepTable) {
	w.printf("STUDY TABLE: sweep %d (%s, started %s", t.Sweep.ID, t.Sweep.Status, dateText(t.Sweep.Started))
	if !t.Sweep.Finished.IsZero() {
		w.printf(", finished %s", dateText(t.Sweep.Finished))
	}
	w.printf(")")
	if t.Previous != nil {
		w.printf(", compared with sweep %d (started %s)", t.Previous.ID, dateText(t.Previous.Started))
	} else {
		w.printf(", no earlier complete sweep to compare with")
	}
	w.printf("\n")
	if t.Sweep.Error != "" {
		w.printf("This sweep failed: %s\n", oneLine(t.Sweep.Error, 200))
	}
	hasPrev := t.Previous != nil
	cmp := func(c Count) string {
		if !hasPrev {
			return fmt.Sprint(c.N)
		}
		return fmt.Sprintf("%d\t%d\t%s", c.N, c.Prev, signed(c.Delta()))
	}
	head := func(cols ...string) string {
		var b strings.Builder
		for i, c := range cols {
			if i > 0 {
				b.WriteString("\t")
			}
			b.WriteString(c)
			if i > 0 && hasPrev {
				b.WriteString("\tPREVIOUS\tCHANGE")
			}
		}
		return b.String() + "\n"
	}

	w.printf("\n")
	tw := newTab(w)
	fmt.Fprint(tw, head("", "THIS SWEEP"))
	for _, l := range t.Totals {
		fmt.Fprintf(tw, "%s\t%s\n", l.Label, cmp(l.Count))
	}
	tw.Flush()

	w.printf("\nSELF-IDENTIFYING PROFILES PER FORCE\n")
	tw = newTab(w)
	fmt.Fprint(tw, head("FORCE", "PROFILES", "FLAGGED POSTS"))
	for _, f := range t.Forces {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", clean(forceName(f.Force), nameWidth), cmp(f.Profiles), cmp(f.Flagged))
	}
	tw.Flush()

	w.printf("\nFLAGGED INSTANCES PER CATEGORY (a post may carry several)\n")
	tw = newTab(w)
	var plats []string
	for _, p := range t.Platforms {
		plats = append(plats, p.Platform)
	}
	fmt.Fprint(tw, "CATEGORY\tINSTANCES")
	if hasPrev {
		fmt.Fprint(tw, "\tPREVIOUS\tCHANGE")
	}
	fmt.Fprint(tw, "\tOF FLAGGED POSTS")
	for _, p := range plats {
		fmt.Fprintf(tw, "\t%s", strings.ToUpper(clean(p, 20)))
	}
	fmt.Fprint(tw, "\n")
	for _, c := range t.Categories {
		fmt.Fprintf(tw, "%s\t%s\t%s", clean(c.Category, nameWidth), cmp(c.Instances), pct(c.Share))
		for _, p := range plats {
			fmt.Fprintf(tw, "\t%d", c.ByPlatform[p].N)
		}
		fmt.Fprint(tw, "\n")
	}
	tw.Flush()

	w.printf("\nPER PLATFORM\n")
	tw = newTab(w)
	fmt.Fprint(tw, head("PLATFORM", "PROFILES", "POSTS READ", "FLAGGED POSTS"))
	for _, p := range t.Platforms {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", clean(p.Platform, 20), cmp(p.Profiles), cmp(p.Posts), cmp(p.Flagged))
	}
	tw.Flush()
	for _, p := range t.Platforms {
		w.printf("%s: %s of flagged posts", clean(p.Platform, 20), pct(p.Share))
		if hasPrev {
			w.printf(" (previous sweep %s)", pct(p.PrevShare))
		}
		w.printf("\n")
	}
}

// wrap breaks s into lines of at most width runes at spaces.
func wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		l := utf8.RuneCountInString(word)
		switch {
		case i == 0:
		case n+1+l > width:
			b.WriteByte('\n')
			n = 0
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += l
	}
	return b.String()
}
