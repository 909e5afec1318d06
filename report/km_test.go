package report

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func near(t *testing.T, what string, got, want, tol float64) {
	t.Helper()
	if math.Abs(got-want) > tol {
		t.Errorf("%s = %.6f, want %.6f", what, got, want)
	}
}

// obs builds observations from "t" (event) and "t+" (censored) tokens.
func obs(spec string) []Obs {
	var out []Obs
	for _, f := range strings.Fields(spec) {
		o := Obs{Event: !strings.HasSuffix(f, "+")}
		var d float64
		for _, r := range strings.TrimSuffix(f, "+") {
			d = d*10 + float64(r-'0')
		}
		o.Days = d
		out = append(out, o)
	}
	return out
}

// TestKaplanMeierHand checks a small case worked by hand:
//
//	times 1, 2+, 3, 3, 4+, 5 (n = 6, a tie of two events at 3)
//	t=1: n=6 d=1  S = 5/6                  gw = 1/(6·5)         = 1/30
//	t=3: n=4 d=2  S = 5/6 · 2/4 = 5/12     gw = 1/30 + 2/(4·2)  = 17/60
//	t=5: n=1 d=1  S = 0
//
// log-log interval: S^exp(∓ z·sqrt(gw)/ln S), z = 1.959964.
func TestKaplanMeierHand(t *testing.T) {
	c := KaplanMeier(obs("1 2+ 3 3 4+ 5"), 0.95)
	if c.N != 6 || c.End != 5 || len(c.Steps) != 5 {
		t.Fatalf("curve = %+v", c)
	}
	want := []struct {
		days                   float64
		atRisk, events, cens   int
		s, lower, upper, sumGW float64
		ci                     bool
	}{
		{1, 6, 1, 0, 5.0 / 6, 0.273123, 0.974712, 1.0 / 30, true},
		{2, 5, 0, 1, 5.0 / 6, 0.273123, 0.974712, 1.0 / 30, true},
		{3, 4, 2, 0, 5.0 / 12, 0.055992, 0.766522, 17.0 / 60, true},
		{4, 2, 0, 1, 5.0 / 12, 0.055992, 0.766522, 17.0 / 60, true},
		{5, 1, 1, 0, 0, 0, 0, math.Inf(1), false},
	}
	for i, w := range want {
		st := c.Steps[i]
		if st.Days != w.days || st.AtRisk != w.atRisk || st.Events != w.events || st.Censored != w.cens || st.CI != w.ci {
			t.Errorf("step %d = %+v, want %+v", i, st, w)
		}
		near(t, "S", st.S, w.s, 1e-12)
		near(t, "lower", st.Lower, w.lower, 1e-6)
		near(t, "upper", st.Upper, w.upper, 1e-6)
		if !math.IsInf(w.sumGW, 0) {
			near(t, "greenwood sum", st.gw, w.sumGW, 1e-12)
			// Greenwood's variance itself: S² · gw.
			near(t, "greenwood var", st.S*st.S*st.gw, w.s*w.s*w.sumGW, 1e-12)
		}
	}
	// Reading between steps takes the step at or before.
	e := c.At(3.5)
	if !e.Reached || e.S != 5.0/12 || e.AtRisk != 2 || e.Events != 3 {
		t.Errorf("At(3.5) = %+v", e)
	}
	if e := c.At(0.5); !e.Reached || e.S != 1 || e.CI || e.AtRisk != 6 || e.Events != 0 {
		t.Errorf("At(0.5) = %+v", e)
	}
	// At the end the curve is 0; past the end nothing is known, not even
	// that it stays 0: nobody was followed that long.
	if e := c.At(5); !e.Reached || e.S != 0 || e.AtRisk != 1 {
		t.Errorf("At(5) = %+v", e)
	}
	if e := c.At(5.5); e.Reached || e.AtRisk != 0 {
		t.Errorf("At(5.5) = %+v", e)
	}
	m := c.Median()
	// S first falls to <= 0.5 at 3. Lower band <= 0.5 first at 1 (0.273);
	// upper band first at 5 (S = 0).
	if !m.Reached || m.Days != 3 || !m.LowerOK || m.Lower != 1 || !m.UpperOK || m.Upper != 5 {
		t.Errorf("median = %+v", m)
	}
}

// TestKaplanMeierTiesWithCensoring checks that events at a time come
// before censorings at that time: the two censored at 2 are at risk at 2.
//
//	times 2, 2+, 2+, 5, 6+
//	t=2: n=5 d=1  S = 4/5 (not 2/3, which censoring-first would give)
//	t=5: n=2 d=1  S = 2/5
func TestKaplanMeierTiesWithCensoring(t *testing.T) {
	c := KaplanMeier(obs("5 2+ 2 6+ 2+"), 0.95)
	e := c.At(2)
	near(t, "S(2)", e.S, 0.8, 1e-12)
	near(t, "lower(2)", e.Lower, 0.203809, 1e-6)
	near(t, "upper(2)", e.Upper, 0.969180, 1e-6)
	if e.AtRisk != 5 {
		t.Errorf("at risk at 2 = %d, want 5", e.AtRisk)
	}
	e = c.At(5)
	near(t, "S(5)", e.S, 0.4, 1e-12)
	near(t, "lower(5)", e.Lower, 0.011369, 1e-6)
	near(t, "upper(5)", e.Upper, 0.828996, 1e-6)
	if e.AtRisk != 2 {
		t.Errorf("at risk at 5 = %d, want 2", e.AtRisk)
	}
	// The last subject is censored at 6: the curve is known up to 6 and
	// not after, where it would otherwise claim 40% for a time nobody was
	// followed to.
	if e := c.At(6); !e.Reached || e.S != 0.4 || e.AtRisk != 1 {
		t.Errorf("At(6) = %+v", e)
	}
	if e := c.At(6.01); e.Reached || e.AtRisk != 0 {
		t.Errorf("At(6.01) = %+v, want not reached", e)
	}
	if m := c.Median(); !m.Reached || m.Days != 5 || !m.LowerOK || m.Lower != 2 || m.UpperOK {
		t.Errorf("median = %+v", m)
	}
}

