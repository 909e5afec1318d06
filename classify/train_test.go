package classify

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/psd-tools/exposure/rules"
)

func trainExamples(t *testing.T, n int) []Example {
	t.Helper()
	ex, err := ReadExampleFile("../testdata/classify/train.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if n < len(ex) {
		ex = ex[:n]
	}
	return ex
}

// Same examples, options and rules: the same bytes, twice over.
func TestTrainDeterministic(t *testing.T) {
	c, err := LoadRules(rules.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	ex := trainExamples(t, 300)
	opt := TrainOptions{Folds: 3, Epochs: 4}
	var outs [][]byte
	for i := 0; i < 2; i++ {
		m, err := c.Train(Political, ex, opt)
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, b)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Fatal("two trainings on the same input differ")
	}
	// a different seed gives a different model: the test can fail
	m, _ := c.Train(Political, ex, TrainOptions{Folds: 3, Epochs: 4, Seed: 7})
	b, _ := m.Marshal()
	if bytes.Equal(b, outs[0]) {
		t.Error("the seed has no effect")
	}
	// the file parses back to the same model
	back, err := ParseModel("x.json", outs[0])
	if err != nil {
		t.Fatal(err)
	}
	b2, _ := back.Marshal()
	if !bytes.Equal(b2, outs[0]) {
		t.Error("marshal(parse(marshal(m))) != marshal(m)")
	}
	if back.Trained.Suggested == nil || len(back.Trained.Curve) != 9 {
		t.Errorf("no out-of-fold operating points: %+v", back.Trained)
	}
}

// Dropout and averaging are seeded like the shuffle: the same bytes twice,
// and each actually changes the model; a dropout outside [0, 1) is refused.
func TestTrainDropoutAverage(t *testing.T) {
	c, err := LoadRules(rules.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	ex := trainExamples(t, 300)
	train := func(opt TrainOptions) []byte {
		t.Helper()
		opt.Folds, opt.Epochs = -1, 4
		m, err := c.Train(Political, ex, opt)
		if err != nil {
			t.Fatal(err)
		}
		b, err := m.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	plain := train(TrainOptions{})
	for _, opt := range []TrainOptions{{Dropout: 0.3}, {Average: 2}, {Dropout: 0.5, Average: 1}} {
		a, b := train(opt), train(opt)
		if !bytes.Equal(a, b) {
			t.Errorf("%+v: two trainings differ", opt)
		}
		if bytes.Equal(a, plain) {
			t.Errorf("%+v: same model as without", opt)
		}
		back, err := ParseModel("x.json", a)
		if err != nil {
			t.Fatal(err)
		}
		if o := back.Trained.Options; o.Dropout != opt.Dropout || o.Average != opt.Average {
			t.Errorf("model file records %+v, want %+v", o, opt)
		}
	}
	for _, p := range []float64{-0.1, 1} {
		if _, err := c.Train(Political, ex, TrainOptions{Folds: -1, Dropout: p}); err == nil {
			t.Errorf("dropout %g accepted", p)
		}
	}
}

// A trained model learns: it scores its own positive examples above its
// negatives, and a Classifier using it flags a clear positive.
func TestTrainLearns(t *testing.T) {
	c, err := LoadRules(rules.Embedded())
	if err != nil {
		t.Fatal(err)
	}
	ex := trainExamples(t, 400)
	m, err := c.Train(Political, ex, TrainOptions{Folds: -1, Epochs: 6, Rate: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	withModel := c.WithModel(m)
	var pos, neg, np, nn float64
	for _, e := range ex {
		s := withModel.Classify(e.Text).Scores[Political]
		if e.Has(Political) {
			pos += s
			np++
		} else {
			neg += s
			nn++
		}
	}
	if pos/np <= neg/nn+0.3 {
		t.Errorf("mean score positives %.2f, negatives %.2f", pos/np, neg/nn)
	}
	if _, err := c.Train(Political, ex[:1], TrainOptions{}); err == nil {
		t.Error("trained on one class")
	}
}

func TestChooseThreshold(t *testing.T) {
	scores := []float64{0.95, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3}
	labels := []bool{true, true, true, false, true, false, false, false}
	op := ChooseThreshold(scores, labels, 0.9)
	// 0.95, 0.9, 0.8 are all positive: precision 1 at recall 0.75; adding
	// 0.7 drops precision to 0.75
	if op.Precision < 0.9 || op.Recall != 0.75 || op.Threshold <= 0.7 || op.Threshold > 0.8 {
		t.Errorf("operating point %+v", op)
	}
	// unreachable precision falls back to the best F1
	op = ChooseThreshold([]float64{0.9, 0.8}, []bool{false, true}, 0.99)
	if op.F1 == 0 {
		t.Errorf("fallback %+v", op)
	}
}

// TestPairsCountTemplatesOnce checks that the clean FPR of an operating
// point counts the variants of one generated template as one post, and
// that the suggested point keeps to the threshold floor.
func TestPairsCountTemplatesOnce(t *testing.T) {
	var vs []vec
	var probs []float64
	add := func(group string, clean bool, y, p float64) {
		vs = append(vs, vec{y: y, clean: clean, group: group, rule: 0, support: 1, mfactor: 1})
		probs = append(probs, p)
	}
	// ten variants of one clean template that the model scores 0.6, and
	// nine clean hand-written posts it scores low
	for i := 0; i < 10; i++ {
		add("gen-tpl", true, 0, 0.6)
	}
	for i := 0; i < 9; i++ {
		add(fmt.Sprint("pc-", i), true, 0, 0.1)
	}
	// breaches the model scores 0.3 and 0.7
	for i := 0; i < 10; i++ {
		add(fmt.Sprint("b-", i), false, 1, 0.3+0.4*float64(i%2))
	}
	cr := catRules{threshold: 0.5, modelAlone: 0.5, rulesAlone: 2}
	at := pairAt(vs, probs, weighClean(vs), cr)
	if at.Clean != 10 || at.FPR != 0.1 {
		t.Errorf("at 0.5: clean %d FPR %v, want 10 posts and 0.1 (one template of ten posts), not 10/19", at.Clean, at.FPR)
	}
	pairs := choosePairs(vs, probs, cr, TrainOptions{MaxFPR: 0.15}.withDefaults())
	// recall 1 needs a threshold of 0.3 or less: below the default floor
	if got := pairs[0]; got.Threshold < 0.35 || got.Recall != 0.5 || got.FPR != 0 {
		t.Errorf("suggested %+v, want threshold >= 0.35 with recall 0.5 at FPR 0", got)
	}
	pairs = choosePairs(vs, probs, cr, TrainOptions{MaxFPR: 0.15, MinThreshold: 0.25, MinPrecision: 0.5}.withDefaults())
	// within the 0.15 bound only because the template counts once (10/19
	// of the clean examples otherwise)
	if got := pairs[0]; got.Threshold < 0.25 || got.Threshold > 0.3 || got.Recall != 1 || got.FPR != 0.1 {
		t.Errorf("with a 0.25 floor, suggested %+v, want threshold 0.25-0.3 with recall 1 at FPR 0.1", got)
	}
}
