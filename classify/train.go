package classify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Example is one labelled post.
type Example struct {
	ID     string     `json:"id"`
	Text   string     `json:"text"`
	Labels []Category `json:"labels"`
	// Weight scales the example in training (0 means 1); reviewer
	// decisions can count for more than the written examples.
	Weight float64 `json:"weight,omitempty"`
	// Foreign marks a benchmark example (OLID) whose labels follow another
	// definition: it trains, but is left out of the clean false-positive
	// rate, which is about ordinary police posts.
	Foreign bool `json:"-"`
}

// variantSuffix is the "-NN" that numbers the variants of one generated
// template (testdata/classify/gen).
var variantSuffix = regexp.MustCompile(`-\d+$`)

// group is the fold group of an example: variants of one generated
// template share a fold, so out-of-fold figures measure new wording, not a
// new slot filler in a sentence the model has seen.
func (e Example) group() string {
	if strings.HasPrefix(e.ID, "gen-") {
		return variantSuffix.ReplaceAllString(e.ID, "")
	}
	return e.ID
}

// Has reports whether the example is labelled with cat.
func (e Example) Has(cat Category) bool { return slices.Contains(e.Labels, cat) }

// TrainOptions tune training. The zero value means the defaults.
type TrainOptions struct {
	Epochs int     `json:"epochs"`
	Rate   float64 `json:"rate"`
	L2     float64 `json:"l2"`
	Seed   uint64  `json:"seed"`
	// PosWeight scales positive examples (class imbalance); 0 means 1.
	PosWeight float64 `json:"pos_weight"`
	// Folds for the out-of-fold predictions that suggest a threshold;
	// 0 means 5, negative means none.
	Folds int `json:"folds"`
	// MinPrecision is the precision the suggested threshold must reach;
	// 0 means 0.9.
	MinPrecision float64 `json:"min_precision"`
	// MaxFPR is the share of clean examples (no label at all) the
	// suggested operating point may flag; 0 means 0.002. Ordinary posts
	// outnumber breaches by hundreds to one, so this, not precision on a
	// balanced training set, decides what reviewers see.
	MaxFPR float64 `json:"max_fpr,omitempty"`
	// MinThreshold is the lowest threshold the suggested point may have;
	// 0 means 0.35. Below it a weak rule hit and a weak model together
	// flag a post, which out-of-fold figures on written examples reward
	// and real timelines do not.
	MinThreshold float64 `json:"min_threshold,omitempty"`
	// Dropout is the probability with which each SGD step drops each
	// active feature (kept ones are scaled by 1/(1-Dropout)); 0 means
	// none. Dropout is an adaptive regulariser (Wager, Wang & Liang
	// 2013), meant to keep a model from leaning on the few n-grams of one
	// writer's wording; tried across writers in rules/models/README.md,
	// ninth pass. It is seeded like the shuffle.
	Dropout float64 `json:"dropout,omitempty"`
	// Average, if positive, returns the average of the weights over the
	// SGD steps of the last Average epochs (Polyak averaging) instead of
	// the last weights; 0 means no averaging.
	Average int `json:"average,omitempty"`
	// Source describes the training data in the model file.
	Source string `json:"-"`
}

// Defaults of TrainOptions' zero fields, exported so that the command's
// help states what training really does.
const (
	DefaultEpochs = 3
	DefaultRate   = 0.1
	DefaultL2     = 1e-6
)

