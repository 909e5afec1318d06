package main

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/store"
)

// parsePostRef reads "platform/postID".
func parsePostRef(s string) (store.PostKey, error) {
	platform, id, ok := strings.Cut(s, "/")
	if !ok || platform == "" || id == "" {
		return store.PostKey{}, badInput("post %q: want PLATFORM/ID, as 'exposure review list' prints it", s)
	}
	return store.PostKey{Platform: platform, PostID: id}, nil
}

// flagFilter selects flags for listing and bulk decisions.
type flagFilter struct {
	state    string
	force    string
	category string
	platform string
	minScore float64
	limit    int
}

func (f *flagFilter) register(cmd *cobra.Command, defState string) {
	fl := cmd.Flags()
	fl.StringVar(&f.state, "state", defState, "flag state: new, confirmed, dismissed, referred, or all")
	fl.StringVar(&f.force, "force", "", "only flags on profiles of this force")
	fl.StringVar(&f.category, "category", "", "only flags in this category")
	fl.StringVar(&f.platform, "platform", "", "only flags on this platform")
	fl.Float64Var(&f.minScore, "min-score", 0, "only flags whose highest category score is at least this")
}

func (f *flagFilter) validate() error {
	if f.state != "all" && !store.FlagState(f.state).Valid() {
		return badInput("--state %q: want new, confirmed, dismissed, referred or all", f.state)
	}
	if f.category != "" && !classify.Category(f.category).Valid() {
		return badInput("--category %q: want offensive, procedure, negativity or political", f.category)
	}
	return nil
}

func (f *flagFilter) match(fl store.Flag) bool {
	if f.force != "" && !strings.EqualFold(fl.Force, f.force) {
		return false
	}
	if f.platform != "" && fl.Platform != f.platform {
		return false
	}
	if f.category != "" && !contains(fl.Final(), f.category) {
		return false
	}
	if f.minScore > 0 && maxScore(fl) < f.minScore {
		return false
	}
	return true
}

func (f *flagFilter) each(db *store.DB, fn func(store.Flag) error) error {
	state := store.FlagState(f.state)
	if f.state == "all" {
		state = ""
	}
	n := 0
	return db.Flags(state, func(fl store.Flag) error {
		if !f.match(fl) {
			return nil
		}
		if f.limit > 0 && n >= f.limit {
			return store.Stop
		}
		n++
		return fn(fl)
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func maxScore(f store.Flag) float64 {
	m := 0.0
	for _, c := range f.Final() {
		m = max(m, f.Scores[c])
	}
	return m
}

func (a *app) reviewCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "review",
		Short: "List flagged posts and record reviewer decisions",
		Long: `Work through the queue of flagged posts.

  exposure review list                     the new flags, highest score first
  exposure review show twitter/123         one post: text with evidence marked, scores, history
  exposure review confirm twitter/123 --reviewer "DC Smith" --reason "targeted insult"
  exposure review dismiss twitter/123 --reviewer "DC Smith" --reason "quoting to condemn"

Every decision is kept (a post can be reviewed again; history is never
overwritten) and written to the audit log with the reviewer's name.`,
	}
	cmd.AddCommand(a.reviewListCmd(), a.reviewShowCmd(),
		a.reviewDecideCmd(store.Confirm, "confirm", "Confirm flags: they can then be referred"),
		a.reviewDecideCmd(store.Dismiss, "dismiss", "Dismiss flags as not a breach (a reason is required)"),
		a.reviewDecideCmd(store.Recategorise, "recategorise", "Change the categories of flags (--categories)"),
		a.reviewDecideCmd(store.AddNote, "note", "Add a note to flags (--note)"))
	return cmd
}

func (a *app) reviewListCmd() *cobra.Command {
	var f flagFilter
	var format string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List flagged posts, highest score first",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := f.validate(); err != nil {
				return err
			}
			db, err := a.openDB(false, true)
			if err != nil {
				return err
			}
			defer db.Close()
			type row struct {
				f store.Flag
				p store.Post
			}
			var rows []row
			err = f.each(db, func(fl store.Flag) error {
				p, err := db.Post(fl.Platform, fl.PostID)
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
				rows = append(rows, row{fl, p})
				return nil
			})
			if err != nil {
				return err
			}
			sort.SliceStable(rows, func(i, j int) bool { return maxScore(rows[i].f) > maxScore(rows[j].f) })
			if format == "json" {
				return writeJSONLines(a.stdout, len(rows), func(i int) any {
					return map[string]any{"post": rows[i].f.Platform + "/" + rows[i].f.PostID, "flag": rows[i].f, "text": rows[i].p.Text, "url": rows[i].p.URL, "handle": rows[i].p.Profile.Handle}
				})
			}
			if format != "text" {
				return badInput("--format %q: want text or json", format)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "POST\tSTATE\tFORCE\tHANDLE\tCATEGORIES\tTEXT")
			for _, r := range rows {
				fmt.Fprintf(tw, "%s/%s\t%s\t%s\t@%s\t%s\t%s\n", r.f.Platform, r.f.PostID, r.f.State, oneLine(r.f.Force, 28),
					oneLine(r.p.Profile.Handle, 20), catScores(r.f), oneLine(r.p.Text, 60))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(a.stderr, "%d flags\n", len(rows))
			return nil
		},
	}
	f.register(cmd, "new")
	cmd.Flags().IntVar(&f.limit, "limit", 0, "show at most this many (0 for all)")
	cmd.Flags().StringVar(&format, "format", "text", "output: text or json (one object per line)")
	return cmd
}

