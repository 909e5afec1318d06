package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/store"
)

func (a *app) auditCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Show the audit log or prove its chain is intact",
		Long: `The audit log records every sweep, review decision, referral, export, recheck
state change and purge, with who did it and when. Each entry carries the
SHA-256 of the one before it, so editing or deleting an entry breaks the
chain from there on.

A purge redacts the personal values (subject, notes, reasons) of entries
about the data it deletes; who did what and when stays, and the chain still
verifies. Redacted values show as [redacted].

  exposure audit list [--from N] [--format text|json]
  exposure audit verify`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	var from uint64
	var format string
	list := &cobra.Command{
		Use:   "list",
		Short: "Print audit entries in order",
		Long: `Print audit entries from --from on (default 1, all). --format text prints one
aligned line per entry: sequence, time (UTC), actor, action, subject, details;
values with spaces, brackets or control characters are quoted, and a value a
purge removed shows as [redacted], unquoted, followed by the purge's entry.
--format json prints one JSON object per line with the chain hashes (prev,
hash), the seal (salts of the value commitments) and any redaction.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return badInput("--format %q: want text or json", format)
			}
			if from == 0 {
				from = 1
			}
			db, err := a.openDB(false, true)
			if err != nil {
				return err
			}
			defer db.Close()
			enc := json.NewEncoder(a.stdout)
			return db.AuditLog(from, func(e store.AuditEntry) error {
				if format == "json" {
					return enc.Encode(e)
				}
				_, err := fmt.Fprintln(a.stdout, auditLine(e))
				return err
			})
		},
	}
	list.Flags().Uint64Var(&from, "from", 1, "first entry to print (sequence number)")
	list.Flags().StringVar(&format, "format", "text", "text or json (one object per line)")
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check every entry's hash and link; name the first broken entry",
		Long: `Walk the whole audit log checking each entry's hash and its link to the one
before. A sealed entry's hash is recomputed from the values it shows and the
commitments of those a purge removed; a purge's record of what it redacted
must match the entries it redacted. Entries written before sealing are
checked as they always were. Prints the number of entries and the chain
head when intact; else names the first broken entry and exits 2.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := a.openDB(false, true)
			if err != nil {
				return err
			}
			defer db.Close()
			n, err := db.VerifyAudit()
			var ce *store.ChainError
			if errors.As(err, &ce) {
				return inputError{err}
			}
			if err != nil {
				return err
			}
			var head store.AuditEntry
			if err := db.AuditLog(uint64(n), func(e store.AuditEntry) error { head = e; return nil }); err != nil {
				return err
			}
			if n == 0 {
				fmt.Fprintln(a.stdout, "audit log is empty")
				return nil
			}
			fmt.Fprintf(a.stdout, "audit log intact: %d entries, last %d at %s, chain head %s\n", n, head.Seq,
				head.At.Format(time.RFC3339), head.Hash)
			return nil
		},
	}
	cmd.AddCommand(list, verify)
	return cmd
}

// redactedMark stands for a value a purge removed. termSafe quotes any
// value that starts with '[', so no real value prints as it.
const redactedMark = "[redacted]"

// auditLine formats one entry for a terminal.
func auditLine(e store.AuditEntry) string {
	gone := map[string]bool{}
	keys := make([]string, 0, len(e.Detail))
	for k := range e.Detail {
		keys = append(keys, k)
	}
	for _, k := range e.RedactedDetail() {
		gone[k] = true
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		v := termSafe(e.Detail[k])
		if gone[k] {
			v = redactedMark
		}
		parts = append(parts, termSafe(k)+"="+v)
	}
	subject := termSafe(e.Subject)
	if e.SubjectRedacted() {
		subject = redactedMark
	}
	line := fmt.Sprintf("%6d  %s  %-12s  %-20s  %s  %s", e.Seq, e.At.UTC().Format(time.RFC3339),
		termSafe(e.Actor), termSafe(e.Action), subject, strings.Join(parts, " "))
	if e.Redaction != nil {
		line += fmt.Sprintf("  (redacted by purge, entry %d)", e.Redaction.By)
	}
	return line
}

// termSafe quotes a value that has spaces, '=' or characters a terminal
// would act on, so a hostile note cannot rewrite the screen or pass as
// another field.
func termSafe(s string) string {
	if s == "" {
		return `""`
	}
	for _, r := range s {
		if unicode.IsSpace(r) || r == '=' || r == '"' || r == '[' || !unicode.IsPrint(r) {
			return strconv.Quote(s)
		}
	}
	return s
}