func (o TrainOptions) withDefaults() TrainOptions {
	if o.Epochs == 0 {
		o.Epochs = DefaultEpochs
	}
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	if o.L2 == 0 {
		o.L2 = DefaultL2
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.PosWeight == 0 {
		o.PosWeight = 1
	}
	if o.Folds == 0 {
		o.Folds = 5
	}
	if o.MinPrecision == 0 {
		o.MinPrecision = 0.9
	}
	if o.MaxFPR == 0 {
		o.MaxFPR = 0.002
	}
	if o.MinThreshold == 0 {
		o.MinThreshold = 0.35
	}
	return o
}

// vec is the sparse feature vector of one example.
type vec struct {
	idx []uint32
	val []float32
	y   float64
	sw  float64
	// what combine needs besides the model's probability
	rule, support, mfactor float64
	cancelled              bool
	clean                  bool   // no label at all: an ordinary post
	foreign                bool   // a benchmark example (Example.Foreign)
	group                  string // fold group
}

// Featurize computes the feature vectors of examples for category cat
// under c's rules. It is the costly part of training and can be shared
// between Train calls through TrainVecs.
func (c *Classifier) featurize(cat Category, ex []Example, opt TrainOptions) []vec {
	ci := catIndex(cat)
	vs := make([]vec, len(ex))
	w := new(work)
	for i, e := range ex {
		c.run(w, e.Text)
		v := vec{idx: make([]uint32, len(w.fs)), val: make([]float32, len(w.fs)), rule: w.rule[ci],
			support: w.support[ci], mfactor: w.mfactor[ci], cancelled: w.cancelled[ci], clean: len(e.Labels) == 0 && !e.Foreign,
			foreign: e.Foreign, group: e.group()}
		for k, f := range w.fs {
			v.idx[k], v.val[k] = f.idx, f.val
		}
		v.sw = e.Weight
		if v.sw == 0 {
			v.sw = 1
		}
		if e.Has(cat) {
			v.y = 1
			v.sw *= opt.PosWeight
		}
		vs[i] = v
	}
	return vs
}

// Train fits a model for cat on examples, using c's rules for the rule
// features (c's own models are ignored). Same examples, options and rules:
// same model, bit for bit.
func (c *Classifier) Train(cat Category, ex []Example, opt TrainOptions) (*Model, error) {
	ci := catIndex(cat)
	if ci < 0 {
		return nil, fmt.Errorf("train: unknown category %q", cat)
	}
	opt = opt.withDefaults()
	if opt.Dropout < 0 || opt.Dropout >= 1 {
		return nil, fmt.Errorf("train: dropout %g is not in [0, 1)", opt.Dropout)
	}
	pos := 0
	for _, e := range ex {
		if e.Has(cat) {
			pos++
		}
	}
	if pos == 0 || pos == len(ex) {
		return nil, errors.New("train: need both positive and negative examples")
	}
	vs := c.featurize(cat, ex, opt)
	wt, bias := fit(vs, nil, opt)
	m := &Model{Format: ModelFormat, Category: cat, Features: FeatureSpec, Bias: round5(bias)}
	for i, x := range wt {
		if r := round5(x); math.Abs(r) >= 1e-4 {
			m.Weights = append(m.Weights, [2]float64{float64(i), r})
		}
	}
	m.Trained = TrainInfo{Source: opt.Source, Examples: len(ex), Positives: pos, InputHash: hashExamples(cat, ex),
		Rules: c.version, Options: opt}
	if opt.Folds > 1 {
		cr := c.rules.cats[ci]
		probs := oof(vs, opt)
		scores := make([]float64, len(vs))
		for i, v := range vs {
			scores[i] = combine(&cr, probs[i], v.rule, v.support, v.mfactor, v.cancelled)
		}
		labels := labelsOf(vs)
		op := ChooseThreshold(scores, labels, opt.MinPrecision)
		m.Trained.Suggested = &op
		m.Trained.Curve = Curve(scores, labels)
		m.Trained.Pairs = choosePairs(vs, probs, cr, opt)
		at := pairAt(vs, probs, weighClean(vs), cr)
		m.Trained.AtRules = &at
	}
	return m, nil
}

func labelsOf(vs []vec) []bool {
	out := make([]bool, len(vs))
	for i, v := range vs {
		out[i] = v.y == 1
	}
	return out
}

// oof returns out-of-fold probabilities: each example scored by a model
// that did not see it.
func oof(vs []vec, opt TrainOptions) []float64 {
	k := opt.Folds
	// folds are dealt by group, in a seeded order of the groups' first
	// appearance
	gi := map[string]int{}
	ofEx := make([]int, len(vs))
	for i, v := range vs {
		g, ok := gi[v.group]
		if !ok {
			g = len(gi)
			gi[v.group] = g
		}
		ofEx[i] = g
	}
	perm := rand.New(rand.NewPCG(opt.Seed, 0x5eed)).Perm(len(gi))
	fold := make([]int, len(vs))
	for i := range vs {
		fold[i] = perm[ofEx[i]] % k
	}
	probs := make([]float64, len(vs))
	for f := 0; f < k; f++ {
		skip := func(i int) bool { return fold[i] == f }
		wt, bias := fit(vs, skip, opt)
		for i, v := range vs {
			if fold[i] != f {
				continue
			}
			z := bias
			for j, idx := range v.idx {
				z += wt[idx] * float64(v.val[j])
			}
			probs[i] = sigmoid(z)
		}
	}
	return probs
}

// PairPoint is an operating point of both thresholds of a category: the
// score with a rule hit's support (Threshold) and the model's probability
// without one (ModelAlone), with the out-of-fold figures there. FPR is the
// share of clean examples flagged.
type PairPoint struct {
	Threshold  float64 `json:"threshold"`
	ModelAlone float64 `json:"model_alone"`
	Precision  float64 `json:"precision"`
	Recall     float64 `json:"recall"`
	FPR        float64 `json:"clean_fpr"`
	Clean      int     `json:"clean"`
}

// pairAt measures the out-of-fold probabilities of the examples that are
// not Foreign at cr's threshold and model_alone. The clean FPR counts each
// generated template as one post (cleanWeights), so a template with a dozen
// variants is one wrong flag, not a dozen.
func pairAt(vs []vec, probs []float64, cw cleanWeights, cr catRules) PairPoint {
	var n Counts
	fp := 0.0
	for i, v := range vs {
		if v.foreign {
			continue // measured on the benchmark's own split
		}
		flag := combine(&cr, probs[i], v.rule, v.support, v.mfactor, v.cancelled) >= cr.threshold
		n.Add(flag, v.y == 1)
		if flag {
			fp += cw.w[i]
		}
	}
	fpr := 0.0
	if cw.posts > 0 {
		fpr = fp / float64(cw.posts)
	}
	return PairPoint{Threshold: cr.threshold, ModelAlone: cr.modelAlone, Precision: round5(n.Precision()),
		Recall: round5(n.Recall()), FPR: round5(fpr), Clean: cw.posts}
}

// cleanWeights gives each clean example that is not Foreign the weight
// 1/n, n the clean examples of its fold group: the variants of one
// generated template share one post's weight. posts is the number of
// such groups.
type cleanWeights struct {
	w     []float64
	posts int
}

func weighClean(vs []vec) cleanWeights {
	n := map[string]int{}
	for _, v := range vs {
		if v.clean && !v.foreign {
			n[v.group]++
		}
	}
	cw := cleanWeights{w: make([]float64, len(vs)), posts: len(n)}
	for i, v := range vs {
		if v.clean && !v.foreign {
			cw.w[i] = 1 / float64(n[v.group])
		}
	}
	return cw
}

// choosePairs scans threshold and model_alone on the out-of-fold
// probabilities of the examples that are not Foreign and returns, first,
// the pair with the most recall whose clean FPR is at most opt.MaxFPR, whose precision reaches
// opt.MinPrecision and whose threshold is at least opt.MinThreshold (or the
// lowest FPR if none is), then the frontier:
// the pairs that give more recall than any pair with a lower FPR.
func choosePairs(vs []vec, probs []float64, cr catRules, opt TrainOptions) []PairPoint {
	cw := weighClean(vs)
	var all []PairPoint
	for t := 15; t <= 95; t += 5 {
		for _, m := range []int{0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60, 65, 70, 75, 80, 84} {
			if t+m > 99 {
				continue
			}
			c := cr
			c.threshold, c.modelAlone = float64(t)/100, float64(t+m)/100
			all = append(all, pairAt(vs, probs, cw, c))
		}
	}
	best := func(maxFPR, minP float64) (PairPoint, bool) {
		var b PairPoint
		found := false
		for _, p := range all {
			if p.FPR > maxFPR || p.Precision < minP || p.Threshold < opt.MinThreshold-1e-9 {
				continue
			}
			if !found || p.Recall > b.Recall || p.Recall == b.Recall && p.FPR < b.FPR {
				b, found = p, true
			}
		}
		return b, found
	}
	var out []PairPoint
	if p, ok := best(opt.MaxFPR, opt.MinPrecision); ok {
		out = append(out, p)
	} else {
		low := all[0]
		for _, p := range all {
			if p.FPR < low.FPR || p.FPR == low.FPR && p.Recall > low.Recall {
				low = p
			}
		}
		out = append(out, low)
	}
	// the frontier: the most recall at each clean FPR up to 2%
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].FPR != all[j].FPR {
			return all[i].FPR < all[j].FPR
		}
		return all[i].Recall > all[j].Recall
	})
	bestRecall := -1.0
	for _, p := range all {
		if p.FPR <= 0.02 && p.Recall > bestRecall {
			bestRecall = p.Recall
			if p != out[0] {
				out = append(out, p)
			}
		}
	}
	return out
}

