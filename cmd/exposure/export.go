package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/export"
)

// keysDir is where 'keys init' puts the signing key by default: beside
// the database, so one PSD's database and key travel together.
func (a *app) keysDir() string {
	return filepath.Join(filepath.Dir(a.dbPath), "exposure-keys")
}

// operatorName returns --operator, else $EXPOSURE_OPERATOR, else the login
// name: every export and purge is recorded against a person.
func operatorName(flag string) (string, error) {
	for _, s := range []string{flag, os.Getenv("EXPOSURE_OPERATOR")} {
		if s = strings.TrimSpace(s); s != "" {
			return s, nil
		}
	}
	if u, err := user.Current(); err == nil && u.Username != "" {
		return u.Username, nil
	}
	return "", badInput("--operator: no operator name given and none can be found; pass --operator NAME")
}

// parseDate reads a --since value: a date (UTC midnight) or an RFC 3339
// time.
func parseDate(flag, s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, badInput("%s %q: want a date like 2026-01-31 or a time like 2026-01-31T09:00:00Z", flag, s)
}

func (a *app) exportCmd() *cobra.Command {
	var refID, force, since, out, keyPath, operator string
	cmd := &cobra.Command{
		Use:   "export (--referral ID | --force NAME [--since DATE]) --out DIR",
		Short: "Write a signed evidence pack for a referral, or for a force",
		Long: `Write the evidence pack a receiving force acts on: a folder DIR and DIR.zip
beside it, holding

  referral.html      printable report (A4, no external assets, opens offline):
                     cover page, then each profile and post with the text as
                     captured, evidence highlighted, scores, reviews, rechecks
  referral.csv       one row per post, for the force's systems
  referral.json      the same content, schema exposure.referral (SCHEMA.md)
  evidence/          each post's capture record (its evidence hash is the
                     SHA-256 of that file), the raw payloads captured, and
                     capture.warc.gz (WARC/1.1) for web-archive replay tools
  public_key.pem     the signing key's public half
  manifest.json      every file with its SHA-256, signed (Ed25519) into
  manifest.sig       ... a raw signature over the exact manifest bytes
  VERIFY.txt         how to check the pack, with or without exposure

--referral exports one referral; --force exports every referral to that force,
or those created on or after --since. The pack is built in a temporary folder
and renamed into place, so a failed export leaves nothing; DIR must not exist
or be empty. The manifest is signed with the key from 'exposure keys init'
(--key, default exposure-keys/signing.key beside --db). The export is written
to the audit log with the operator's name.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req := export.Request{Referral: strings.TrimSpace(refID), Force: strings.TrimSpace(force)}
			switch {
			case req.Referral != "" && req.Force != "":
				return badInput("--referral and --force: give one, not both")
			case req.Referral == "" && req.Force == "":
				return badInput("export: give --referral ID or --force NAME")
			case req.Referral != "" && since != "":
				return badInput("--since: only applies with --force")
			case out == "":
				return badInput("--out: the folder to write is required")
			}
			if req.Force != "" {
				canon, err := a.resolveForce(req.Force)
				if err != nil {
					return err
				}
				req.Force = canon
			}
			if since != "" {
				t, err := parseDate("--since", since)
				if err != nil {
					return err
				}
				req.Since = t
			}
			op, err := operatorName(operator)
			if err != nil {
				return err
			}
			if keyPath == "" {
				keyPath = filepath.Join(a.keysDir(), export.PrivateKeyFile)
			}
			key, err := export.LoadPrivateKey(keyPath)
			if err != nil {
				return inputError{err}
			}
			db, err := a.openDB(false, false)
			if err != nil {
				return err
			}
			defer db.Close()
			res, err := export.Write(cmd.Context(), db, req, export.Options{Out: out, Key: key, Operator: op, Tool: version})
			switch {
			case errors.Is(err, export.ErrUnknownReferral), errors.Is(err, export.ErrNoReferrals), errors.Is(err, export.ErrOutExists):
				return inputError{err}
			case err != nil:
				return err
			}
			a.log.Info().Str("referrals", strings.Join(res.Referrals, ",")).Int("posts", res.Posts).
				Int("files", len(res.Files)).Uint64("audit_seq", res.Audit.Seq).Msg("export written")
			fmt.Fprintf(a.stdout, "Wrote %s and %s\n", res.Dir, filepath.Base(res.Zip))
			fmt.Fprintf(a.stdout, "  %s to %s: %d post(s) from %d profile(s)\n", strings.Join(res.Referrals, ", "),
				res.Audit.Detail["force"], res.Posts, res.Profiles)
			fmt.Fprintf(a.stdout, "  manifest.json sha256 %s, signed by key %s\n", res.ManifestSHA256, res.KeyFingerprint)
			fmt.Fprintf(a.stdout, "  zip sha256 %s; audit entry %d\n", res.ZipSHA256, res.Audit.Seq)
			for _, f := range res.Files {
				fmt.Fprintf(a.stdout, "  %9d  %s\n", f.Size, f.Path)
			}
			for _, w := range res.Warnings {
				fmt.Fprintf(a.stdout, "warning: %s\n", w)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&refID, "referral", "", "referral id to export (e.g. REF-2026-00001)")
	f.StringVar(&force, "force", "", "export every referral to this force")
	f.StringVar(&since, "since", "", "with --force: only referrals created on or after this date (YYYY-MM-DD)")
	f.StringVar(&out, "out", "", "folder to create; the zip is written beside it as DIR.zip")
	f.StringVar(&keyPath, "key", "", "Ed25519 signing key (default exposure-keys/signing.key beside --db)")
	f.StringVar(&operator, "operator", "", "who runs the export, for the audit log (default $EXPOSURE_OPERATOR or the login name)")
	return cmd
}

func (a *app) keysCmd() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create or show the key that signs export packs",
		Long: `Manage the Ed25519 key pair that signs every export pack's manifest.

'keys init' creates signing.key (private, mode 0600) and signing.pub in --dir
(default exposure-keys/ beside --db) and never overwrites an existing key.
Give signing.pub, or its fingerprint from 'keys show', to the forces you send
packs to, by a channel other than the packs themselves: 'exposure verify
--pubkey signing.pub' then proves a pack came from you.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&dir, "dir", "", "keys directory (default exposure-keys/ beside --db)")
	dirOr := func() string {
		if dir != "" {
			return dir
		}
		return a.keysDir()
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "init",
		Short: "Create a new signing key pair",
		Long:  "Create signing.key (mode 0600) and signing.pub in the keys directory; refuses to overwrite an existing key.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pub, priv, pubPath, err := export.InitKeys(dirOr())
			if errors.Is(err, export.ErrKey) {
				return inputError{err}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Created %s (private, keep it safe) and %s\nfingerprint %s\n", priv, pubPath, export.Fingerprint(pub))
			return nil
		},
	}, &cobra.Command{
		Use:   "show",
		Short: "Print the public key and its fingerprint",
		Long:  "Print the public key (PEM) and its fingerprint, the hex SHA-256 of the raw key, to give to receiving forces.",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			pub, err := export.LoadPublicKey(filepath.Join(dirOr(), export.PublicKeyFile))
			if err != nil {
				return inputError{err}
			}
			fmt.Fprintf(a.stdout, "%sfingerprint %s\n", export.PublicPEM(pub), export.Fingerprint(pub))
			return nil
		},
	})
	return cmd
}

