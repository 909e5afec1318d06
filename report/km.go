package report

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"sort"
)

// Obs is one subject's follow-up for the Kaplan–Meier estimate: the time in
// days from the origin to the event (Event true) or to the last time the
// subject was seen without the event (censored).
type Obs struct {
	Days  float64
	Event bool
}

// Step is the curve at one distinct observed time: the survival estimate
// just after it, with its pointwise confidence interval.
type Step struct {
	Days     float64 `json:"days"`
	AtRisk   int     `json:"at_risk"`  // subjects with time >= Days
	Events   int     `json:"events"`   // events at Days
	Censored int     `json:"censored"` // censored at Days
	S        float64 `json:"share"`
	// Lower and Upper bound S; equal to S when CI is false (no event yet,
	// or the curve reached 0), where Greenwood's interval is undefined.
	Lower float64 `json:"lower"`
	Upper float64 `json:"upper"`
	CI    bool    `json:"ci"`
	// gw is Greenwood's sum of d/(n(n-d)) up to and including this step.
	gw float64
}

// MarshalJSON rounds to six decimals: curves over many posts have many
// steps, and the last bits are noise.
func (s Step) MarshalJSON() ([]byte, error) {
	type plain Step
	p := plain(s)
	p.Days, p.S, p.Lower, p.Upper = round6(s.Days), round6(s.S), round6(s.Lower), round6(s.Upper)
	return json.Marshal(p)
}

// Curve is a Kaplan–Meier survival curve: S(t) is the product of
// (1 - d_j/n_j) over the event times t_j <= t.
type Curve struct {
	N     int     `json:"n"`
	Conf  float64 `json:"confidence"`
	Steps []Step  `json:"steps"`
	// End is the largest observed time (event or censoring): the estimate
	// is not given beyond it.
	End float64 `json:"end_days"`
	z   float64
}

// KaplanMeier estimates the survival curve from obs with pointwise
// confidence intervals at level conf (e.g. 0.95).
//
// Ties follow the usual convention: all events at a time happen before the
// censorings at that time, so a subject censored at t is still at risk at
// t. The variance is Greenwood's, Var(S) = S^2 * sum d/(n(n-d)), and the
// interval is built on the log(-log S) scale (Kalbfleisch–Prentice): it
// stays inside [0,1], and it covers better than the plain S ± z·se when S
// is near 1 or the groups are small, which is exactly the case for a
// force with a few dozen referrals of which most stay up.
func KaplanMeier(obs []Obs, conf float64) Curve {
	c := Curve{N: len(obs), Conf: conf, z: zFor(conf)}
	if len(obs) == 0 {
		return c
	}
	sorted := make([]Obs, len(obs))
	copy(sorted, obs)
	slices.SortFunc(sorted, func(a, b Obs) int { return cmp.Compare(a.Days, b.Days) })
	c.End = sorted[len(sorted)-1].Days
	atRisk := len(sorted)
	s, gw := 1.0, 0.0
	for i := 0; i < len(sorted); {
		t := sorted[i].Days
		d, cens := 0, 0
		for ; i < len(sorted) && sorted[i].Days == t; i++ {
			if sorted[i].Event {
				d++
			} else {
				cens++
			}
		}
		st := Step{Days: t, AtRisk: atRisk, Events: d, Censored: cens}
		if d > 0 {
			s *= 1 - float64(d)/float64(atRisk)
			if d < atRisk {
				gw += float64(d) / (float64(atRisk) * float64(atRisk-d))
			} else {
				gw = math.Inf(1)
			}
		}
		st.S, st.gw = s, gw
		st.Lower, st.Upper, st.CI = logLogCI(s, gw, c.z)
		c.Steps = append(c.Steps, st)
		atRisk -= d + cens
	}
	return c
}

// logLogCI is the interval S^exp(±z·sqrt(gw)/log S). With no event yet
// (S = 1) or the curve at 0, the interval is undefined: the bounds are S
// and ok is false.
func logLogCI(s, gw, z float64) (lo, hi float64, ok bool) {
	if s >= 1 || s <= 0 || gw == 0 || math.IsInf(gw, 0) {
		return s, s, false
	}
	a := z * math.Sqrt(gw) / math.Log(s) // negative
	return math.Pow(s, math.Exp(-a)), math.Pow(s, math.Exp(a)), true
}

// zFor is the two-sided standard normal quantile for confidence conf.
func zFor(conf float64) float64 {
	if conf <= 0 || conf >= 1 {
		conf = 0.95
	}
	return math.Sqrt2 * math.Erfinv(conf)
}

