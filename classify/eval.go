package classify

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Counts is a binary confusion matrix.
type Counts struct {
	TP, FP, FN, TN int
}

// Add counts one decision.
func (c *Counts) Add(predicted, actual bool) {
	switch {
	case predicted && actual:
		c.TP++
	case predicted:
		c.FP++
	case actual:
		c.FN++
	default:
		c.TN++
	}
}

// Precision is TP/(TP+FP), 0 when nothing was predicted.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN), 0 when there were no positives.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// Support is the number of actual positives.
func (c Counts) Support() int { return c.TP + c.FN }

// Negated swaps the classes, for the other half of a binary macro-F1.
func (c Counts) Negated() Counts { return Counts{TP: c.TN, FP: c.FN, FN: c.FP, TN: c.TP} }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Report is the evaluation of a classifier on labelled examples.
type Report struct {
	N    int
	Cats map[Category]*Counts
	// Confused[a][b] counts examples labelled a (or "none") that were
	// flagged b (or "none").
	Confused map[string]map[string]int
	// CleanFlagged counts examples with no label that got any flag;
	// CleanCat the same per category.
	Clean, CleanFlagged int
	CleanCat            map[Category]int
	Exact               int // examples whose flagged set equals their labels
}

// Evaluate classifies every example and counts the outcomes.
func Evaluate(c *Classifier, ex []Example) *Report {
	r := &Report{N: len(ex), Cats: map[Category]*Counts{}, Confused: map[string]map[string]int{}, CleanCat: map[Category]int{}}
	for _, cat := range Categories {
		r.Cats[cat] = &Counts{}
	}
	for _, e := range ex {
		res := c.Classify(e.Text)
		r.add(e.Labels, res.Categories)
	}
	return r
}

func (r *Report) add(labels, got []Category) {
	for _, cat := range Categories {
		r.Cats[cat].Add(slices.Contains(got, cat), slices.Contains(labels, cat))
	}
	if len(labels) == 0 {
		r.Clean++
		if len(got) > 0 {
			r.CleanFlagged++
		}
		for _, g := range got {
			r.CleanCat[g]++
		}
	}
	same := len(got) == len(labels)
	for _, l := range labels {
		same = same && slices.Contains(got, l)
	}
	if same {
		r.Exact++
	}
	ls, gs := names(labels), names(got)
	for _, l := range ls {
		if r.Confused[l] == nil {
			r.Confused[l] = map[string]int{}
		}
		for _, g := range gs {
			r.Confused[l][g]++
		}
	}
}

func names(cs []Category) []string {
	if len(cs) == 0 {
		return []string{"none"}
	}
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

// MacroF1 averages F1 over the categories that have support.
func (r *Report) MacroF1() float64 {
	sum, n := 0.0, 0
	for _, cat := range Categories {
		if c := r.Cats[cat]; c.Support() > 0 {
			sum += c.F1()
			n++
		}
	}
	return ratio1(sum, n)
}

func ratio1(a float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return a / float64(n)
}

// Print writes the per-category table, macro-F1 and confusion summary.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%-11s %9s %9s %9s %8s %6s %6s %6s %9s\n", "category", "precision", "recall", "f1", "support", "tp", "fp", "fn", "clean-fpr")
	for _, cat := range Categories {
		c := r.Cats[cat]
		fmt.Fprintf(w, "%-11s %9.3f %9.3f %9.3f %8d %6d %6d %6d %9.4f\n", cat, c.Precision(), c.Recall(), c.F1(), c.Support(), c.TP, c.FP, c.FN,
			ratio(r.CleanCat[cat], r.Clean))
	}
	fmt.Fprintf(w, "macro-F1 %.3f over %d examples; exact label set %d/%d; clean examples flagged %d/%d\n",
		r.MacroF1(), r.N, r.Exact, r.N, r.CleanFlagged, r.Clean)
	fmt.Fprintln(w, "confusion (labelled -> flagged):")
	rows := append([]string{"none"}, catNames()...)
	for _, l := range rows {
		m := r.Confused[l]
		if len(m) == 0 {
			continue
		}
		var parts []string
		for _, g := range rows {
			if m[g] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", g, m[g]))
			}
		}
		fmt.Fprintf(w, "  %-11s -> %s\n", l, strings.Join(parts, ", "))
	}
}

func catNames() []string { return names(Categories) }

// BinaryReport evaluates one category as a two-class problem (OLID style).
type BinaryReport struct {
	Category Category
	Counts   Counts
	// Clean and CleanFlagged count the examples with no label at all and
	// those of them flagged in Category.
	Clean, CleanFlagged int
}

// CleanFPR is the share of clean examples flagged.
func (b BinaryReport) CleanFPR() float64 { return ratio(b.CleanFlagged, b.Clean) }

// MacroF1 is the mean F1 of the positive and negative class, the official
// OffensEval metric.
func (b BinaryReport) MacroF1() float64 { return (b.Counts.F1() + b.Counts.Negated().F1()) / 2 }

