package classify

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Classifier flags posts. It is immutable after Load and safe for
// concurrent use; per-call scratch space comes from a pool.
type Classifier struct {
	rules *ruleSet
	// weights holds the four categories' weights of each slot side by
	// side, each category quantised to int16 steps of scale and kept as
	// float32 (exactly), so that the sums need no conversion: 2 MB, but
	// the sums were bound by instructions rather than by cache misses. An
	// array, so a masked slot needs no bounds check.
	weights  *[dim][4]float32
	scale    [4]float32
	bias     [4]float64
	hasModel [4]bool
	models   [4]*Model
	version  string
	pool     sync.Pool
}

// hit is one rule match in a post.
type hit struct {
	cat     int
	group   int
	key     int32 // term index, or len(terms)+pattern index
	tf, tl  int32 // first and last token
	os, oe  int32 // original bytes
	w0, w   float64
	ctxFrom int32 // applied context rules: work.applied[ctxFrom:ctxTo]
	ctxTo   int32
	dropped bool // inside a longer hit of the same category
}

type cueHit struct {
	id     int32
	tf, tl int32
}

// work is the scratch space of one Classify call.
type work struct {
	d       doc
	ms      []match
	msTail  []match // scratch of findSplit
	hits    []hit
	cues    []cueHit
	cueSeen []bool
	pats    idSet // patterns required by a cue of the post
	applied []int32
	masked  []bool
	fs      []feat
	groups  []uint32
	rule    [4]float64
	z       [4]float64
	// cancelled marks categories where a context rule cancelled a hit
	// (the post condemns or reports what it quotes): their score is the
	// rule score alone, since the rest of such a post ("racist abuse",
	// "hate crime") reads as offensive to a model.
	cancelled [4]bool
	// support is the weight of the strongest rule hit of each category
	// (after context rules); below weakHit the model stands alone.
	support [4]float64
	// mfactor scales the model's probability of a category that no rule
	// hit supports, by the context rules marked model: true whose cues are
	// in the post.
	mfactor [4]float64
	uni, bi []float64
	units   []unit
	// low is the post with ASCII letters lower-cased, for the lowered
	// patterns; made once a pattern runs (lowState 1: usable, 2: not).
	low      []byte
	lowState uint8
	locs     []int // pattern matches: start, end pairs
	// lazy skips building fs: Classify needs the features only to
	// explain a flag the model made alone (topNgrams). fsMade says fs is
	// built, fsMasked is the mask it is built with.
	lazy   bool
	fsMade bool
	// noFeatures: the post gave the model no feature at all (no word and
	// no rule hit), so its score would be the model's bias alone.
	noFeatures bool
	fsMasked   []bool
	// reference turns off the fast paths whose results must equal the
	// general code's (plain words, lowered and anchored patterns, the
	// model's sums without features), for tests.
	reference bool
}

// unit is a candidate for model evidence: tokens a..b and their weight,
// a word or place, or with big two of them.
type unit struct {
	a, b int32
	w    float64
	big  bool
}

// Load reads categories/*.yaml and models/*.json from fsys (see the rules
// package) and compiles them. A category without a model is scored by its
// rules alone.
func Load(fsys fs.FS) (*Classifier, error) {
	rs, err := loadRules(fsys)
	if err != nil {
		return nil, err
	}
	c := &Classifier{rules: rs, weights: new([dim][4]float32)}
	names, err := fs.Glob(fsys, "models/*.json")
	if err != nil {
		return nil, fmt.Errorf("models: %w", err)
	}
	sort.Strings(names)
	var mv []string
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("models: %w", err)
		}
		m, err := ParseModel(name, data)
		if err != nil {
			return nil, err
		}
		want := strings.TrimSuffix(path.Base(name), ".json")
		if string(m.Category) != want {
			return nil, &RuleError{File: name, Msg: fmt.Sprintf("model for %q in a file named %s", m.Category, path.Base(name))}
		}
		c.setModel(m)
		mv = append(mv, fmt.Sprintf("%s-%s", m.Category, digest(data)))
	}
	rv, err := rulesDigest(fsys, rs.places)
	if err != nil {
		return nil, err
	}
	c.version = "rules-" + rv
	if len(mv) > 0 {
		c.version += " models " + strings.Join(mv, ",")
	}
	c.pool.New = func() any { return new(work) }
	return c, nil
}

