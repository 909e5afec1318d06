package main

import (
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/demo"
	"github.com/psd-tools/exposure/report"
)

func (a *app) demoCmd() *cobra.Command {
	var out string
	var seed int64
	var scale float64
	var months int
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the whole job on an embedded simulated network",
		Long: `Run exposure end to end on a simulated social network served on loopback:
generate a world shaped like the reference study (the 44 forces, ~1,600
self-identifying officers and staff among several thousand look-alikes, on a
Twitter-like API and a Facebook-like public site), sweep it through the real
clients, confirm every flag under a reviewer identity labelled as the demo's,
refer them per force, write the per-force export packs, let 12 simulated
months pass with a recheck each month, and print the study table, the
classifier's precision and recall against the simulated ground truth, and the
visibility report.

Everything is written under --out (default ./exposure-demo): the database,
the sweep config it used, the signing key, the export packs and report.html.
No real person is in the simulated world; the demo's authority reference says
so in the audit log and every export.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fsys, err := a.rulesFS()
			if err != nil {
				return err
			}
			if scale <= 0 || scale > 100 {
				return badInput("--scale %g: want a factor above 0 and at most 100", scale)
			}
			prog := a.newProgress()
			defer prog.Finish()
			res, err := demo.Run(cmd.Context(), demo.Options{Out: out, Seed: seed, Scale: scale, Months: months, Rules: fsys,
				Tool: version, Log: a.log, Progress: prog, Stdout: a.stdout})
			prog.Finish()
			if err != nil {
				return err
			}
			return printDemo(a.stdout, res)
		},
	}
	cmd.Flags().StringVar(&out, "out", "exposure-demo", "folder for the database, exports and report")
	cmd.Flags().Int64Var(&seed, "seed", 1, "world seed (the same seed gives the same world and results)")
	cmd.Flags().Float64Var(&scale, "scale", 1, "population scale (10 = ten times the study)")
	cmd.Flags().IntVar(&months, "months", 12, "simulated months between referral and the last recheck")
	return cmd
}

func printDemo(w io.Writer, r *demo.Result) error {
	s := r.Sweep.Summary
	fmt.Fprintf(w, "\nSwept %d candidates: %d in scope, %d posts read, %d flagged on %d profiles; %d referrals, %d export packs.\n",
		s.Candidates, s.InScope, s.PostsRead, s.Flagged, s.ProfilesFlagged, len(r.Referrals), len(r.Exports))
	if s.Failed > 0 {
		fmt.Fprintf(w, "%d profiles could not be read and are left for the next run.\n", s.Failed)
	}

	fmt.Fprintln(w, "\n== The study's table for this sweep ==")
	study := r.Page
	study.Visibility = nil
	if err := report.WriteText(w, study); err != nil {
		return err
	}

	ev := r.Eval
	fmt.Fprintln(w, "\n== Accuracy against the SIMULATED ground truth (not a measure on real data) ==")
	fmt.Fprintf(w, "Identity (in scope)   precision %.3f  recall %.3f  (%d right, %d wrong, %d missed); force right %d/%d\n",
		ev.Identity.Precision(), ev.Identity.Recall(), ev.Identity.TP, ev.Identity.FP, ev.Identity.FN, ev.ForceRight, ev.ForceTotal)
	fmt.Fprintf(w, "Posts flagged at all  precision %.3f  recall %.3f  (%d posts read)\n", ev.Posts.Precision(), ev.Posts.Recall(), ev.PostsRead)
	for _, c := range classify.Categories {
		p := ev.Categories[c]
		fmt.Fprintf(w, "  %-11s         precision %.3f  recall %.3f  F1 %.3f  (TP %d, FP %d, FN %d)\n", c, p.Precision(), p.Recall(), p.F1(), p.TP, p.FP, p.FN)
	}
	fmt.Fprintf(w, "Simulated truth: %d in-scope profiles, %d inappropriate posts on %d profiles.\n",
		r.Truth.InScope, r.Truth.Inappropriate, r.Truth.Offenders)

	fmt.Fprintln(w, "\n== Visibility of referred posts ==")
	vis := r.Page
	vis.Study, vis.Instances = nil, nil
	if err := report.WriteText(w, vis); err != nil {
		return err
	}
	abs, _ := filepath.Abs(r.ReportHTML)
	dbAbs, _ := filepath.Abs(r.DB)
	fmt.Fprintf(w, "\nTimings:")
	for _, p := range r.Phases {
		fmt.Fprintf(w, "  %s %s;", p.Name, p.Took.Round(100*time.Millisecond))
	}
	fmt.Fprintf(w, " total %s\n", r.Took.Round(100*time.Millisecond))
	fmt.Fprintf(w, "\nDatabase: %s\nExports:  %s\nReport:   %s\n", dbAbs, filepath.Join(filepath.Dir(dbAbs), "exports"), abs)
	return nil
}