// fit runs AdaGrad logistic regression with L2 over vs (minus skipped
// examples), in a seeded order so that results are reproducible. With
// opt.Dropout, each step drops features at random (seeded apart from the
// shuffle, so the order of examples does not depend on it); with
// opt.Average, the weights returned are the mean over the steps of the
// last epochs.
func fit(vs []vec, skip func(int) bool, opt TrainOptions) ([]float64, float64) {
	wt := make([]float64, dim)
	g2 := make([]float64, dim)
	var bias, bg2 float64
	order := make([]int, 0, len(vs))
	for i := range vs {
		if skip == nil || !skip(i) {
			order = append(order, i)
		}
	}
	rng := rand.New(rand.NewPCG(opt.Seed, 0xada))
	drop := rand.New(rand.NewPCG(opt.Seed, 0xd70))
	keep := 1.0
	if opt.Dropout > 0 {
		keep = 1 - opt.Dropout
	}
	// Averaging over steps s = 1..T of a window: mean(w_s) = w_T - u/T
	// with u the sum of (s-1)*delta over every update delta, so each step
	// touches only its active features (Daumé's trick).
	var u []float64
	var ub float64
	avgFrom := opt.Epochs - opt.Average
	if opt.Average > 0 {
		u = make([]float64, dim)
		avgFrom = max(avgFrom, 0)
	}
	steps := 0.0 // steps taken inside the averaging window
	const eps = 1e-8
	var x []float64 // the example's feature values after dropout
	for ep := 0; ep < opt.Epochs; ep++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		avg := u != nil && ep >= avgFrom
		for _, i := range order {
			v := &vs[i]
			x = x[:0]
			for j := range v.idx {
				val := float64(v.val[j])
				if keep < 1 {
					if drop.Float64() < opt.Dropout {
						val = 0
					} else {
						val /= keep
					}
				}
				x = append(x, val)
			}
			z := bias
			for j, idx := range v.idx {
				z += wt[idx] * x[j]
			}
			g := (sigmoid(z) - v.y) * v.sw
			for j, idx := range v.idx {
				if x[j] == 0 && keep < 1 {
					continue // dropped: no gradient, and no L2 either
				}
				gi := g*x[j] + opt.L2*wt[idx]
				g2[idx] += gi * gi
				d := -opt.Rate * gi / math.Sqrt(g2[idx]+eps)
				wt[idx] += d
				if avg {
					u[idx] += steps * d
				}
			}
			bg2 += g * g
			db := -opt.Rate * g / math.Sqrt(bg2+eps)
			bias += db
			if avg {
				ub += steps * db
				steps++
			}
		}
	}
	if u != nil && steps > 0 {
		for i := range wt {
			wt[i] -= u[i] / steps
		}
		bias -= ub / steps
	}
	return wt, bias
}