// LoadRules compiles the category rules of fsys without any model, for
// training a model from scratch.
func LoadRules(fsys fs.FS) (*Classifier, error) {
	rs, err := loadRules(fsys)
	if err != nil {
		return nil, err
	}
	rv, err := rulesDigest(fsys, rs.places)
	if err != nil {
		return nil, err
	}
	c := &Classifier{rules: rs, weights: new([dim][4]float32), version: "rules-" + rv}
	c.pool.New = func() any { return new(work) }
	return c, nil
}

// WithModel returns a copy of c that uses m for m's category (for comparing
// a retrained model with the current one before writing it).
func (c *Classifier) WithModel(m *Model) *Classifier {
	n := &Classifier{rules: c.rules, weights: new([dim][4]float32), bias: c.bias, scale: c.scale,
		hasModel: c.hasModel, models: c.models, version: c.version + " +candidate-" + string(m.Category)}
	*n.weights = *c.weights
	n.setModel(m)
	n.pool.New = func() any { return new(work) }
	return n
}

func (c *Classifier) setModel(m *Model) {
	ci := catIndex(m.Category)
	for i := 0; i < dim; i++ {
		c.weights[i][ci] = 0
	}
	maxAbs := 0.0
	for _, w := range m.Weights {
		maxAbs = math.Max(maxAbs, math.Abs(w[1]))
	}
	scale := maxAbs / math.MaxInt16
	if scale == 0 {
		scale = 1
	}
	for _, w := range m.Weights {
		c.weights[int(w[0])][ci] = float32(int16(math.Round(w[1] / scale)))
	}
	c.scale[ci] = float32(scale)
	c.bias[ci] = m.Bias
	c.hasModel[ci] = true
	c.models[ci] = m
}

// rulesDigest hashes the category files and the place names the models do
// not see (not the rest of forces.yaml), so a retrained model does not
// change the rules version.
func rulesDigest(fsys fs.FS, places *placeTable) (string, error) {
	names, err := fs.Glob(fsys, "categories/*.yaml")
	if err != nil {
		return "", err
	}
	sort.Strings(names)
	var all []byte
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", err
		}
		all = append(all, n...)
		all = append(all, 0)
		all = append(all, b...)
		all = append(all, 0)
	}
	if places != nil {
		all = append(all, placesFile+"\x00"+places.digest...)
	}
	return digest(all), nil
}

// Version names the rules and models in use, e.g.
// "rules-1a2b3c4d models offensive-5e6f7a8b,procedure-...". It is recorded
// with every flag.
func (c *Classifier) Version() string { return c.version }

// Threshold returns the score at which cat is flagged.
func (c *Classifier) Threshold(cat Category) float64 {
	ci := catIndex(cat)
	if ci < 0 {
		return math.Inf(1)
	}
	return c.rules.cats[ci].threshold
}

// Model returns the model in use for cat, or nil.
func (c *Classifier) Model(cat Category) *Model {
	ci := catIndex(cat)
	if ci < 0 {
		return nil
	}
	return c.models[ci]
}

// Classify scores text in every category and returns the flags with their
// evidence. Text need not be valid UTF-8; evidence offsets are byte offsets
// into text.
func (c *Classifier) Classify(text string) Result {
	w := c.pool.Get().(*work)
	w.lazy = true
	c.run(w, text)
	r := c.result(w, text)
	c.pool.Put(w)
	return r
}

