package report

import (
	"reflect"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
)

var t0 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func dayN(n float64) time.Time { return t0.Add(time.Duration(n * float64(day))) }

func ck(n float64, st crawler.State, text ...string) Check {
	c := Check{At: dayN(n), State: st}
	if len(text) > 0 {
		c.Text = text[0]
	}
	return c
}

const (
	vis   = crawler.StateVisible
	edi   = crawler.StateEdited
	rem   = crawler.StateRemoved
	prot  = crawler.StateAccountProtected
	susp  = crawler.StateAccountSuspended
	gone  = crawler.StateAccountGone
	unkn  = crawler.StateUnknown
	force = "West Midlands Police"
)

// fixture is a small population worked by hand in TestVisibility.
func fixture() []Subject {
	return []Subject{
		// A: up at 30 and 90 (an unknown at 60 between), removed at 120,
		// back at 150. Event at 120.
		{Platform: "twitter", PostID: "a", ReferralID: "REF-1", Force: force, Categories: []string{"offensive"},
			Referred: t0, Text: "orig a",
			Checks: []Check{ck(150, vis), ck(30, vis), ck(60, unkn), ck(90, vis), ck(120, rem, "")}},
		// B: edited at 30, same edit at 60, edited again at 90. Censored at 90.
		{Platform: "twitter", PostID: "b", ReferralID: "REF-1", Force: force, Categories: []string{"procedure", "offensive"},
			Referred: t0, Text: "the old text",
			Checks: []Check{ck(30, edi, "the new text"), ck(60, edi, "the new text"), ck(90, edi, "the newer text")}},
		// C: only unknowns, from day 10: never verified, censored at 0.
		{Platform: "facebook", PostID: "c", ReferralID: "REF-2", Force: "Kent Police", Categories: []string{"negativity"},
			Referred: t0, Checks: []Check{ck(10, unkn), ck(20, unkn)}},
		// D: never checked.
		{Platform: "facebook", PostID: "d", ReferralID: "REF-2", Force: "Kent Police", Categories: []string{"offensive"},
			Referred: t0},
		// E: referred after the report date: left out.
		{Platform: "facebook", PostID: "e", ReferralID: "REF-9", Force: "Kent Police", Categories: []string{"political"},
			Referred: dayN(500), Checks: []Check{ck(501, rem)}},
		// F: account went private at 30; a check after the report date is
		// ignored.
		{Platform: "twitter", PostID: "f", ReferralID: "REF-2", Force: "Kent Police", Categories: []string{"offensive"},
			Referred: t0, Checks: []Check{ck(30, prot), ck(400, vis)}},
	}
}