func catScores(f store.Flag) string {
	var parts []string
	for _, c := range f.Final() {
		parts = append(parts, fmt.Sprintf("%s %.2f", c, f.Scores[c]))
	}
	return strings.Join(parts, ", ")
}

// markSpans returns text with each evidence span wrapped in »«, for a
// terminal. Spans are byte offsets; overlapping or invalid ones are skipped.
func markSpans(text string, spans []store.Span) string {
	var b strings.Builder
	pos := 0
	sorted := append([]store.Span{}, spans...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Start < sorted[j].Start })
	for _, s := range sorted {
		if s.Start < pos || s.End > len(text) || s.Start >= s.End {
			continue
		}
		b.WriteString(safe(text[pos:s.Start]))
		b.WriteString("»" + safe(text[s.Start:s.End]) + "«")
		pos = s.End
	}
	b.WriteString(safe(text[pos:]))
	return b.String()
}

func (a *app) reviewShowCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "show PLATFORM/ID",
		Short: "Show one flagged post with its evidence, scores, profile and review history",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			key, err := parsePostRef(args[0])
			if err != nil {
				return err
			}
			db, err := a.openDB(false, true)
			if err != nil {
				return err
			}
			defer db.Close()
			f, err := db.Flag(key.Platform, key.PostID)
			if errors.Is(err, store.ErrNotFound) {
				return badInput("no flagged post %s/%s in %s", key.Platform, key.PostID, a.dbPath)
			} else if err != nil {
				return err
			}
			p, err := db.Post(key.Platform, key.PostID)
			if err != nil {
				return err
			}
			w := a.stdout
			fmt.Fprintf(w, "Post       %s/%s  (%s)\n", p.Platform, p.ID, f.State)
			if f.ReferralID != "" {
				fmt.Fprintf(w, "Referral   %s\n", f.ReferralID)
			}
			fmt.Fprintf(w, "Profile    @%s  %s\n", safe(p.Profile.Handle), safe(p.Profile.Name))
			fmt.Fprintf(w, "Bio        %s\n", oneLine(p.Profile.Bio, 200))
			fmt.Fprintf(w, "Force      %s (%s; evidence: %s)\n", safe(f.Force), p.Profile.Role, safe(strings.Join(p.Profile.Evidence, ", ")))
			fmt.Fprintf(w, "Link       %s\n", safe(p.URL))
			fmt.Fprintf(w, "Posted     %s\nCaptured   %s\n", p.Created.Format("2006-01-02 15:04 MST"), p.CapturedAt.Format("2006-01-02 15:04:05 MST"))
			fmt.Fprintf(w, "Hash       %s\n", p.EvidenceHash)
			fmt.Fprintf(w, "Scores    ")
			for _, c := range classify.Categories {
				fmt.Fprintf(w, " %s %.2f", c, f.Scores[string(c)])
			}
			fmt.Fprintf(w, "\nFlagged    %s", strings.Join(f.Categories, ", "))
			if len(f.Reviewed) > 0 {
				fmt.Fprintf(w, "  (reviewer: %s)", strings.Join(f.Reviewed, ", "))
			}
			fmt.Fprintf(w, "\n\n%s\n\n", markSpans(p.Text, f.Evidence))
			if p.Repost {
				fmt.Fprintf(w, "Reposted:  %s\n\n", safe(p.RepostText))
			}
			for _, s := range f.Evidence {
				fmt.Fprintf(w, "  %-10s %q  %s\n", s.Category, safe(s.Text), safe(s.Reason))
			}
			hist, err := db.Reviews(key.Platform, key.PostID)
			if err != nil {
				return err
			}
			if len(hist) > 0 {
				fmt.Fprintln(w, "\nReview history")
				for _, r := range hist {
					fmt.Fprintf(w, "  %s  %-12s %s", r.At.Format("2006-01-02 15:04"), r.Decision, safe(r.Reviewer))
					if r.Reason != "" {
						fmt.Fprintf(w, "  reason: %s", safe(r.Reason))
					}
					if len(r.Categories) > 0 {
						fmt.Fprintf(w, "  categories: %s", strings.Join(r.Categories, ","))
					}
					if r.Note != "" {
						fmt.Fprintf(w, "  note: %s", safe(r.Note))
					}
					fmt.Fprintln(w)
				}
			}
			checks, err := db.Checks(key.Platform, key.PostID)
			if err != nil {
				return err
			}
			if len(checks) > 0 {
				fmt.Fprintln(w, "\nRechecks")
				for _, c := range checks {
					fmt.Fprintf(w, "  %s  %-18s %s\n", c.At.Format("2006-01-02 15:04"), c.State, safe(c.Reason))
				}
			}
			return nil
		},
	}
}