// run does everything but building the result.
func (c *Classifier) run(w *work, text string) {
	rs := c.rules
	d := &w.d
	d.general = w.reference
	d.normalize(text)
	rs.places.markWords(d)
	w.ms, w.msTail = rs.auto.findSplit(d.norm, w.ms[:0], w.msTail)
	w.hits = w.hits[:0]
	w.cues = w.cues[:0]
	w.applied = w.applied[:0]
	if cap(w.cueSeen) < len(rs.cues) {
		w.cueSeen = make([]bool, len(rs.cues))
	}
	w.cueSeen = w.cueSeen[:len(rs.cues)]
	clear(w.cueSeen)
	w.lowState = 0
	if w.reference {
		w.lowState = 2 // the patterns as written
	}
	near := 0 // matches come in order of their end: look near the last
	for _, m := range w.ms {
		ap := rs.autoPats[m.id]
		s, e := m.start, m.end
		if !ap.stemStart {
			s++
		}
		if !ap.stemEnd {
			e--
		}
		var tf, tl int32
		tl, near = d.tokenNear(e-1, near)
		tf, _ = d.tokenNear(s, near)
		if tf < 0 || tl < 0 || d.insideName(tf, tl) {
			continue
		}
		if ap.kind == kindCue {
			if len(w.cues) < maxMatches {
				w.cues = append(w.cues, cueHit{id: ap.ref, tf: tf, tl: tl})
			}
			w.cueSeen[ap.ref] = true
			continue
		}
		if len(w.hits) >= maxMatches {
			continue
		}
		t := &rs.terms[ap.ref]
		w.hits = append(w.hits, hit{cat: t.cat, group: t.group, key: ap.ref, tf: tf, tl: tl,
			os: d.toks[tf].os, oe: d.toks[tl].oe, w0: t.weight})
	}
	// the patterns that a cue of the post may set off, so that the others
	// need no look at every cue
	nw := idWords(len(rs.patterns))
	w.pats = slices.Grow(w.pats[:0], nw)[:nw]
	clear(w.pats)
	for _, ch := range w.cues {
		w.pats.or(rs.cuePats[ch.id])
	}
	for pi := range rs.patterns {
		p := &rs.patterns[pi]
		if len(p.requires) == 0 {
			c.matchPattern(w, pi, text, 0)
			continue
		}
		if !w.pats.has(int32(pi)) {
			continue
		}
		// Run the pattern only on a window of words around each cue, so a
		// common cue word costs a short match, not a pass over the post.
		// (Without a required cue among the post's cues, it does not run.)
		lastEnd := int32(-1)
		for _, ch := range w.cues {
			if !p.reqSet.has(ch.id) {
				continue
			}
			a := max(0, ch.tf-p.window)
			b := min(int32(len(d.toks))-1, ch.tl+p.window)
			from, to := d.toks[a].os, d.toks[b].oe
			if from < lastEnd {
				from = lastEnd
			}
			if from >= to {
				continue
			}
			c.matchPattern(w, pi, text[:to], from)
			lastEnd = to
		}
	}
	// A hit inside a longer hit of the same category gives way to it: a
	// phrase (or an allowed phrase of weight 0) overrides its words.
	for i := range w.hits {
		a := &w.hits[i]
		for j := range w.hits {
			b := &w.hits[j]
			if i == j || a.cat != b.cat || b.tf > a.tf || a.tl > b.tl {
				continue
			}
			longer := b.tl-b.tf > a.tl-a.tf || b.oe-b.os > a.oe-a.os
			same := b.tl-b.tf == a.tl-a.tf && b.oe-b.os == a.oe-a.os
			// on the same words, an allowed phrase (weight 0) wins, then
			// the heavier term, then the first
			if longer || same && (b.w0 == 0 && a.w0 > 0 || (b.w0 == 0) == (a.w0 == 0) && (b.w0 > a.w0 || b.w0 == a.w0 && j < i)) {
				a.dropped = true
				break
			}
		}
	}
	// context rules
	if cap(w.masked) < len(d.toks) {
		w.masked = make([]bool, len(d.toks), cap(d.toks))
	}
	w.masked = w.masked[:len(d.toks)]
	clear(w.masked)
	anyMasked := false
	w.cancelled = [4]bool{}
	for i := range w.hits {
		h := &w.hits[i]
		h.w = h.w0
		h.ctxFrom = int32(len(w.applied))
		if h.dropped {
			h.ctxTo = h.ctxFrom
			continue
		}
		lowered := false
		for _, ri := range rs.cats[h.cat].ctx {
			cr := &rs.ctx[ri]
			if cr.groups != nil && (h.group >= len(cr.groups) || !cr.groups[h.group]) {
				continue
			}
			if !c.ctxApplies(w, cr, h) {
				continue
			}
			w.applied = append(w.applied, int32(ri))
			if cr.raise {
				h.w = math.Min(1, h.w*cr.factor)
			} else {
				h.w *= cr.factor
				lowered = true
				if cr.factor <= cancelFactor {
					w.cancelled[h.cat] = true
				}
			}
		}
		h.ctxTo = int32(len(w.applied))
		if lowered || rs.groups[h.group].hide {
			for t := h.tf; t <= h.tl; t++ {
				w.masked[t] = true
			}
			anyMasked = true
		}
	}
	// rule scores: noisy-or over distinct terms, each at its best weight
	w.groups = w.groups[:0]
	for ci := 0; ci < 4; ci++ {
		w.rule[ci] = 0
		w.support[ci] = 0
		w.mfactor[ci] = 1
	}
	for i := range w.hits {
		h := &w.hits[i]
		if h.dropped || h.w <= 0 || rs.groups[h.group].hide {
			continue
		}
		best := true
		for j := range w.hits {
			o := &w.hits[j]
			if j != i && o.key == h.key && !o.dropped && (o.w > h.w || o.w == h.w && j < i) {
				best = false
				break
			}
		}
		if !best {
			continue
		}
		w.rule[h.cat] = 1 - (1-w.rule[h.cat])*(1-h.w)
		w.support[h.cat] = math.Max(w.support[h.cat], h.w)
		w.addSlot(rs.groups[h.group].slot)
		// the context rules that changed the hit are features too: the
		// model learns how far "judged with contempt" or "condemning"
		// can be trusted
		for _, ri := range w.applied[h.ctxFrom:h.ctxTo] {
			w.addSlot(rs.ctx[ri].slot)
		}
	}
	// context rules that also speak to the model: a cue anywhere in the
	// post lowers the score of a category no rule hit supports
	for ci := 0; ci < 4; ci++ {
		if w.support[ci] >= weakHit {
			continue
		}
		for _, ri := range rs.cats[ci].ctx {
			cr := &rs.ctx[ri]
			if !cr.model {
				continue
			}
			for _, id := range cr.cues {
				if w.cueSeen[id] {
					w.mfactor[ci] *= cr.factor
					break
				}
			}
		}
	}
	// model
	masked := w.masked
	if !anyMasked {
		masked = nil
	}
	w.fsMasked = masked
	var z [4]float32
	var nf int
	if w.lazy && !w.reference {
		z, nf = c.modelSums(d, masked, &w.rule, w.groups)
		w.fs, w.fsMade = w.fs[:0], false
	} else {
		w.fs, w.fsMade = extract(d, masked, &w.rule, w.groups, w.fs[:0]), true
		z, nf = c.dot(w.fs), len(w.fs)
	}
	w.noFeatures = nf == 0
	for ci := 0; ci < 4; ci++ {
		w.z[ci] = c.bias[ci] + float64(z[ci]*c.scale[ci])
	}
}