// TestVisibility checks the whole computation on the fixture, by hand:
//
//	observations (days): A 120 event, B 90 censored, C 0 censored,
//	D 0 censored, F 30 event.
//	t=0:   n=5, d=0 (two censored)
//	t=30:  n=3, d=1  S = 2/3
//	t=90:  n=2, censored
//	t=120: n=1, d=1  S = 0
func TestVisibility(t *testing.T) {
	at := dayN(200)
	r := Visibility(fixture(), at, Options{})
	o := r.Overall
	if o.Referred != 5 || o.Removed != 2 || o.Censored != 3 || o.Unchecked != 2 || o.CannotVerify != 1 {
		t.Errorf("overall counts = %+v", o)
	}
	if got := []int{o.Curve.Steps[0].AtRisk, o.Curve.Steps[1].AtRisk}; !reflect.DeepEqual(got, []int{5, 3}) {
		t.Errorf("at risk = %v", got)
	}
	// 1 month = 30 days: the event at 30 counts at 1 month.
	e1 := o.At[0]
	near(t, "S(1m)", e1.S, 2.0/3, 1e-12)
	if e1.Months != 1 || e1.Days != 30 || !e1.Reached || !e1.CI || e1.AtRisk != 3 {
		t.Errorf("1 month = %+v", e1)
	}
	// 3 months = 91 days: after B was censored at 90, still 2/3.
	if e := o.At[1]; !e.Reached || e.Days != 91 || e.AtRisk != 1 {
		t.Errorf("3 months = %+v", e)
	}
	near(t, "S(3m)", o.At[1].S, 2.0/3, 1e-12)
	// 6 months = 182 days: the curve reached 0 at 120, but nobody was
	// followed beyond 120 days, so 6 months is not reached.
	if e := o.At[2]; e.Reached {
		t.Errorf("6 months = %+v", e)
	}
	if m := o.Median; !m.Reached || m.Days != 120 {
		t.Errorf("median = %+v", m)
	}
	wantNow := map[string]int{"visible": 1, "edited": 1, "unknown": 1, "unchecked": 1, "account_protected": 1}
	if !reflect.DeepEqual(o.Now, wantNow) {
		t.Errorf("now = %v, want %v", o.Now, wantNow)
	}

	// Groups: categories in report order, forces by name.
	var cats, forces []string
	for _, g := range r.ByCategory {
		cats = append(cats, g.Name)
	}
	for _, g := range r.ByForce {
		forces = append(forces, g.Name)
	}
	if !reflect.DeepEqual(cats, []string{"offensive", "procedure", "negativity"}) {
		t.Errorf("categories = %v", cats)
	}
	if !reflect.DeepEqual(forces, []string{"Kent Police", force}) {
		t.Errorf("forces = %v", forces)
	}
	// offensive: A 120 event, B 90 cens, D 0 cens, F 30 event.
	// t=30: n=3 d=1 S=2/3; t=120: n=1 d=1 S=0.
	off := r.ByCategory[0]
	if off.Referred != 4 || off.Removed != 2 {
		t.Errorf("offensive = %+v", off)
	}
	near(t, "offensive S(1m)", off.At[0].S, 2.0/3, 1e-12)
	// Kent: C 0, D 0 censored, F 30 event: S(30) = 0 with 1 at risk.
	kent := r.ByForce[0]
	if kent.Referred != 3 || kent.Removed != 1 || kent.At[0].S != 0 || !kent.At[0].Reached {
		t.Errorf("Kent = %+v", kent)
	}
	// West Midlands: A 120 event, B 90 censored: nothing removed by 91
	// days.
	wm := r.ByForce[1]
	if e := wm.At[1]; e.S != 1 || e.CI || !e.Reached {
		t.Errorf("WMP 3 months = %+v", e)
	}

	// A shorter report date censors more: at day 100 A is censored at 90
	// and nothing has reached 6 months.
	r = Visibility(fixture(), dayN(100), Options{})
	if r.Overall.Removed != 1 {
		t.Errorf("at day 100: removed = %d, want 1 (only F)", r.Overall.Removed)
	}
	if e := r.Overall.At[2]; e.Reached {
		t.Errorf("at day 100, 6 months = %+v, want not reached", e)
	}
}

func TestVisibilityOptions(t *testing.T) {
	r := Visibility(fixture(), dayN(200), Options{Horizons: []int{2}, Confidence: 0.9, CannotVerifyAfter: 365 * day})
	if len(r.Overall.At) != 1 || r.Overall.At[0].Days != 60 || r.Confidence != 0.9 {
		t.Errorf("horizons = %+v", r.Overall.At)
	}
	if len(r.CannotVerify) != 0 {
		t.Errorf("cannot verify with a year's grace = %+v", r.CannotVerify)
	}
	if HorizonDays(1) != 30 || HorizonDays(3) != 91 || HorizonDays(6) != 182 || HorizonDays(12) != 365 {
		t.Errorf("horizon days = %v %v %v %v", HorizonDays(1), HorizonDays(3), HorizonDays(6), HorizonDays(12))
	}
}

// TestCheckBeforeReferral: a check dated before its referral counts at 0.
func TestCheckBeforeReferral(t *testing.T) {
	s := []Subject{{Platform: "t", PostID: "1", Referred: dayN(10), Checks: []Check{ck(5, rem)}}}
	r := Visibility(s, dayN(20), Options{})
	if st := r.Overall.Curve.Steps[0]; st.Days != 0 || st.Events != 1 {
		t.Errorf("step = %+v", st)
	}
}