// Estimate is the curve read at one horizon.
type Estimate struct {
	Months int     // the horizon's label in months; 0 when read at raw Days
	Days   float64 // the horizon in days after the origin
	// Reached is false when follow-up is too short: every subject's
	// observed time ends before Days.
	Reached bool
	S       float64
	Lower   float64
	Upper   float64
	CI      bool // Lower/Upper are a real interval
	AtRisk  int  // subjects still under observation at Days
	Events  int  // events up to and including Days
}

// MarshalJSON writes unavailable numbers as null rather than 0.
func (e Estimate) MarshalJSON() ([]byte, error) {
	type out struct {
		Months  int      `json:"months,omitempty"`
		Days    float64  `json:"days"`
		Reached bool     `json:"reached"`
		Share   *float64 `json:"share"`
		Lower   *float64 `json:"lower"`
		Upper   *float64 `json:"upper"`
		AtRisk  int      `json:"at_risk"`
		Events  int      `json:"events"`
	}
	o := out{Months: e.Months, Days: e.Days, Reached: e.Reached, AtRisk: e.AtRisk, Events: e.Events}
	if e.Reached {
		o.Share = ptr(round6(e.S))
		if e.CI {
			o.Lower, o.Upper = ptr(round6(e.Lower)), ptr(round6(e.Upper))
		}
	}
	return json.Marshal(o)
}

func ptr[T any](v T) *T { return &v }

// round6 keeps JSON stable across platforms' last-bit differences.
func round6(f float64) float64 { return math.Round(f*1e6) / 1e6 }

// At reads the curve at t days.
func (c Curve) At(t float64) Estimate {
	e := Estimate{Days: t, S: 1, Lower: 1, Upper: 1}
	// Last step with Days <= t.
	i := sort.Search(len(c.Steps), func(i int) bool { return c.Steps[i].Days > t }) - 1
	if i >= 0 {
		st := c.Steps[i]
		e.S, e.Lower, e.Upper, e.CI = st.S, st.Lower, st.Upper, st.CI
		for _, s := range c.Steps[:i+1] {
			e.Events += s.Events
		}
	}
	// At risk at t: everyone whose time is >= t.
	e.AtRisk = c.N
	for _, s := range c.Steps {
		if s.Days >= t {
			break
		}
		e.AtRisk -= s.Events + s.Censored
	}
	// Beyond the longest follow-up nothing is known, even when the last
	// subject's event took the curve to 0 (as R's summary.survfit: a
	// single post followed to 300 days must not say "0% at 12 months").
	e.Reached = c.N > 0 && t <= c.End
	return e
}

// Median is the median time to the event, with its confidence interval.
type Median struct {
	// Reached is false when the curve never falls to 0.5 within follow-up.
	Reached bool
	Days    float64
	// The interval is the set of times whose pointwise interval contains
	// 0.5 (Brookmeyer–Crowley read off the log-log band, as R's survfit
	// does). LowerOK/UpperOK are false when a bound is not reached.
	Lower, Upper     float64
	LowerOK, UpperOK bool
}

// MarshalJSON writes unreached values as null.
func (m Median) MarshalJSON() ([]byte, error) {
	type out struct {
		Reached bool     `json:"reached"`
		Days    *float64 `json:"days"`
		Lower   *float64 `json:"lower_days"`
		Upper   *float64 `json:"upper_days"`
	}
	var o out
	o.Reached = m.Reached
	if m.Reached {
		o.Days = ptr(round6(m.Days))
	}
	if m.LowerOK {
		o.Lower = ptr(round6(m.Lower))
	}
	if m.UpperOK {
		o.Upper = ptr(round6(m.Upper))
	}
	return json.Marshal(o)
}

// Median returns the smallest time t with S(t) <= 0.5 (the textbook
// definition; no interpolation across a flat stretch at exactly 0.5).
func (c Curve) Median() Median {
	var m Median
	for _, st := range c.Steps {
		if !m.Reached && st.S <= 0.5 {
			m.Reached, m.Days = true, st.Days
		}
		// The band's lower edge crosses 0.5 first: that is the earliest
		// time the median could plausibly be; the upper edge, the latest.
		if !m.LowerOK && st.Lower <= 0.5 {
			m.LowerOK, m.Lower = true, st.Days
		}
		if !m.UpperOK && st.Upper <= 0.5 {
			m.UpperOK, m.Upper = true, st.Days
		}
	}
	return m
}