// Print writes both classes and the macro-F1.
func (b BinaryReport) Print(w io.Writer) {
	c := b.Counts
	n := c.Negated()
	fmt.Fprintf(w, "%-15s %9s %9s %9s %8s\n", "class", "precision", "recall", "f1", "support")
	fmt.Fprintf(w, "%-15s %9.3f %9.3f %9.3f %8d\n", "not-"+string(b.Category), n.Precision(), n.Recall(), n.F1(), n.Support())
	fmt.Fprintf(w, "%-15s %9.3f %9.3f %9.3f %8d\n", b.Category, c.Precision(), c.Recall(), c.F1(), c.Support())
	fmt.Fprintf(w, "macro-F1 %.4f  accuracy %.4f  (tp %d fp %d fn %d tn %d)\n", b.MacroF1(),
		ratio(c.TP+c.TN, c.TP+c.TN+c.FP+c.FN), c.TP, c.FP, c.FN, c.TN)
}

// EvaluateBinary classifies every example and counts category cat only.
func EvaluateBinary(c *Classifier, cat Category, ex []Example) BinaryReport {
	b := BinaryReport{Category: cat}
	for _, e := range ex {
		res := c.Classify(e.Text)
		flag := slices.Contains(res.Categories, cat)
		b.Counts.Add(flag, e.Has(cat))
		if len(e.Labels) == 0 && !e.Foreign {
			b.Clean++
			if flag {
				b.CleanFlagged++
			}
		}
	}
	return b
}

// ReadExamples reads labelled JSONL: one {"id","text","labels"} per line.
// Blank lines are skipped; errors name the line.
func ReadExamples(r io.Reader, name string) ([]Example, error) {
	var out []Example
	br := bufio.NewReaderSize(r, 64<<10)
	seen := map[string]int{}
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			var e Example
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields()
			if derr := dec.Decode(&e); derr != nil {
				return nil, fmt.Errorf("%s:%d: %v", name, line, derr)
			}
			if e.ID == "" {
				return nil, fmt.Errorf("%s:%d: missing \"id\"", name, line)
			}
			if first, dup := seen[e.ID]; dup {
				return nil, fmt.Errorf("%s:%d: duplicate id %q (first on line %d)", name, line, e.ID, first)
			}
			seen[e.ID] = line
			for _, l := range e.Labels {
				if !l.Valid() {
					return nil, fmt.Errorf("%s:%d: unknown label %q", name, line, l)
				}
			}
			out = append(out, e)
		}
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
}

// ReadExampleFile reads labelled JSONL from a file.
func ReadExampleFile(path string) ([]Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadExamples(f, path)
}

// ReadOLID reads split ("train", "val", "test") of an OLID/TweetEval
// directory: <split>_text.txt and <split>_labels.txt, one tweet and one
// label (0 or 1) per line. Label 1 becomes the offensive category.
func ReadOLID(dir, split string) ([]Example, error) {
	tp := filepath.Join(dir, split+"_text.txt")
	lp := filepath.Join(dir, split+"_labels.txt")
	texts, err := readLines(tp)
	if err != nil {
		return nil, err
	}
	labels, err := readLines(lp)
	if err != nil {
		return nil, err
	}
	if len(texts) != len(labels) {
		return nil, fmt.Errorf("%s has %d lines but %s has %d", tp, len(texts), lp, len(labels))
	}
	out := make([]Example, len(texts))
	for i := range texts {
		e := Example{ID: fmt.Sprintf("olid-%s-%d", split, i+1), Text: strings.TrimRight(texts[i], " "), Foreign: true}
		switch strings.TrimSpace(labels[i]) {
		case "1":
			e.Labels = []Category{Offensive}
		case "0":
		default:
			return nil, fmt.Errorf("%s:%d: label %q, want 0 or 1", lp, i+1, labels[i])
		}
		out[i] = e
	}
	return out, nil
}

func readLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil, nil
	}
	return strings.Split(s, "\n"), nil
}

// Scores returns the combined score of cat for every example.
func Scores(c *Classifier, cat Category, ex []Example) []float64 {
	out := make([]float64, len(ex))
	for i, e := range ex {
		out[i] = c.Classify(e.Text).Scores[cat]
	}
	return out
}

// Sweep prints precision, recall, F1 and binary macro-F1 of cat at a range
// of thresholds, for choosing an operating point on a validation split.
func Sweep(w io.Writer, c *Classifier, cat Category, ex []Example) {
	scores := Scores(c, cat, ex)
	fmt.Fprintf(w, "%-9s %9s %9s %9s %9s\n", "threshold", "precision", "recall", "f1", "macro-f1")
	for t := 0.05; t < 1.0; t += 0.05 {
		var b BinaryReport
		for i, e := range ex {
			b.Counts.Add(scores[i] >= t, e.Has(cat))
		}
		fmt.Fprintf(w, "%9.2f %9.3f %9.3f %9.3f %9.3f\n", t, b.Counts.Precision(), b.Counts.Recall(), b.Counts.F1(), b.MacroF1())
	}
}