// addSlot adds a rule feature slot once.
func (w *work) addSlot(slot uint32) {
	for _, g := range w.groups {
		if g == slot {
			return
		}
	}
	w.groups = append(w.groups, slot)
}

// maxMatches caps the rule hits and the context cues looked at in one
// post, so that a hostile post repeating a word thousands of times costs
// linear time; scores saturate long before.
const maxMatches = 128

// defaultPatternWindow is how many words either side of a required cue a
// pattern sees, unless its rule says otherwise.
const defaultPatternWindow = 10

// matchPattern adds the hits of pattern pi in text[from:].
func (c *Classifier) matchPattern(w *work, pi int, text string, from int32) {
	p := &c.rules.patterns[pi]
	if p.lower != nil && w.lowState == 0 {
		var ok bool
		w.low, ok = lowerASCII(w.low[:0], w.d.src)
		w.lowState = 2
		if ok {
			w.lowState = 1
		}
	}
	locs := w.locs[:0]
	switch {
	case p.lower != nil && w.lowState == 1:
		low := w.low[from:len(text)]
		if !p.pf.pass(low) {
			return
		}
		if p.anc != nil {
			locs = p.anc.findAll(low, 8, locs)
			break
		}
		for _, loc := range p.lower.FindAllIndex(low, 8) {
			locs = append(locs, loc[0], loc[1])
		}
	default:
		for _, loc := range p.re.FindAllStringIndex(text[from:], 8) {
			locs = append(locs, loc[0], loc[1])
		}
	}
	w.locs = locs
	for i := 0; i+1 < len(locs); i += 2 {
		if len(w.hits) >= maxMatches {
			return
		}
		s, e := from+int32(locs[i]), from+int32(locs[i+1])
		tf, tl := tokenRange(w.d.toks, s, e)
		if tf < 0 || w.d.insideName(tf, tl) {
			continue
		}
		w.hits = append(w.hits, hit{cat: p.cat, group: p.group, key: int32(len(c.rules.terms) + pi),
			tf: tf, tl: tl, os: s, oe: e, w0: p.weight})
	}
}

