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
	var dryRun bool
	cmd := &cobra.Command{
		Use:   "purge [--older-than 6mo] [--referral-retention 6y] [--dry-run]",
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

bbolt does not wipe the pages it frees, so deleted bytes can stay in the
file until those pages are reused; see README "Retention and purge".

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
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(res)
			}
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
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&olderThan, "older-than", "6mo", "retention of personal data not in a kept referral")
	f.StringVar(&refRetention, "referral-retention", "6y", "retention of a referral and its evidence, from the referral's date")
	f.BoolVar(&dryRun, "dry-run", false, "list what would be deleted and change nothing")
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