func TestEvents(t *testing.T) {
	r := Visibility(fixture(), dayN(200), Options{})
	type ev struct {
		id       string
		at, prev float64
		from, to crawler.State
		kind     string
		before   string
		after    string
	}
	var got []ev
	for _, e := range r.Events {
		got = append(got, ev{e.PostID, e.At.Sub(t0).Hours() / 24, e.Prev.Sub(t0).Hours() / 24, e.From, e.To, e.Kind(), e.Before, e.After})
	}
	// Most recent first. The unknown at 60 is not a change, so A's removal
	// is seen between 90 and 120.
	want := []ev{
		{"a", 150, 120, rem, vis, "visible again", "", ""},
		{"a", 120, 90, vis, rem, "post removed", "", ""},
		{"b", 90, 60, edi, edi, "edited again", "the new text", "the newer text"},
		{"b", 30, 0, vis, edi, "edited", "the old text", "the new text"},
		{"f", 30, 0, vis, prot, "account went private", "", ""},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events:\n got %+v\nwant %+v", got, want)
	}
	// The edit carries a word diff.
	b := r.Events[3]
	wantDiff := []DiffPart{{"=", "the "}, {"-", "old "}, {"+", "new "}, {"=", "text"}}
	if !reflect.DeepEqual(b.Diff, wantDiff) {
		t.Errorf("diff = %+v", b.Diff)
	}
}

func TestEventKinds(t *testing.T) {
	s := Subject{Platform: "t", PostID: "1", Referred: t0, Text: "x y",
		Checks: []Check{ck(1, edi, "x z"), ck(2, vis), ck(3, susp), ck(4, gone), ck(5, edi, "w"), ck(6, unkn), ck(7, "bogus")}}
	r := Visibility([]Subject{s}, dayN(10), Options{})
	var kinds []string
	for i := len(r.Events) - 1; i >= 0; i-- {
		kinds = append(kinds, r.Events[i].Kind())
	}
	want := []string{"edited", "edit reverted", "account suspended", "account deleted or renamed", "visible again"}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("kinds = %v, want %v", kinds, want)
	}
	// Reappearing edited after the account was gone shows the text seen
	// before it went (the capture, after the revert) against the new one.
	if e := r.Events[0]; e.Before != "x y" || e.After != "w" {
		t.Errorf("reappeared edited: before %q after %q", e.Before, e.After)
	}
	// The event is the first not-visible state: suspended at 3.
	if st := r.Overall.Curve.Steps; len(st) != 1 || st[0].Days != 3 || st[0].Events != 1 {
		t.Errorf("curve = %+v", st)
	}
}

