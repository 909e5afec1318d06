package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/store"
)

// age is a retention period in calendar units, so that "6mo" means six
// calendar months back, not 180 days.
type age struct {
	years, months, days int
	dur                 time.Duration
}

// before returns t moved back by the age.
func (a age) before(t time.Time) time.Time {
	return t.AddDate(-a.years, -a.months, -a.days).Add(-a.dur)
}

// parseAge reads a retention such as 6mo, 180d, 1y, 2w, 36h or 1y6mo.
func parseAge(flag, s string) (age, error) {
	var a age
	rest := strings.ToLower(strings.TrimSpace(s))
	if rest == "" {
		return a, badInput("%s: a period is required, like 6mo, 180d or 1y", flag)
	}
	for rest != "" {
		i := 0
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		j := i
		for j < len(rest) && rest[j] >= 'a' && rest[j] <= 'z' {
			j++
		}
		if i == 0 || j == i || i > 6 {
			return age{}, badInput("%s %q: want a number and a unit (y, mo, w, d, h), like 6mo, 180d or 1y", flag, s)
		}
		n, _ := strconv.Atoi(rest[:i])
		switch rest[i:j] {
		case "y", "yr", "year", "years":
			a.years += n
		case "mo", "month", "months":
			a.months += n
		case "w", "week", "weeks":
			a.days += 7 * n
		case "d", "day", "days":
			a.days += n
		case "h", "hour", "hours":
			a.dur += time.Duration(n) * time.Hour
		default:
			return age{}, badInput("%s %q: unknown unit %q; use y, mo (months), w, d or h", flag, s, rest[i:j])
		}
		rest = rest[j:]
	}
	if a == (age{}) {
		return age{}, badInput("%s %q: the period must be longer than zero", flag, s)
	}
	return a, nil
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
(counts only) and the audit log stay. The purge writes a tombstone to the
audit log with what it deleted (counts and referral ids, not content).
--dry-run lists what would go and changes nothing.

Periods are a number and a unit: y, mo (months), w, d, h; they can be
combined (1y6mo).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return badInput("--format %q: want text or json", format)
			}
			old, err := parseAge("--older-than", olderThan)
			if err != nil {
				return err
			}
			keep, err := parseAge("--referral-retention", refRetention)
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
			opt := store.PurgeOptions{Before: old.before(now), ReferralBefore: keep.before(now), DryRun: dryRun,
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
