package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/config"
	"github.com/psd-tools/exposure/store"
)

// parseRetention reads a retention period with the config's units (h, d,
// w, mo = 30 days, y = 365 days, combinable: 1y6mo). Anything under a day
// is refused: "6m" is six minutes, and a purge with it would delete nearly
// everything.
func parseRetention(flag, s string) (time.Duration, error) {
	d, err := config.ParseDuration(s)
	if err != nil {
		return 0, badInput("%s: %v", flag, err)
	}
	if d < 24*time.Hour {
		return 0, badInput("%s %q is under a day; for months write mo (6mo), not m (minutes)", flag, s)
	}
	return d, nil
}

func (a *app) purgeCmd() *cobra.Command {
	var olderThan, refRetention, operator, format string
	var dryRun, compact bool
	cmd := &cobra.Command{
		Use:   "purge [--older-than 6mo] [--referral-retention 6y] [--dry-run] [--compact=false]",
		Short: "Delete personal data past its retention period",
		Long: `Delete personal data the PSD no longer needs, in one transaction:

  - profiles not seen for --older-than that have no referral still kept,
    with all their posts, flags, reviews and payloads;
  - posts whose flag was dismissed more than --older-than ago;
  - referrals older than --referral-retention, with their posts, reviews,
    rechecks and payloads (a referral's evidence is kept that long, even
    when its profile is no longer seen);
  - the per-candidate checkpoints of finished sweeps older than --older-than.

A payload that any remaining post or recheck uses is kept. Sweep summaries
(counts only) stay, and so does every audit log entry, but entries about
deleted data lose their personal values: the subject (post, profile, handle
or URL) and every detail but states, decisions, categories, force,
authority, counts, referral ids and hashes. This covers reviews and recheck
state changes of posts an earlier purge deleted too. The entries keep who
did what and when, and the chain still verifies ('exposure audit verify').
Entries written before sealing existed (schema 1) are redacted as well; the
tombstone's digest then vouches for what is left of them.

The purge writes a tombstone to the audit log with what it deleted (counts
and referral ids, not content) and how many audit entries it redacted.
--dry-run lists what would go and changes nothing.

bbolt does not wipe the pages it frees, so deleted bytes would stay in the
file until those pages are reused. So after the purge commits, the file is
compacted (--compact, on by default; a dry run never compacts): the live
data is copied into a new file beside it, which replaces the old one by an
atomic rename, and the old file is overwritten with zeros. This needs free
space for the live data; on any error the file stays as the purge left it.
The audit log records it (sizes only). With nothing to purge it still
compacts, e.g. after a purge in the web application, which cannot compact
the file it serves. Backups and copies need their own retention; see README
"Retention and purge".

Periods are a number and a unit, as in the config: y (365 days), mo (30
days), w, d, h, combinable (1y6mo); at least a day.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return badInput("--format %q: want text or json", format)
			}
			old, err := parseRetention("--older-than", olderThan)
			if err != nil {
				return err
			}
			keep, err := parseRetention("--referral-retention", refRetention)
			if err != nil {
				return err
			}
			op, err := operatorName(operator)
			if err != nil {
				return err
			}
			db, err := a.openDB(false, dryRun)
			if err != nil {
				return err
			}
			defer db.Close()
			now := db.Now()
			opt := store.PurgeOptions{Before: now.Add(-old), ReferralBefore: now.Add(-keep), DryRun: dryRun,
				Actor: op, Policy: "older-than " + olderThan + ", referral-retention " + refRetention}
			res, err := db.Purge(opt)
			if err != nil {
				return err
			}
			var comp *store.CompactResult
			var compErr error
			if compact && !dryRun {
				var tomb uint64
				if res.Tombstone != nil {
					tomb = res.Tombstone.Seq
				}
				c, err := db.Compact(op, tomb)
				if c.Audit != nil {
					comp = &c
				}
				if err != nil {
					compErr = compactFailed(err, res, comp != nil)
				}
			}
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(struct {
					store.PurgeResult
					Compact *store.CompactResult `json:"compact,omitempty"`
				}{res, comp}); err != nil {
					return err
				}
				return compErr
			}
			defer a.printCompact(comp, dryRun && compact && cmd.Flags().Changed("compact"))
			verb := "Deleted"
			if dryRun {
				verb = "Dry run: would delete"
			}
			fmt.Fprintf(a.stdout, "%s %d profile(s), %d post(s), %d referral(s), %d review(s), %d recheck(s), %d payload(s), %d sweep checkpoint(s)\n",
				verb, len(res.Profiles), len(res.Posts), len(res.Referrals), res.Reviews, res.Checks, res.Payloads, res.Checkpoints)
			fmt.Fprintf(a.stdout, "  personal data cut-off %s, referral cut-off %s\n",
				opt.Before.Format("2006-01-02"), opt.ReferralBefore.Format("2006-01-02"))
			if res.AuditRedacted > 0 {
				verb := "Redacted"
				if dryRun {
					verb = "Would redact"
				}
				fmt.Fprintf(a.stdout, "  %s the personal values of %d audit entr%s about deleted data (%d written before entries were sealed)\n",
					verb, res.AuditRedacted, plural(res.AuditRedacted, "y", "ies"), res.AuditLegacy)
			}
			if len(res.AuditBroken) > 0 {
				fmt.Fprintf(a.stdout, "  WARNING: %d audit entr%s about deleted data fail their own hash and %s left as evidence (first %d); run 'exposure audit verify'\n",
					len(res.AuditBroken), plural(len(res.AuditBroken), "y", "ies"), plural(len(res.AuditBroken), "is", "are"), res.AuditBroken[0])
				a.log.Warn().Int("entries", len(res.AuditBroken)).Uint64("first", res.AuditBroken[0]).Msg("audit entries about purged data fail verification; not redacted")
			}
			for _, l := range []struct {
				kind  string
				items []store.PurgeItem
			}{{"referral", res.Referrals}, {"profile", res.Profiles}, {"post", res.Posts}} {
				for _, it := range l.items {
					fmt.Fprintf(a.stdout, "  %-8s %-28s %s\n", l.kind, termSafe(it.Key), termSafe(it.Why))
				}
			}
			if res.Tombstone != nil {
				fmt.Fprintf(a.stdout, "Tombstone written to the audit log as entry %d\n", res.Tombstone.Seq)
				a.log.Info().Int("profiles", len(res.Profiles)).Int("posts", len(res.Posts)).
					Int("referrals", len(res.Referrals)).Uint64("audit_seq", res.Tombstone.Seq).Msg("purge done")
			}
			return compErr
		},
	}
	f := cmd.Flags()
	f.StringVar(&olderThan, "older-than", "6mo", "retention of personal data not in a kept referral")
	f.StringVar(&refRetention, "referral-retention", "6y", "retention of a referral and its evidence, from the referral's date")
	f.BoolVar(&dryRun, "dry-run", false, "list what would be deleted and change nothing")
	f.BoolVar(&compact, "compact", true, "after the purge, rewrite the file without the freed pages that still hold deleted bytes (needs free space for the live data)")
	f.StringVar(&operator, "operator", "", "who runs the purge, for the audit log (default $EXPOSURE_OPERATOR or the login name)")
	f.StringVar(&format, "format", "text", "text or json")
	return cmd
}

// plural picks the ending for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// compactFailed is the one-line error of a compaction after a committed
// purge: what stands, and what to do.
func compactFailed(err error, res store.PurgeResult, replaced bool) error {
	done := "nothing was purged"
	if res.Tombstone != nil {
		done = fmt.Sprintf("the purge is committed (audit entry %d)", res.Tombstone.Seq)
	}
	if replaced {
		return fmt.Errorf("%s and the file is compacted, but: %w", done, err)
	}
	return fmt.Errorf("%s, but the file was not compacted and may still hold deleted bytes; it is unchanged since the purge (%w); fix that and run 'exposure purge --compact' again", done, err)
}

// printCompact reports a compaction after the purge's own lines.
func (a *app) printCompact(c *store.CompactResult, dryNote bool) {
	if dryNote {
		fmt.Fprintln(a.stdout, "Dry run: the file is not compacted")
	}
	if c == nil {
		return
	}
	fmt.Fprintf(a.stdout, "Compacted the file: %s -> %s, audit entry %d\n", sizeText(c.BytesBefore), sizeText(c.BytesAfter), c.Audit.Seq)
	if c.WipeError != "" {
		fmt.Fprintf(a.stdout, "  WARNING: the old file's blocks could not be overwritten (%s); the file system frees them without wiping\n", c.WipeError)
		a.log.Warn().Str("error", c.WipeError).Msg("old database file not wiped after compaction")
	} else {
		fmt.Fprintln(a.stdout, "  the replaced file's blocks were overwritten with zeros")
	}
	a.log.Info().Int64("bytes_before", c.BytesBefore).Int64("bytes_after", c.BytesAfter).Uint64("audit_seq", c.Audit.Seq).Msg("compacted")
}

// sizeText writes n bytes for people.
func sizeText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