func (a *app) reviewDecideCmd(d store.Decision, use, short string) *cobra.Command {
	var reviewer, reason, note, cats string
	var all bool
	var f flagFilter
	cmd := &cobra.Command{
		Use:   use + " [PLATFORM/ID ...]",
		Short: short,
		Long: short + `.

Name posts as PLATFORM/ID, or use --all with the filters (--force, --category,
--platform, --min-score) to decide every matching flag in the queue.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(reviewer) == "" {
				return badInput("--reviewer is required: every decision records who made it")
			}
			if d == store.Dismiss && strings.TrimSpace(reason) == "" {
				return badInput("--reason is required to dismiss a flag")
			}
			if d == store.AddNote && strings.TrimSpace(note) == "" {
				return badInput("--note is required")
			}
			var categories []string
			if cats != "" {
				for _, c := range strings.Split(cats, ",") {
					c = strings.TrimSpace(c)
					if !classify.Category(c).Valid() {
						return badInput("--categories: %q is not offensive, procedure, negativity or political", c)
					}
					categories = append(categories, c)
				}
			}
			if d == store.Recategorise && len(categories) == 0 {
				return badInput("--categories is required to re-categorise")
			}
			if (len(args) == 0) == !all {
				return badInput("name posts as PLATFORM/ID, or use --all with filters (not both)")
			}
			if err := f.validate(); err != nil {
				return err
			}
			var keys []store.PostKey
			for _, arg := range args {
				k, err := parsePostRef(arg)
				if err != nil {
					return err
				}
				keys = append(keys, k)
			}
			db, err := a.openDB(false, false)
			if err != nil {
				return err
			}
			defer db.Close()
			if all {
				err := f.each(db, func(fl store.Flag) error {
					keys = append(keys, store.PostKey{Platform: fl.Platform, PostID: fl.PostID})
					return nil
				})
				if err != nil {
					return err
				}
			}
			// One transaction: either every named flag is decided or, if one
			// is refused, none is.
			batch := make([]store.Review, len(keys))
			for i, k := range keys {
				batch[i] = store.Review{Platform: k.Platform, PostID: k.PostID, Reviewer: reviewer,
					Decision: d, Reason: reason, Categories: categories, Note: note}
			}
			flags, err := db.ReviewBatch(batch)
			if errors.Is(err, store.ErrNotFound) {
				return badInput("no such flagged post: %v (nothing was recorded)", err)
			}
			if errors.Is(err, store.ErrBadState) {
				return badInput("%v (nothing was recorded)", err)
			}
			if err != nil {
				return err
			}
			n := len(flags)
			fmt.Fprintf(a.stdout, "%s: %d flag(s) by %s\n", use, n, safe(reviewer))
			return nil
		},
	}
	cmd.Flags().StringVar(&reviewer, "reviewer", "", "who is deciding (required; recorded in the audit log)")
	cmd.Flags().StringVar(&reason, "reason", "", "why (required for dismiss)")
	cmd.Flags().StringVar(&note, "note", "", "a note to keep with the decision")
	cmd.Flags().StringVar(&cats, "categories", "", "comma-separated categories that replace the classifier's")
	cmd.Flags().BoolVar(&all, "all", false, "decide every flag matching the filters")
	f.register(cmd, "new")
	return cmd
}

// writeJSONLines writes n values as JSON lines.
func writeJSONLines(w io.Writer, n int, at func(int) any) error {
	enc := newJSONEncoder(w)
	for i := 0; i < n; i++ {
		if err := enc.Encode(at(i)); err != nil {
			return err
		}
	}
	return nil
}