// ctxApplies reports whether context rule cr applies to hit h.
func (c *Classifier) ctxApplies(w *work, cr *ctxRule, h *hit) bool {
	toks := w.d.toks
	if cr.quoted {
		for t := h.tf; t <= h.tl; t++ {
			if toks[t].quoted {
				return true
			}
		}
		return false
	}
	sent := toks[h.tf].sent
	for _, ch := range w.cues {
		if !cr.cueSet.has(ch.id) {
			continue
		}
		if cr.sentence && toks[ch.tf].sent != sent && toks[ch.tl].sent != toks[h.tl].sent {
			continue
		}
		var dist int32
		switch {
		case ch.tl < h.tf: // cue before the hit
			if cr.side == sideAfter {
				continue
			}
			dist = h.tf - ch.tl
		case ch.tf > h.tl: // cue after
			if cr.side == sideBefore {
				continue
			}
			dist = ch.tf - h.tl
		default: // overlapping: the cue is part of the hit
			if ch.tf >= h.tf && ch.tl <= h.tl {
				continue
			}
			dist = 0
		}
		if cr.window == 0 || int(dist) <= cr.window {
			return true
		}
	}
	return false
}

// tokenRange returns the tokens overlapping original bytes [s, e).
func tokenRange(toks []token, s, e int32) (int32, int32) {
	i := sort.Search(len(toks), func(i int) bool { return toks[i].oe > s })
	if i == len(toks) || toks[i].os >= e {
		return -1, -1
	}
	j := i
	for j+1 < len(toks) && toks[j+1].os < e {
		j++
	}
	return int32(i), int32(j)
}

// cancelFactor is the largest factor of a lowering context rule that
// counts as cancelling the hit.
const cancelFactor = 0.2

// score combines model and rules for category ci.
func (c *Classifier) score(w *work, ci int) float64 {
	if !c.hasModel[ci] || w.noFeatures {
		// a post without a word gives the model nothing but its bias
		return w.rule[ci]
	}
	return combine(&c.rules.cats[ci], sigmoid(w.z[ci]), w.rule[ci], w.support[ci], w.mfactor[ci], w.cancelled[ci])
}

// combine is the score of a category from the model's probability p, the
// rule score, the strongest rule hit (support), the model factor of the
// context rules and whether a context rule cancelled a hit:
//
//   - a cancelled category (the post condemns or quotes what it names)
//     scores its rules alone;
//   - when a rule hit of at least weakHit supports the category, the
//     score is the model's probability, flagged at threshold;
//   - when none does, the model stands alone and must reach model_alone:
//     its probability (times the model factor) is stretched so that
//     model_alone maps to threshold, keeping one flagging score per
//     category and scores in [0,1];
//   - a rule score of at least rules_alone flags whatever the model says.
func combine(cr *catRules, p, rule, support, mfactor float64, cancelled bool) float64 {
	if cancelled {
		return rule
	}
	s := p
	if support < weakHit {
		s = stretch(p*mfactor, cr.modelAlone, cr.threshold)
	}
	if rule >= cr.rulesAlone && rule > s {
		s = rule
	}
	return s
}

