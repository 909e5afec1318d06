package classify

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
)

// Explanation says why a post got its scores: the normalised text, each
// rule hit with the context rules that changed it, and for each category
// the rule score, the model's score, its strongest n-grams and the verdict.
type Explanation struct {
	Normalised string
	// Names are the place and force names the models saw as one shared
	// token each, as written, with "place" or "force".
	Names []NameInfo
	Hits  []HitInfo
	Cats  []CatInfo
}

// NameInfo is a place or force name of the post.
type NameInfo struct {
	Start, End int
	Text       string
	Kind       string // "place" or "force"
}

// HitInfo is one rule hit.
type HitInfo struct {
	Category   Category
	Rule       string // term "scrote*" (group) or pattern "name"
	Start, End int
	Text       string
	Weight     float64 // after context rules
	Context    []string
	Overridden bool // inside a longer hit of the same category
}

// CatInfo is the scoring of one category.
type CatInfo struct {
	Category   Category
	RuleScore  float64
	HasModel   bool
	ModelScore float64
	Score      float64
	Threshold  float64
	RulesAlone float64
	// ModelAlone is the model probability needed without a supporting
	// rule hit; Supported says whether a hit of weight 0.3 or more was
	// there, and ModelFactor what model: true context rules left of the
	// model's score.
	ModelAlone  float64
	Supported   bool
	ModelFactor float64
	Flagged     bool
	TopNgrams   []string
}

// Explain classifies text and says why.
func (c *Classifier) Explain(text string) (Result, Explanation) {
	w := new(work)
	c.run(w, text)
	res := c.result(w, text)
	var e Explanation
	e.Normalised = strings.TrimSpace(string(w.d.norm))
	for t, p := range w.d.place {
		if p > 0 {
			os, oe := w.d.toks[t].os, w.d.toks[t+int(p)-1].oe
			kind := "place"
			if w.d.unitLabel(t) == forceLabel {
				kind = "force"
			}
			e.Names = append(e.Names, NameInfo{Start: int(os), End: int(oe), Text: text[os:oe], Kind: kind})
		}
	}
	rs := c.rules
	for i := range w.hits {
		h := &w.hits[i]
		hi := HitInfo{Category: Categories[h.cat], Start: int(h.os), End: int(h.oe), Text: text[h.os:h.oe],
			Weight: h.w, Overridden: h.dropped}
		if int(h.key) < len(rs.terms) {
			t := rs.terms[h.key]
			name := t.text
			if t.stemStart {
				name = "*" + name
			}
			if t.stemEnd {
				name += "*"
			}
			hi.Rule = fmt.Sprintf("term %q (%s %.2f, %s:%d)", name, rs.groups[t.group].name, t.weight, rs.cats[t.cat].file, t.line)
		} else {
			p := rs.patterns[int(h.key)-len(rs.terms)]
			hi.Rule = fmt.Sprintf("pattern %q (%.2f, %s:%d)", p.name, p.weight, rs.cats[p.cat].file, p.line)
		}
		for _, ri := range w.applied[h.ctxFrom:h.ctxTo] {
			cr := &rs.ctx[ri]
			op := "lowered"
			if cr.raise {
				op = "raised"
			}
			hi.Context = append(hi.Context, fmt.Sprintf("%s x%.2g by %q (%s:%d)", op, cr.factor, cr.name, rs.cats[cr.cat].file, cr.line))
		}
		e.Hits = append(e.Hits, hi)
	}
	sort.SliceStable(e.Hits, func(i, j int) bool { return e.Hits[i].Start < e.Hits[j].Start })
	for ci, cat := range Categories {
		info := CatInfo{Category: cat, RuleScore: w.rule[ci], HasModel: c.hasModel[ci], Score: c.score(w, ci),
			Threshold: rs.cats[ci].threshold, RulesAlone: rs.cats[ci].rulesAlone, ModelAlone: rs.cats[ci].modelAlone,
			Supported: w.support[ci] >= weakHit, ModelFactor: w.mfactor[ci]}
		info.Flagged = slices.Contains(res.Categories, cat)
		if info.HasModel {
			info.ModelScore = sigmoid(w.z[ci])
			for _, u := range c.topNgrams(w, ci, 5) {
				info.TopNgrams = append(info.TopNgrams, fmt.Sprintf("%q %+.2f", u.label, u.weight))
			}
		}
		e.Cats = append(e.Cats, info)
	}
	return res, e
}

// Write prints the explanation for a reviewer.
func (e Explanation) Write(w io.Writer, id string) {
	fmt.Fprintf(w, "post %s\n  normalised: %s\n", id, e.Normalised)
	if len(e.Names) > 0 {
		fmt.Fprintf(w, "  names the models see as one token:")
		for i, n := range e.Names {
			sep := ","
			if i == 0 {
				sep = ""
			}
			fmt.Fprintf(w, "%s %q (%s)", sep, n.Text, n.Kind)
		}
		fmt.Fprintln(w)
	}
	for _, c := range e.Cats {
		verdict := "not flagged"
		if c.Flagged {
			verdict = "FLAGGED"
		}
		model := "no model"
		if c.HasModel {
			model = fmt.Sprintf("model %.3f", c.ModelScore)
		}
		fmt.Fprintf(w, "  %-10s score %.3f (rules %.3f, %s) threshold %.2f: %s\n", c.Category, c.Score, c.RuleScore, model, c.Threshold, verdict)
		if c.HasModel && !c.Supported && c.ModelAlone > c.Threshold && (c.ModelScore >= c.Threshold/2 || c.ModelFactor < 1) {
			fmt.Fprintf(w, "             no rule hit of 0.3 supports it: the model alone needs %.2f", c.ModelAlone)
			if c.ModelFactor < 1 {
				fmt.Fprintf(w, " (its score x%.2g by context rules)", c.ModelFactor)
			}
			fmt.Fprintln(w)
		}
		if c.RuleScore >= c.RulesAlone {
			fmt.Fprintf(w, "             rule score reached rules_alone %.2f\n", c.RulesAlone)
		}
		for _, h := range e.Hits {
			if h.Category != c.Category {
				continue
			}
			note := ""
			if h.Overridden {
				note = " [inside a longer match, not counted]"
			}
			fmt.Fprintf(w, "             %d-%d %q: %s -> %.2f%s\n", h.Start, h.End, h.Text, h.Rule, h.Weight, note)
			for _, cx := range h.Context {
				fmt.Fprintf(w, "               %s\n", cx)
			}
		}
		if c.HasModel && len(c.TopNgrams) > 0 && (c.Flagged || c.ModelScore >= c.Threshold/2) {
			fmt.Fprintf(w, "             model n-grams: %s\n", strings.Join(c.TopNgrams, ", "))
		}
	}
}
