package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/psd-tools/exposure/web"
)

func (a *app) userCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Manage the web application's reviewer and admin accounts",
		Long: `Manage the accounts that sign in to 'exposure serve'.

  exposure user add alice --role admin      prompts for the password
  exposure user add bob --role reviewer
  exposure user list
  exposure user remove bob

Reviewers review flags and build referrals; admins also download export packs,
run jobs, read the audit log and manage users. Passwords are stored as bcrypt
hashes; every change is in the audit log. While the server runs it holds the
database: manage users from its Users page, or stop it first.`,
	}
	cmd.AddCommand(a.userAddCmd(), a.userListCmd(), a.userRemoveCmd())
	return cmd
}

// actor names who ran a CLI command, for the audit log.
func actor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	return "cli"
}

func (a *app) userAddCmd() *cobra.Command {
	var role string
	cmd := &cobra.Command{
		Use:   "add NAME --role reviewer|admin",
		Short: "Add an account; the password is read from the terminal without echo (or from standard input)",
		Long: `Add an account. The password is prompted for twice on a terminal, without
echo. When standard input is not a terminal, its first line is the password,
for scripts:

  printf '%s\n' "$PASSWORD" | exposure user add alice --role admin

Passwords need at least 12 characters (three random words work well) and at
most 72 bytes.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			name := args[0]
			if err := web.ValidName(name); err != nil {
				return inputError{err}
			}
			r := web.Role(role)
			if !r.Valid() {
				return badInput("--role %q: want reviewer or admin", role)
			}
			pw, err := a.readPassword(name)
			if err != nil {
				return err
			}
			if err := web.ValidPassword(pw); err != nil {
				return inputError{err}
			}
			db, err := a.openDB(false, false)
			if err != nil {
				return err
			}
			defer db.Close()
			err = web.NewUsers(db, 0).Add(actor(), name, r, pw)
			if errors.Is(err, web.ErrUserExists) {
				return inputError{err}
			} else if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "added %s (%s)\n", name, r)
			return nil
		},
	}
	cmd.Flags().StringVar(&role, "role", "", "reviewer or admin (required)")
	return cmd
}

// readPassword prompts twice without echo on a terminal; otherwise it
// reads the first line of standard input.
func (a *app) readPassword(name string) (string, error) {
	if f, ok := a.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(a.stderr, "Password for %s: ", name)
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(a.stderr, "Same password again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(a.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(p1) != string(p2) {
			return "", badInput("the two passwords differ")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReaderSize(a.stdin, 1024).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", badInput("no password: type it at the prompt, or give it as the first line of standard input")
	}
	return line, nil
}

func (a *app) userListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			db, err := a.openDB(false, true)
			if err != nil {
				return err
			}
			defer db.Close()
			users, err := web.NewUsers(db, 0).List()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tROLE\tCREATED\tBY")
			for _, u := range users {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", safe(u.Name), u.Role, u.Created.Format("2006-01-02 15:04"), safe(u.CreatedBy))
			}
			return tw.Flush()
		},
	}
}

func (a *app) userRemoveCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove an account",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			db, err := a.openDB(false, false)
			if err != nil {
				return err
			}
			defer db.Close()
			err = web.NewUsers(db, 0).Remove(actor(), args[0])
			if errors.Is(err, web.ErrNoUser) {
				return inputError{err}
			} else if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "removed %s\n", args[0])
			return nil
		},
	}
}