func round5(x float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 5, 64), 64)
	return r
}

// hashExamples identifies the training data in the model file.
func hashExamples(cat Category, ex []Example) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", cat)
	for _, e := range ex {
		fmt.Fprintf(h, "%d:%s\x00%v\x00%g\n", len(e.Text), e.Text, e.Has(cat), e.Weight)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Curve returns precision, recall and F1 at thresholds 0.1, 0.2 ... 0.9.
func Curve(scores []float64, labels []bool) []OperatingPoint {
	var out []OperatingPoint
	for t := 1; t <= 9; t++ {
		th := float64(t) / 10
		var c Counts
		for i, s := range scores {
			c.Add(s >= th, labels[i])
		}
		out = append(out, OperatingPoint{Threshold: th, Precision: round5(c.Precision()), Recall: round5(c.Recall()), F1: round5(c.F1())})
	}
	return out
}

// ChooseThreshold picks the operating point for precision first: the lowest
// threshold whose precision reaches minPrecision (most recall at that
// precision). If no threshold reaches it, the one with the best F1.
func ChooseThreshold(scores []float64, labels []bool, minPrecision float64) OperatingPoint {
	type sl struct {
		s float64
		y bool
	}
	xs := make([]sl, len(scores))
	pos := 0
	for i := range scores {
		xs[i] = sl{scores[i], labels[i]}
		if labels[i] {
			pos++
		}
	}
	sort.Slice(xs, func(i, j int) bool { return xs[i].s > xs[j].s })
	var best, bestF1 OperatingPoint
	found := false
	tp, fp := 0, 0
	for i := 0; i < len(xs); i++ {
		if xs[i].y {
			tp++
		} else {
			fp++
		}
		if i+1 < len(xs) && xs[i+1].s == xs[i].s {
			continue // thresholds fall between distinct scores
		}
		p := float64(tp) / float64(tp+fp)
		r := 0.0
		if pos > 0 {
			r = float64(tp) / float64(pos)
		}
		f1 := 0.0
		if p+r > 0 {
			f1 = 2 * p * r / (p + r)
		}
		// the threshold sits halfway to the next lower score
		th := xs[i].s
		if i+1 < len(xs) {
			th = (xs[i].s + xs[i+1].s) / 2
		}
		op := OperatingPoint{Threshold: round5(th), Precision: round5(p), Recall: round5(r), F1: round5(f1)}
		if p >= minPrecision && tp >= 3 && r >= best.Recall {
			best, found = op, true
		}
		if f1 > bestF1.F1 {
			bestF1 = op
		}
	}
	if found {
		return best
	}
	return bestF1
}
