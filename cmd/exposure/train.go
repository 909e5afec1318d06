package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/store"
)

func (a *app) trainCmd() *cobra.Command {
	var (
		ins, heldouts          []string
		olid, out              string
		olidClean              bool
		olidWeight             float64
		heldoutOLID, catName   string
		reviews, replace       bool
		reviewWeight, inWeight float64
		opt                    classify.TrainOptions
	)
	cmd := &cobra.Command{
		Use:   "train",
		Short: "Train the linear model of one category",
		Long: `train fits the logistic-regression model of one category over hashed word
n-grams, character n-grams and the rule hits of the rules in use, and writes
it as JSON (rules/models/<category>.json). The place and force names of the
rules' forces.yaml are one shared place token and one force token. Training
is deterministic: the same examples, options and rules give the same bytes.

Training data:
  --in FILE        labelled JSONL {"id","text","labels":[...]} (repeatable)
  --olid DIR       the train split of an OLID/TweetEval directory (offensive);
                   with --in as well, both are used (--in-weight scales --in).
                   For another category its tweets are negatives (generic
                   chatter, much of it political): --olid-clean-only keeps
                   only those OLID labels not offensive, --olid-weight
                   scales them
  --reviews        add the reviewer decisions in --db: a confirmed flag is a
                   positive example of its final categories, a dismissed flag
                   a negative example (weighted by --review-weight)

Before writing, train prints the held-out figures of the current model and
the retrained one side by side (--heldout FILE, repeatable, or for --olid the
val split), including the share of clean held-out posts flagged, and what
5-fold out-of-fold predictions on the training data suggest: a threshold for
--min-precision, and pairs of threshold and model_alone (the bar for the
model without a supporting rule hit) with their precision, recall and clean
FPR, the share of ordinary posts flagged. The suggested pair has the most
recall within --max-fpr and --min-precision, with a threshold of at least
--min-threshold; the frontier lists the best recall at each FPR. Folds keep
the variants of one generated template together, and the clean FPR counts
them as one post (each variant weighs 1/n), so a template with many
variants does not decide the point on its own. OLID tweets are left out of these figures (their labels
follow OLID's definition, not SPEC.md's). It writes --out only if the file is new or --replace is
given; the threshold in force stays in rules/categories/<category>.yaml.`,
		Example: `  exposure train --olid ../shared/data/olid --category offensive --out rules/models/offensive.json
  exposure train --in testdata/classify/train.jsonl --category procedure --heldout testdata/classify/test.jsonl --out rules/models/procedure.json --replace
  exposure train --in testdata/classify/train.jsonl --reviews --db exposure.db --category negativity --out negativity-new.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat := classify.Category(catName)
			if !cat.Valid() {
				return badInput("--category %q: want offensive, procedure, negativity or political", catName)
			}
			if out == "" {
				return badInput("--out is required")
			}
			if len(ins) == 0 && olid == "" && !reviews {
				return badInput("no training data: give --in, --olid or --reviews")
			}
			if _, err := os.Stat(out); err == nil && !replace {
				return badInput("--out %s exists: pass --replace to overwrite it, or write to a new file", out)
			}
			fsys, err := a.rulesFS()
			if err != nil {
				return err
			}
			base, err := classify.LoadRules(fsys)
			if err != nil {
				return inputError{err}
			}
			var ex []classify.Example
			var sources []string
			for _, in := range ins {
				e, err := readExamples(in)
				if err != nil {
					return err
				}
				for i := range e {
					e[i].Weight = inWeight
				}
				ex = append(ex, e...)
				sources = append(sources, filepath.Base(in))
			}
			if olid != "" {
				e, err := classify.ReadOLID(olid, "train")
				if err != nil {
					return badInput("%v", err)
				}
				n := 0
				for _, x := range e {
					if olidClean && len(x.Labels) > 0 {
						continue
					}
					x.Weight = olidWeight
					ex = append(ex, x)
					n++
				}
				what := "OLID train split (TweetEval offensive)"
				if olidClean {
					what = "OLID train split, not-offensive tweets only"
				}
				sources = append(sources, fmt.Sprintf("%s: %d at weight %g", what, n, olidWeight))
				if len(heldouts) == 0 && heldoutOLID == "" {
					heldoutOLID = "val"
				}
			}
			if reviews {
				e, err := a.reviewExamples(reviewWeight)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "reviewer decisions: %d posts\n", len(e))
				ex = append(ex, e...)
				sources = append(sources, fmt.Sprintf("%d reviewer decisions", len(e)))
			}
			opt.Source = fmt.Sprint(sources)
			m, err := base.Train(cat, ex, opt)
			if err != nil {
				return badInput("%v", err)
			}
			fmt.Fprintf(a.stdout, "trained %s on %d examples (%d positive), %d non-zero weights\n",
				cat, m.Trained.Examples, m.Trained.Positives, len(m.Weights))
			if s := m.Trained.Suggested; s != nil {
				fmt.Fprintf(a.stdout, "out-of-fold on the training data: threshold %.3f gives precision %.3f recall %.3f F1 %.3f\n",
					s.Threshold, s.Precision, s.Recall, s.F1)
				for _, p := range m.Trained.Curve {
					fmt.Fprintf(a.stdout, "  out-of-fold at %.1f: precision %.3f recall %.3f F1 %.3f\n", p.Threshold, p.Precision, p.Recall, p.F1)
				}
			}
			if p := m.Trained.AtRules; p != nil {
				fmt.Fprintf(a.stdout, "out-of-fold at the rules' threshold %.2f model_alone %.2f: precision %.3f recall %.3f clean FPR %.4f (%d distinct clean posts)\n",
					p.Threshold, p.ModelAlone, p.Precision, p.Recall, p.FPR, p.Clean)
			}
			for i, p := range m.Trained.Pairs {
				what := "frontier"
				if i == 0 {
					o := m.Trained.Options
					what = fmt.Sprintf("suggested (clean FPR <= %g, precision >= %g, threshold >= %g)", o.MaxFPR, o.MinPrecision, o.MinThreshold)
				}
				fmt.Fprintf(a.stdout, "out-of-fold threshold %.2f model_alone %.2f: precision %.3f recall %.3f clean FPR %.4f (%d distinct clean posts) %s\n",
					p.Threshold, p.ModelAlone, p.Precision, p.Recall, p.FPR, p.Clean, what)
			}
			// held-out comparison
			var hold []classify.Example
			holdName := ""
			switch {
			case len(heldouts) > 0:
				for _, h := range heldouts {
					e, err := readExamples(h)
					if err != nil {
						return err
					}
					hold = append(hold, e...)
				}
				holdName = strings.Join(heldouts, " + ")
			case heldoutOLID != "":
				if hold, err = classify.ReadOLID(olid, heldoutOLID); err != nil {
					return badInput("%v", err)
				}
				holdName = "OLID " + heldoutOLID + " split"
			}
			if hold != nil {
				current, cerr := classify.Load(fsys)
				if cerr != nil {
					current = base
				}
				cand := current.WithModel(m)
				fmt.Fprintf(a.stdout, "held-out %s (%d examples), %s at threshold %.2f:\n", holdName, len(hold), cat, current.Threshold(cat))
				fmt.Fprintf(a.stdout, "  %-10s %9s %9s %9s %9s\n", "model", "precision", "recall", "f1", "macro-f1")
				for _, row := range []struct {
					name string
					cl   *classify.Classifier
				}{{"current", current}, {"retrained", cand}} {
					if row.name == "current" && current.Model(cat) == nil {
						fmt.Fprintf(a.stdout, "  %-10s (none: rules only)\n", row.name)
					}
					r := classify.EvaluateBinary(row.cl, cat, hold)
					fmt.Fprintf(a.stdout, "  %-10s %9.3f %9.3f %9.3f %9.3f  clean FPR %.4f\n", row.name, r.Counts.Precision(), r.Counts.Recall(), r.Counts.F1(), r.MacroF1(), r.CleanFPR())
				}
			}
			data, err := m.Marshal()
			if err != nil {
				return err
			}
			if err := writeFileAtomic(out, data); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "wrote %s (%d bytes)\n", out, len(data))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&ins, "in", nil, "labelled JSONL (repeatable)")
	f.StringVar(&olid, "olid", "", "OLID/TweetEval directory: train on its train split")
	f.StringVar(&catName, "category", "", "category to train: offensive, procedure, negativity, political")
	f.StringVar(&out, "out", "", "model file to write")
	f.BoolVar(&replace, "replace", false, "overwrite --out if it exists")
	f.StringArrayVar(&heldouts, "heldout", nil, "labelled JSONL to compare the current and retrained models on (repeatable)")
	f.BoolVar(&olidClean, "olid-clean-only", false, "with --olid, use only the tweets OLID labels not offensive (as ordinary negatives for another category)")
	f.Float64Var(&olidWeight, "olid-weight", 1, "weight of each --olid example")
	f.Float64Var(&opt.MaxFPR, "max-fpr", 0, "share of clean examples the suggested operating point may flag (default 0.002)")
	f.StringVar(&heldoutOLID, "heldout-olid", "", "OLID split to compare on (default val with --olid)")
	f.Float64Var(&inWeight, "in-weight", 1, "weight of each --in example (e.g. to let a few hundred police posts count against thousands of OLID tweets)")
	f.BoolVar(&reviews, "reviews", false, "add the reviewer decisions in --db as labelled examples")
	f.Float64Var(&reviewWeight, "review-weight", 2, "weight of a reviewer decision relative to a written example")
	f.IntVar(&opt.Epochs, "epochs", 0, fmt.Sprintf("passes over the data (default %d)", classify.DefaultEpochs))
	f.Float64Var(&opt.L2, "l2", 0, fmt.Sprintf("L2 regularisation (default %g)", classify.DefaultL2))
	f.Float64Var(&opt.Dropout, "dropout", 0, "probability of dropping each active feature at each SGD step (default 0: none)")
	f.IntVar(&opt.Average, "average", 0, "return the weights averaged over the steps of the last N epochs (default 0: the last weights)")
	f.IntVar(&opt.Folds, "folds", 0, "folds of the out-of-fold figures (default 5; -1 for none, which leaves the weights as they are and trains 6 times faster)")
	f.Float64Var(&opt.Rate, "rate", 0, fmt.Sprintf("AdaGrad learning rate (default %g)", classify.DefaultRate))
	f.Float64Var(&opt.PosWeight, "pos-weight", 0, "weight of positive examples (default 1)")
	f.Uint64Var(&opt.Seed, "seed", 0, "shuffling seed (default 1)")
	f.Float64Var(&opt.MinPrecision, "min-precision", 0, "precision the suggested threshold must reach (default 0.9)")
	f.Float64Var(&opt.MinThreshold, "min-threshold", 0, "lowest threshold the suggested operating point may have (default 0.35)")
	return cmd
}

// reviewExamples turns the reviewer decisions in the store into labelled
// examples: the latest confirm or dismiss of each post counts. A confirmed
// post is positive for its final categories; a dismissed one is negative for
// every category.
func (a *app) reviewExamples(weight float64) ([]classify.Example, error) {
	db, err := a.openDB(false, true)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	type key struct{ platform, id string }
	last := map[key]store.Decision{}
	var order []key
	err = db.AllReviews(func(r store.Review) error {
		k := key{r.Platform, r.PostID}
		switch r.Decision {
		case store.Confirm, store.Dismiss:
			if _, seen := last[k]; !seen {
				order = append(order, k)
			}
			last[k] = r.Decision
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reviews: %w", err)
	}
	var out []classify.Example
	for _, k := range order {
		p, err := db.Post(k.platform, k.id)
		if errors.Is(err, store.ErrNotFound) {
			continue // purged
		}
		if err != nil {
			return nil, err
		}
		e := classify.Example{ID: "review:" + k.platform + "/" + k.id, Text: p.Text, Weight: weight}
		if last[k] == store.Confirm {
			f, err := db.Flag(k.platform, k.id)
			if err != nil {
				return nil, err
			}
			for _, c := range f.Final() {
				if cc := classify.Category(c); cc.Valid() && !slices.Contains(e.Labels, cc) {
					e.Labels = append(e.Labels, cc)
				}
			}
		}
		out = append(out, e)
	}
	return out, nil
}