// stretch maps [0, from] onto [0, to] and [from, 1] onto [to, 1].
func stretch(x, from, to float64) float64 {
	switch {
	case from == to:
		return x
	case x < from:
		return x * to / from
	case from >= 1:
		return 1
	default:
		return to + (x-from)*(1-to)/(1-from)
	}
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// result builds the Result of a run. A category is flagged exactly when
// its reported score reaches its threshold, so whoever ranks or thresholds
// by score sees what the flags say.
func (c *Classifier) result(w *work, text string) Result {
	res := Result{Categories: []Category{}, Scores: make(map[Category]float64, 4)}
	for ci, cat := range Categories {
		cr := &c.rules.cats[ci]
		s := c.score(w, ci)
		flagged := false
		if s >= cr.threshold && c.rules.loaded[ci] {
			n := len(res.Evidence)
			if res.Evidence == nil {
				res.Evidence = make([]Span, 0, 4) // one allocation, not one per span
			}
			res.Evidence = c.evidence(w, text, ci, res.Evidence)
			if flagged = len(res.Evidence) > n; !flagged {
				// the model's bias alone, with no word pushing the score
				// up, is no reason to flag a post, nor to score it high
				// (the biases are not small: an empty post would score
				// above the bar): it scores what its rules found
				s = w.rule[ci]
			}
		}
		r := math.Round(s*1e4) / 1e4
		if !flagged && c.rules.loaded[ci] && r >= cr.threshold {
			r = math.Floor(cr.threshold*1e4-1) / 1e4 // rounding must not reach the bar
		}
		res.Scores[cat] = r
		if flagged {
			if cap(res.Categories) == 0 {
				res.Categories = make([]Category, 0, len(Categories))
			}
			res.Categories = append(res.Categories, cat)
		}
	}
	if res.Evidence == nil {
		res.Evidence = []Span{}
	}
	return res
}

// evidence appends the spans behind category ci: its rule hits of at
// least weakHit or, when the model flagged without one, the n-grams that
// weighed most. Background vocabulary (custody, shift, government) is not a
// reason to flag and is shown only when nothing else explains the score.
func (c *Classifier) evidence(w *work, text string, ci int, ev []Span) []Span {
	cat := Categories[ci]
	n0 := len(ev)
	addHits := func(min float64) {
		for i := range w.hits {
			h := &w.hits[i]
			if h.cat != ci || h.dropped || h.w <= 0 || h.w < min || c.rules.groups[h.group].hide {
				continue
			}
			dup := false
			for _, s := range ev[n0:] {
				if s.Start == int(h.os) && s.End == int(h.oe) {
					dup = true
					break
				}
			}
			if !dup {
				ev = append(ev, Span{Category: cat, Start: int(h.os), End: int(h.oe), Text: text[h.os:h.oe], Reason: c.hitReason(w, h)})
			}
		}
	}
	addHits(weakHit)
	if w.support[ci] < weakHit && c.hasModel[ci] {
		// the model did the flagging: show what it weighed most
		for _, u := range c.topNgrams(w, ci, 3) {
			ev = append(ev, Span{Category: cat, Start: int(u.os), End: int(u.oe), Text: text[u.os:u.oe],
				Reason: fmt.Sprintf("model n-gram %q (%+.2f)", u.label, u.weight)})
		}
	}
	if len(ev) == n0 {
		addHits(0)
	}
	if len(ev)-n0 > 1 {
		sortByStart(ev[n0:])
	}
	return ev
}

// sortByStart sorts spans by start as sort.Slice does, equal starts
// included: up to 12 spans it sorts by insertion, here without the
// allocations of sort.Slice's swapper.
func sortByStart(ev []Span) {
	if len(ev) > 12 {
		sort.Slice(ev, func(i, j int) bool { return ev[i].Start < ev[j].Start })
		return
	}
	for i := 1; i < len(ev); i++ {
		for j := i; j > 0 && ev[j].Start < ev[j-1].Start; j-- {
			ev[j], ev[j-1] = ev[j-1], ev[j]
		}
	}
}

// weakHit is the rule weight below which a hit is background vocabulary
// rather than a reason to flag.
const weakHit = 0.3

func (c *Classifier) hitReason(w *work, h *hit) string {
	rs := c.rules
	var base string
	if int(h.key) < len(rs.terms) {
		base = rs.terms[h.key].reason
	} else {
		base = rs.patterns[int(h.key)-len(rs.terms)].reason
	}
	if h.ctxFrom == h.ctxTo {
		return base // the common case: no allocation
	}
	var b strings.Builder
	b.Grow(len(base) + 48*int(h.ctxTo-h.ctxFrom) + 8)
	b.WriteString(base)
	var num [64]byte
	for _, ri := range w.applied[h.ctxFrom:h.ctxTo] {
		cr := &rs.ctx[ri]
		b.Write(appendCtx(num[:0], cr.raise, cr.name, cr.factor))
	}
	b.Write(appendTotal(num[:0], h.w))
	return b.String()
}

// appendCtx appends fmt.Sprintf(", %s by %q x%.2g", "raised" or
// "lowered", name, factor) to b, without fmt's reflection.
func appendCtx(b []byte, raise bool, name string, factor float64) []byte {
	if raise {
		b = append(b, ", raised by "...)
	} else {
		b = append(b, ", lowered by "...)
	}
	b = strconv.AppendQuote(b, name)
	b = append(b, " x"...)
	return strconv.AppendFloat(b, factor, 'g', 2, 64)
}

// appendTotal appends fmt.Sprintf(" = %.2f", w) to b.
func appendTotal(b []byte, w float64) []byte {
	return strconv.AppendFloat(append(b, " = "...), w, 'f', 2, 64)
}

// ngram is a unit of model evidence: a word or a pair of words.
type ngram struct {
	os, oe int32
	label  string
	weight float64
}

// topNgrams returns the k words or word pairs whose features pushed
// category ci up the most.
func (c *Classifier) topNgrams(w *work, ci int, k int) []ngram {
	d := &w.d
	n := len(d.toks)
	if n == 0 {
		return nil
	}
	if !w.fsMade {
		w.fs, w.fsMade = extract(d, w.fsMasked, &w.rule, w.groups, w.fs[:0]), true
	}
	if cap(w.uni) < n {
		w.uni = make([]float64, n)
		w.bi = make([]float64, n)
	}
	uni, bi := w.uni[:n], w.bi[:n]
	clear(uni)
	clear(bi)
	for _, f := range w.fs {
		if f.tok < 0 {
			continue
		}
		v := float64(c.weights[f.idx][ci]) * float64(c.scale[ci]) * float64(f.val)
		if f.big {
			bi[f.tok] += v
		} else {
			uni[f.tok] += v
		}
	}
	// units are (first token, last token, weight); pick the k best that
	// do not overlap. A place is one unit, however many words it has.
	units := w.units[:0]
	for t := 0; t < n; t++ {
		if d.place[t] < 0 {
			continue // inside a place: its first word carries it
		}
		e := d.unitEnd(t)
		if uni[t] > 0 && (d.place[t] > 0 || len(w.masked) <= t || !w.masked[t]) {
			units = append(units, unit{a: int32(t), b: e, w: uni[t]})
		}
		if bi[t] > 0 && int(e)+1 < n {
			if s := bi[t] + uni[t] + uni[e+1]; s > 0 {
				units = append(units, unit{a: int32(t), b: d.unitEnd(int(e) + 1), w: s, big: true})
			}
		}
	}
	w.units = units
	// heaviest first, ties in order (as sort.SliceStable did, without its
	// reflection)
	slices.SortStableFunc(units, func(a, b unit) int { return cmp.Compare(b.w, a.w) })
	var out []ngram
	for _, u := range units {
		os, oe := d.toks[u.a].os, d.toks[u.b].oe
		overlap := false
		for _, o := range out {
			if os < o.oe && o.os < oe {
				overlap = true
				break
			}
		}
		if overlap {
			continue
		}
		label := d.unitLabel(int(u.a))
		if u.big {
			label += " " + d.unitLabel(int(d.unitEnd(int(u.a))+1))
		}
		if len(out) > 0 && u.w < out[0].weight/4 {
			break // a word that barely moved the score explains nothing
		}
		out = append(out, ngram{os: os, oe: oe, label: label, weight: u.w})
		if len(out) == k {
			break
		}
	}
	return out
}

// ErrNoRules means the rules directory has no category files.
var ErrNoRules = errors.New("no category rules (categories/*.yaml)")
