package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/config"
	"github.com/psd-tools/exposure/report"
)

// reportOpts are the report command's flags.
type reportOpts struct {
	format       string
	out          string
	table        string
	at           string
	cannotVerify string
	months       []int
	sweep        uint64
	force        string
	maxList      int
}

const reportMethod = `The share still visible is a Kaplan–Meier estimate. Time starts at the
referral. A post counts as no longer visible at the first recheck that finds it
removed, or its account private (account_protected), suspended or gone. A post
still visible or edited is counted up to its last such recheck and no further
(censored), so a referral made two months ago says nothing about twelve months.
Unknown checks (timeouts, rate limits, 5xx) are ignored: never a removal.
Beside each share is its 95% confidence interval from Greenwood's variance on
the log(-log) scale, which keeps it within 0-100% and holds up near 100% and
for forces with few referrals. 1, 3, 6 and 12 months are 30, 91, 182 and 365
days. "–" means no post has been followed that long yet. The median time to
removal is the first time the estimate falls to 50% or below.

State changes (visible → removed, visible → edited with both texts, account
going private...) are read from the recheck history, skipping unknown checks.
A post whose rechecks have all been unknown for longer than
--cannot-verify-after is listed as "cannot verify".`

const reportFormats = `Formats: text (default, for the terminal), csv (one table, chosen with
--table), json (everything), html (a self-contained page with SVG charts,
written to --out; it loads nothing from elsewhere and prints on A4).`

