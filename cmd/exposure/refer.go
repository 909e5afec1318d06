package main

import (
	"fmt"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/store"
)

func (a *app) referCmd() *cobra.Command {
	var force, by, unit, authority, note string
	var allForces bool
	cmd := &cobra.Command{
		Use:   "refer --force NAME --by NAME",
		Short: "Bundle confirmed flags into a referral to a force",
		Long: `Bundle every confirmed flag on profiles of one force into a referral with a
stable id (REF-<year>-<number>). The flags move to 'referred', the referral is
written to the audit log, and 'exposure export --referral ID' writes the pack
the receiving force needs. --all-forces makes one referral per force that has
confirmed flags.

  exposure refer --force "West Midlands Police" --by "DS Jones"
  exposure refer --force WMP --by "DS Jones"        (aliases from the rules work)
  exposure refer list`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if strings.TrimSpace(by) == "" {
				return badInput("--by is required: a referral records who made it")
			}
			if (force == "") == !allForces {
				return badInput("give --force NAME or --all-forces")
			}
			db, err := a.openDB(false, false)
			if err != nil {
				return err
			}
			defer db.Close()
			confirmed := map[string][]store.PostKey{}
			err = db.Flags(store.FlagConfirmed, func(f store.Flag) error {
				confirmed[f.Force] = append(confirmed[f.Force], store.PostKey{Platform: f.Platform, PostID: f.PostID})
				return nil
			})
			if err != nil {
				return err
			}
			var forces []string
			if allForces {
				for f := range confirmed {
					forces = append(forces, f)
				}
				sort.Strings(forces)
			} else {
				name, err := a.resolveForce(force)
				if err != nil {
					return err
				}
				if len(confirmed[name]) == 0 {
					return badInput("no confirmed flags for %s: confirm flags with 'exposure review confirm' first", name)
				}
				forces = []string{name}
			}
			if len(forces) == 0 {
				return badInput("no confirmed flags to refer")
			}
			for _, f := range forces {
				ref, err := db.CreateReferral(store.NewReferral{Force: f, CreatedBy: by, Unit: unit,
					Authority: authority, Note: note, Posts: confirmed[f]})
				if err != nil {
					return err
				}
				fmt.Fprintf(a.stdout, "%s  %-40s %3d post(s)\n", ref.ID, f, len(ref.Posts))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&force, "force", "", "the force to refer to (canonical name or alias)")
	cmd.Flags().BoolVar(&allForces, "all-forces", false, "one referral per force with confirmed flags")
	cmd.Flags().StringVar(&by, "by", "", "who makes the referral (required)")
	cmd.Flags().StringVar(&unit, "unit", "Professional Standards Department", "the sending unit printed on the referral")
	cmd.Flags().StringVar(&authority, "authority", "", "authority or policy reference for the referral")
	cmd.Flags().StringVar(&note, "note", "", "a note for the receiving force")
	cmd.AddCommand(a.referListCmd())
	return cmd
}

func (a *app) referListCmd() *cobra.Command {
	var force string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List referrals",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := a.openDB(false, true)
			if err != nil {
				return err
			}
			defer db.Close()
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "REFERRAL\tFORCE\tPOSTS\tCREATED\tBY")
			each := db.Referrals
			if force != "" {
				name, err := a.resolveForce(force)
				if err != nil {
					return err
				}
				each = func(fn func(store.Referral) error) error { return db.ReferralsByForce(name, fn) }
			}
			err = each(func(r store.Referral) error {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", r.ID, r.Force, len(r.Posts), r.Created.Format("2006-01-02 15:04"), safe(r.CreatedBy))
				return nil
			})
			if err != nil {
				return err
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&force, "force", "", "only referrals to this force")
	return cmd
}