func (a *app) verifyCmd() *cobra.Command {
	var pubPath string
	cmd := &cobra.Command{
		Use:   "verify [--pubkey FILE] PACK",
		Short: "Check an export pack's signature and every file's hash",
		Long: `Check an export pack (its folder or its zip): manifest.json parses, its
signature in manifest.sig verifies against the pack's public_key.pem, every
listed file is present with its size and SHA-256, and no file was added.
With --pubkey, the pack must also be signed by that key (the sender's key you
received separately); without it, the signature only proves the pack is
consistent, not who made it.

Prints one line per failing file and exits 2 if anything fails.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var trusted ed25519.PublicKey
			if pubPath != "" {
				var err error
				if trusted, err = export.LoadPublicKey(pubPath); err != nil {
					return inputError{err}
				}
			}
			fsys, closer, err := export.OpenPack(args[0])
			if err != nil {
				return inputError{err}
			}
			defer closer.Close()
			rep := export.Verify(fsys, trusted)
			if err := rep.Err(); err != nil {
				for _, p := range rep.Problems {
					fmt.Fprintf(a.stdout, "FAIL %s\n", p)
				}
				return inputError{fmt.Errorf("%s: %w", args[0], err)}
			}
			trust := "not checked against a trusted key (pass --pubkey)"
			if rep.Trusted {
				trust = "the trusted key from " + pubPath
			}
			refs := strings.Join(rep.Manifest.Referrals, ", ")
			fmt.Fprintf(a.stdout, "OK %s: %s, %d files match manifest.json, signature valid\n  signed %s by key %s: %s\n",
				args[0], refs, rep.Checked, rep.Manifest.Created.Format(time.RFC3339), rep.KeyFingerprint, trust)
			return nil
		},
	}
	cmd.Flags().StringVar(&pubPath, "pubkey", "", "the sender's public key (PEM) that the pack must be signed with")
	return cmd
}
