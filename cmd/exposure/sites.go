package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/crawler/html"
)

func (a *app) sitesCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sites",
		Short: "Work with the public HTML site files (rules/sites/*.yaml)",
		Long: `The crawler reads public HTML sites through one site file each, in
rules/sites/NAME.yaml: where the search and profile pages are, which CSS
selectors hold the display name, bio, location and each post's text,
permalink and time, and how a removed post, a login wall, a suspended or a
deleted account look. A site's layout changes without warning; 'sites check'
catches that before a sweep silently finds nothing.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(a.sitesCheckCmd())
	return cmd
}

func (a *app) sitesCheckCmd() *cobra.Command {
	var site, baseURL, contact string
	var allowPrivate bool
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Fetch each site's known test profile and report which selectors still match",
		Long: `Fetch the known public test profile named in each site file (test_profile),
its first post's permalink and a search for it, and report per site which
rules of the file still match: the page itself, the complete-page marker, the
display name, bio and location (checked against the expected values in the
file), the post container and each post's id, text, permalink and time, the
next-page link, the permalink page and the search result.

It exits 1 if any required rule fails on any site, so that a layout change is
caught before a sweep. Requests obey robots.txt and carry the User-Agent with
your --contact (or $EXPOSURE_CONTACT), as a sweep's do.

--base-url points the check at another copy of the site (the simulation);
a loopback or private address also needs --allow-private.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if contact == "" {
				contact = os.Getenv("EXPOSURE_CONTACT")
			}
			if strings.TrimSpace(contact) == "" {
				return badInput("--contact: required (an email address or URL site operators can reach you at), or set EXPOSURE_CONTACT")
			}
			fsys, err := a.rulesFS()
			if err != nil {
				return err
			}
			names := []string{site}
			if site == "" {
				if names, err = html.SiteNames(fsys); err != nil {
					return inputError{err}
				}
				if len(names) == 0 {
					return badInput("no site files in the rules' sites directory")
				}
			}
			failed := 0
			for _, name := range names {
				cfg := html.DefaultConfig()
				cfg.Site, cfg.BaseURL, cfg.Contact, cfg.AllowPrivateAddresses = name, baseURL, contact, allowPrivate
				cfg.Retries = 1
				// A handful of requests: keep the delay short, and none
				// against a --base-url copy (the simulation).
				cfg.Delay, cfg.RandomDelay = 500*time.Millisecond, 0
				if baseURL != "" {
					cfg.Delay = 0
				}
				src, err := html.New(cfg, fsys, html.Deps{Log: a.log, Now: a.now, Version: version})
				if err != nil {
					var ce *html.ConfigError
					var le *html.LineError
					if errors.As(err, &ce) || errors.As(err, &le) || strings.Contains(err.Error(), "no file") {
						return inputError{err}
					}
					return err
				}
				rep := src.CheckSite(cmd.Context())
				if err := cmd.Context().Err(); err != nil {
					return err
				}
				printCheck(a, rep)
				if !rep.OK() {
					failed++
				}
			}
			if failed > 0 {
				return fmt.Errorf("sites check: %d of %d site(s) failed", failed, len(names))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&site, "site", "", "check only this site (default: every site file)")
	f.StringVar(&baseURL, "base-url", "", "fetch from this base URL instead of the site file's (the simulation)")
	f.StringVar(&contact, "contact", "", "contact for the User-Agent (default $EXPOSURE_CONTACT)")
	f.BoolVar(&allowPrivate, "allow-private", false, "allow a loopback or private --base-url")
	return cmd
}

func printCheck(a *app, rep *html.CheckReport) {
	verdict := "OK"
	if !rep.OK() {
		verdict = "FAIL"
	}
	fmt.Fprintf(a.stdout, "%s  %s  %s\n", rep.Site, rep.URL, verdict)
	if rep.Error != "" {
		fmt.Fprintf(a.stdout, "  FAIL  fetch: %s\n", rep.Error)
		return
	}
	for _, r := range rep.Results {
		mark := "ok  "
		switch {
		case !r.OK && r.Required:
			mark = "FAIL"
		case !r.OK:
			mark = "warn"
		}
		fmt.Fprintf(a.stdout, "  %s  %-22s %-40s %s\n", mark, r.Rule, r.Selector, r.Detail)
	}
}