// TestCannotVerify checks the rule: the latest checks are unknown, and the
// run of unknowns began more than CannotVerifyAfter before the report.
func TestCannotVerify(t *testing.T) {
	grace := 30 * day
	cases := []struct {
		name   string
		checks []Check
		at     float64
		want   bool
		since  float64
		tries  int
		last   crawler.State
	}{
		{"exactly the grace period is not longer than it", []Check{ck(0, vis), ck(10, unkn)}, 40, false, 0, 0, ""},
		{"a second longer is", []Check{ck(0, vis), ck(10, unkn)}, 40 + 1.0/86400, true, 10, 1, vis},
		{"the run starts at its first unknown", []Check{ck(0, vis), ck(10, unkn), ck(35, unkn)}, 41, true, 10, 2, vis},
		{"a known state ends the run", []Check{ck(0, unkn), ck(10, vis), ck(35, unkn)}, 60, false, 0, 0, ""},
		{"a later success clears it", []Check{ck(0, unkn), ck(50, rem)}, 100, false, 0, 0, ""},
		{"never verified", []Check{ck(1, unkn), ck(2, unkn)}, 100, true, 1, 2, ""},
		{"never checked is not cannot-verify", nil, 100, false, 0, 0, ""},
		{"checks after the report date do not count", []Check{ck(0, unkn), ck(50, vis)}, 40, true, 0, 1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := Subject{Platform: "t", PostID: "1", Referred: t0, Checks: c.checks}
			r := Visibility([]Subject{s}, dayN(c.at), Options{CannotVerifyAfter: grace})
			if got := len(r.CannotVerify) == 1; got != c.want {
				t.Fatalf("cannot verify = %v, want %v (%+v)", got, c.want, r.CannotVerify)
			}
			if r.Overall.CannotVerify != len(r.CannotVerify) {
				t.Errorf("group count %d, list %d", r.Overall.CannotVerify, len(r.CannotVerify))
			}
			if !c.want {
				return
			}
			u := r.CannotVerify[0]
			if !u.Since.Equal(dayN(c.since)) || u.Attempts != c.tries || u.LastKnown != c.last {
				t.Errorf("unverified = %+v", u)
			}
			near(t, "days", u.Days, c.at-c.since, 1e-6)
		})
	}
	// A post that cannot be verified is not a removal: it stays censored
	// at its last visible check.
	s := Subject{Platform: "t", PostID: "1", Referred: t0, Checks: []Check{ck(20, vis), ck(30, unkn), ck(90, unkn)}}
	r := Visibility([]Subject{s}, dayN(100), Options{})
	if r.Overall.Removed != 0 || r.Overall.Curve.End != 20 {
		t.Errorf("unknowns changed the estimate: %+v", r.Overall)
	}
}

func TestWordDiff(t *testing.T) {
	cases := []struct {
		a, b string
		want []DiffPart
	}{
		{"same text", "same text", []DiffPart{{"=", "same text"}}},
		{"", "new", []DiffPart{{"+", "new"}}},
		{"a b c", "a c", []DiffPart{{"=", "a "}, {"-", "b "}, {"=", "c"}}},
		// Whitespace stays with the word before it; "two" and "two " are
		// the same word, and the new spacing is what is shown.
		{"one two", "one two three", []DiffPart{{"=", "one two "}, {"+", "three"}}},
	}
	for _, c := range cases {
		if got := WordDiff(c.a, c.b); !reflect.DeepEqual(got, c.want) {
			t.Errorf("WordDiff(%q, %q) = %+v, want %+v", c.a, c.b, got, c.want)
		}
	}
	// Texts too long for the table diff as one replacement.
	long := make([]byte, 0, 4000)
	for i := 0; i < 1000; i++ {
		long = append(long, "w "...)
	}
	if got := WordDiff(string(long), string(long)+"x"); len(got) != 2 || got[0].Op != "-" || got[1].Op != "+" {
		t.Errorf("long diff = %d parts", len(got))
	}
}

// TestWholeDays: time is counted in whole days, so a post last seen
// visible early in a recheck round is still at risk when another is found
// removed later the same day (S = 1/2, not 0).
func TestWholeDays(t *testing.T) {
	s := []Subject{
		{Platform: "t", PostID: "a", Referred: t0, Checks: []Check{{At: dayN(30).Add(time.Hour), State: vis}}},
		{Platform: "t", PostID: "b", Referred: t0, Checks: []Check{{At: dayN(30).Add(5 * time.Hour), State: rem}}},
		{Platform: "t", PostID: "c", Referred: t0, Checks: []Check{{At: dayN(29).Add(23 * time.Hour), State: vis}}},
	}
	r := Visibility(s, dayN(40), Options{})
	e := r.Overall.At[0] // 30 days
	if !e.Reached || e.S != 0.5 || e.AtRisk != 2 {
		t.Errorf("1 month = %+v, want S 0.5 with 2 at risk", e)
	}
	// 29 days 23 hours is day 29: c does not reach the 30-day horizon.
	if st := r.Overall.Curve.Steps[0]; st.Days != 29 || st.Censored != 1 {
		t.Errorf("first step = %+v", st)
	}
}
