package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/classify"
)

func (a *app) evalCmd() *cobra.Command {
	var in, olid, split, sweep string
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Measure the classifier on labelled posts or on the OLID benchmark",
		Long: `eval runs the classifier, with the rules and models in use, over labelled
examples and prints how well it did.

  exposure eval --in labelled.jsonl
      Each line {"id": "...", "text": "...", "labels": ["offensive", ...]}
      (an empty list for a post that should not be flagged). Prints per
      category precision, recall, F1 and support, the share of clean posts
      (no label) flagged in the category (clean-fpr: on a police account
      breaches are rare, so this decides how many wrong flags reviewers
      see), the macro-F1, how many clean posts were flagged at all, and a
      confusion summary (labelled -> flagged).

  exposure eval --olid DIR [--split val]
      The offensive category on a split of the OLID / TweetEval data set:
      DIR/<split>_text.txt and DIR/<split>_labels.txt, one tweet and one label
      (1 offensive, 0 not) per line. Prints both classes and the macro-F1,
      the benchmark's official measure.

--sweep CATEGORY prints the figures at a range of thresholds instead; use it
on a validation split only, never on the test split you report.

The thresholds used are those in the rules (rules/categories/*.yaml).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (in == "") == (olid == "") {
				return badInput("give exactly one of --in or --olid")
			}
			fsys, err := a.rulesFS()
			if err != nil {
				return err
			}
			cl, err := classify.Load(fsys)
			if err != nil {
				return inputError{err}
			}
			fmt.Fprintf(a.stdout, "classifier %s\n", cl.Version())
			fmt.Fprint(a.stdout, "thresholds:")
			for _, c := range classify.Categories {
				fmt.Fprintf(a.stdout, " %s %.2f", c, cl.Threshold(c))
			}
			fmt.Fprintln(a.stdout)
			if olid != "" {
				ex, err := classify.ReadOLID(olid, split)
				if err != nil {
					return badInput("%v", err)
				}
				fmt.Fprintf(a.stdout, "OLID %s split: %d tweets\n", split, len(ex))
				if sweep != "" {
					classify.Sweep(a.stdout, cl, classify.Offensive, ex)
					return nil
				}
				classify.EvaluateBinary(cl, classify.Offensive, ex).Print(a.stdout)
				return nil
			}
			ex, err := readExamples(in)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "%s: %d examples\n", in, len(ex))
			if sweep != "" {
				cat := classify.Category(sweep)
				if !cat.Valid() {
					return badInput("--sweep %q: not a category", sweep)
				}
				classify.Sweep(a.stdout, cl, cat, ex)
				return nil
			}
			classify.Evaluate(cl, ex).Print(a.stdout)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&in, "in", "", "labelled JSONL")
	f.StringVar(&olid, "olid", "", "OLID/TweetEval directory")
	f.StringVar(&split, "split", "val", "OLID split: train, val or test")
	f.StringVar(&sweep, "sweep", "", "print precision and recall of this category at thresholds 0.05..0.95 instead (for choosing a threshold on a validation split)")
	return cmd
}

// readExamples reads labelled JSONL ("-" = standard input).
func readExamples(p string) ([]classify.Example, error) {
	ex, err := classify.ReadExampleFile(p)
	if err != nil {
		return nil, badInput("%v", err)
	}
	if len(ex) == 0 {
		return nil, badInput("%s: no examples", p)
	}
	return ex, nil
}