func (a *app) reportCmd() *cobra.Command {
	o := &reportOpts{}
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Print the visibility report and the study table",
		Long: `Print both reports from the store: the visibility of referred posts over
time (see 'exposure report visibility --help') and the reference study's table
for the latest sweep (see 'exposure report sweep --help').

` + reportFormats + `

  exposure report
  exposure report --format html --out report.html
  exposure report --format json > report.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runReport(o, true, true, report.TableGroups) },
	}
	a.reportFlags(cmd, o, true, true)

	vis := &cobra.Command{
		Use:   "visibility",
		Short: "Share of referred posts still visible after 1, 3, 6 and 12 months",
		Long: `Print, per force, per category and overall: the referred posts, the share
still visible 1, 3, 6 and 12 months after referral with confidence intervals,
the median time to removal, the state at the latest recheck, the state changes
seen by rechecks, and the posts that cannot be verified.

` + reportMethod + `

` + reportFormats + ` CSV tables: ` + strings.Join(report.CSVTables[:len(report.CSVTables)-1], ", ") + `.

  exposure report visibility
  exposure report visibility --force "Kent Police" --at 2026-01-01
  exposure report visibility --format csv --table events > events.csv
  exposure report visibility --format html --out visibility.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runReport(o, true, false, report.TableGroups) },
	}
	a.reportFlags(vis, o, true, false)

	sw := &cobra.Command{
		Use:   "sweep",
		Short: "The reference study's table for a sweep, compared with the previous one",
		Long: `Print the reference study's table for a sweep: self-identifying profiles per
force, flagged instances per category and per platform with the share on each
platform, profiles with at least one flag, and the same numbers for the
previous complete sweep with the change. The counts are the sweep's own summary
(unflagged posts and out-of-scope profiles are counted, never kept). A post may
carry several categories, so category instances can add up to more than the
flagged posts.

Without --sweep the latest complete sweep is shown.

` + reportFormats + ` The CSV has one count per row.

  exposure report sweep
  exposure report sweep --sweep 3 --format csv > sweep3.csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runReport(o, false, true, report.TableStudy) },
	}
	a.reportFlags(sw, o, false, true)
	cmd.AddCommand(vis, sw)
	return cmd
}

func (a *app) reportFlags(cmd *cobra.Command, o *reportOpts, vis, study bool) {
	f := cmd.Flags()
	f.StringVar(&o.format, "format", "text", "output format: text, csv, json or html")
	f.StringVar(&o.out, "out", "", "write to this file instead of standard output (required for html; - is standard output)")
	f.StringVar(&o.table, "table", "", "with --format csv, the table to write: "+strings.Join(report.CSVTables, ", "))
	f.IntVar(&o.maxList, "max-list", report.DefaultMaxList, "longest list of state changes and cannot-verify posts in text and html (-1: all)")
	if vis {
		f.StringVar(&o.at, "at", "", "report as of this date or RFC 3339 time, ignoring later referrals and checks (default: now, or the latest recheck if the store's clock is ahead, as after a demo)")
		f.StringVar(&o.cannotVerify, "cannot-verify-after", "30d", "list a post as 'cannot verify' when its checks have been unknown for longer than this (e.g. 30d, 6w)")
		f.IntSliceVar(&o.months, "months", report.DefaultHorizons, "months after referral at which to read the share still visible")
		f.StringVar(&o.force, "force", "", "only the referrals to this force (canonical name or alias)")
	}
	if study {
		f.Uint64Var(&o.sweep, "sweep", 0, "the sweep id for the study table (default: the latest complete sweep)")
	}
}

// runReport validates the flags, reads the store once and writes the page.
func (a *app) runReport(o *reportOpts, vis, study bool, defTable string) error {
	switch o.format {
	case "text", "csv", "json", "html":
	default:
		return badInput("--format %q: want text, csv, json or html", o.format)
	}
	if o.format == "html" && o.out == "" {
		return badInput("--format html needs --out FILE (the page is written to a file)")
	}
	if o.table != "" && o.format != "csv" {
		return badInput("--table %q is for --format csv", o.table)
	}
	table := o.table
	if table == "" {
		table = defTable
	}
	if o.format == "csv" {
		if !slices.Contains(report.CSVTables, table) {
			return badInput("--table %q: want one of %s", table, strings.Join(report.CSVTables, ", "))
		}
		if (table == report.TableStudy && !study) || (table != report.TableStudy && !vis) {
			return badInput("--table %q is not part of this report", table)
		}
	}
	at := a.now().UTC()
	var opt report.Options
	if vis {
		if o.at != "" {
			t, err := parseAt(o.at)
			if err != nil {
				return err
			}
			at = t
		}
		d, err := config.ParseDuration(o.cannotVerify)
		if err != nil || d <= 0 {
			return badInput("--cannot-verify-after %q: want a positive duration such as 30d or 6w", o.cannotVerify)
		}
		opt.CannotVerifyAfter = d
		for i, m := range o.months {
			if m < 1 || m > 240 || (i > 0 && m <= o.months[i-1]) {
				return badInput("--months %v: want increasing whole months between 1 and 240", o.months)
			}
		}
		opt.Horizons = o.months
	}
	force := ""
	if vis && o.force != "" {
		name, err := a.resolveForce(o.force)
		if err != nil {
			return err
		}
		force = name
	}

	db, err := a.openDB(false, true)
	if err != nil {
		return err
	}
	defer db.Close()
	page := report.Page{Title: "exposure report", Generated: a.now().UTC(), Source: filepath.Base(a.dbPath), MaxList: o.maxList}
	if vis {
		page.Title = "exposure: visibility of referred posts"
		start := time.Now()
		subjects, err := report.LoadSubjects(db)
		if err != nil {
			return err
		}
		in, err := report.LoadInstances(db, force)
		if err != nil {
			return err
		}
		if o.at == "" {
			// The demo's simulated clock runs ahead of the wall clock.
			if l := report.Latest(subjects); l.After(at) {
				at = l
			}
		}
		if force != "" {
			subjects = slices.DeleteFunc(subjects, func(s report.Subject) bool { return s.Force != force })
			page.Title += ": " + force
		}
		r := report.Visibility(subjects, at, opt)
		page.Visibility, page.Instances = &r, &in
		a.log.Debug().Int("subjects", len(subjects)).Dur("took", time.Since(start)).Msg("visibility computed")
	}
	if study {
		if !vis {
			page.Title = "exposure: study table"
		} else {
			page.Title = "exposure report"
		}
		sweeps, err := db.Sweeps()
		if err != nil {
			return err
		}
		t, err := report.Study(sweeps, o.sweep)
		switch {
		case err == nil:
			page.Study = &t
		case errors.Is(err, report.ErrNoSweep) && vis && o.sweep == 0:
			page.StudyNote = "no sweep in the store yet."
		case errors.Is(err, report.ErrNoSweep):
			return inputError{err}
		default:
			return err
		}
	}
	return a.writeReport(o, page, table)
}

// writeReport renders to a buffer first, so a failure never leaves half a
// file, then writes --out atomically (temporary file and rename).
func (a *app) writeReport(o *reportOpts, page report.Page, table string) error {
	var b bytes.Buffer
	var err error
	switch o.format {
	case "text":
		err = report.WriteText(&b, page)
	case "csv":
		err = report.WriteCSV(&b, page, table)
	case "json":
		err = report.WriteJSON(&b, page)
	case "html":
		err = report.WriteHTML(&b, page)
	}
	if err != nil {
		return err
	}
	if o.out == "" || o.out == "-" {
		_, err := io.Copy(a.stdout, &b)
		return err
	}
	if err := writeFileAtomic(o.out, b.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "report written to %s\n", o.out)
	return nil
}

func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return badInput("--out %s: directory %s does not exist", path, dir)
	}
	tmp, err := os.CreateTemp(dir, ".report-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// parseAt reads --at: an RFC 3339 time, or a date meaning the start of
// that day in UTC.
func parseAt(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, badInput("--at %q: want a date such as 2026-01-31 or an RFC 3339 time such as 2026-01-31T12:00:00Z", s)
}