// TestKaplanMeierFreireich checks the 6-MP arm of Freireich et al. (1963),
// the textbook example, against R's published
// survfit(Surv(time, status) ~ 1, conf.type = "log-log") output.
func TestKaplanMeierFreireich(t *testing.T) {
	c := KaplanMeier(obs("6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+"), 0.95)
	want := []struct {
		t                   float64
		n, d                int
		s, se, lower, upper float64
	}{
		{6, 21, 3, 0.857, 0.0764, 0.620, 0.952},
		{7, 17, 1, 0.807, 0.0869, 0.563, 0.923},
		{10, 15, 1, 0.753, 0.0963, 0.503, 0.889},
		{13, 12, 1, 0.690, 0.1068, 0.432, 0.849},
		{16, 11, 1, 0.627, 0.1141, 0.368, 0.805},
		{22, 7, 1, 0.538, 0.1282, 0.268, 0.747},
		{23, 6, 1, 0.448, 0.1346, 0.188, 0.680},
	}
	for _, w := range want {
		e := c.At(w.t)
		if e.AtRisk != w.n {
			t.Errorf("n.risk at %v = %d, want %d", w.t, e.AtRisk, w.n)
		}
		near(t, "survival", e.S, w.s, 5e-4)
		i := 0
		for c.Steps[i].Days != w.t {
			i++
		}
		if c.Steps[i].Events != w.d {
			t.Errorf("events at %v = %d, want %d", w.t, c.Steps[i].Events, w.d)
		}
		near(t, "std.err", e.S*math.Sqrt(c.Steps[i].gw), w.se, 5e-5)
		near(t, "lower", e.Lower, w.lower, 5e-4)
		near(t, "upper", e.Upper, w.upper, 5e-4)
	}
	// R: median 23, 0.95LCL 13, 0.95UCL NA (log-log).
	if m := c.Median(); !m.Reached || m.Days != 23 || !m.LowerOK || m.Lower != 13 || m.UpperOK {
		t.Errorf("median = %+v", m)
	}
}

func TestKaplanMeierEdges(t *testing.T) {
	// No subjects: nothing is reached.
	c := KaplanMeier(nil, 0.95)
	if e := c.At(30); e.Reached {
		t.Errorf("empty At = %+v", e)
	}
	if m := c.Median(); m.Reached {
		t.Errorf("empty median = %+v", m)
	}
	// Everyone censored: S stays 1 with no interval, median not reached.
	c = KaplanMeier(obs("10+ 20+ 30+"), 0.95)
	if e := c.At(30); !e.Reached || e.S != 1 || e.CI {
		t.Errorf("all censored At(30) = %+v", e)
	}
	if m := c.Median(); m.Reached || m.LowerOK || m.UpperOK {
		t.Errorf("all censored median = %+v", m)
	}
	// A wider confidence level gives a wider interval.
	c90 := KaplanMeier(obs("1 2+ 3 3 4+ 5"), 0.90).At(1)
	c95 := KaplanMeier(obs("1 2+ 3 3 4+ 5"), 0.95).At(1)
	if !(c90.Lower > c95.Lower && c90.Upper < c95.Upper) {
		t.Errorf("90%% (%v, %v) not inside 95%% (%v, %v)", c90.Lower, c90.Upper, c95.Lower, c95.Upper)
	}
	// Input order does not matter and the input is not modified.
	in := obs("5 1 3")
	KaplanMeier(in, 0.95)
	if in[0].Days != 5 {
		t.Errorf("input reordered: %v", in)
	}
}

func TestEstimateJSON(t *testing.T) {
	c := KaplanMeier(obs("1 2+ 3 3 4+ 5+"), 0.95)
	raw, err := json.Marshal([]Estimate{c.At(1), c.At(0.5), c.At(9)})
	if err != nil {
		t.Fatal(err)
	}
	want := `[{"days":1,"reached":true,"share":0.833333,"lower":0.273123,"upper":0.974712,"at_risk":6,"events":1},` +
		`{"days":0.5,"reached":true,"share":1,"lower":null,"upper":null,"at_risk":6,"events":0},` +
		`{"days":9,"reached":false,"share":null,"lower":null,"upper":null,"at_risk":0,"events":3}]`
	if string(raw) != want {
		t.Errorf("json =\n%s\nwant\n%s", raw, want)
	}
}
