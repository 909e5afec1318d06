package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/rules"
	"github.com/psd-tools/exposure/store"
)

// Exit codes. Bad input (a malformed file, an unknown name or id, a missing
// database) is 2 so that scripts can tell it from a failure while working.
const (
	exitOK      = 0
	exitFailure = 1
	exitInput   = 2
)

// inputError marks an error caused by what the user gave us.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

// badInput wraps err (or a formatted message) as an input error: exit code 2.
func badInput(format string, args ...any) error {
	return inputError{fmt.Errorf(format, args...)}
}

// app holds what every subcommand shares: global flags, streams, logger.
type app struct {
	dbPath    string
	rulesDir  string
	logLevel  string
	logFormat string
	// owner describes this process in the database's owner note.
	owner string

	stdin          io.Reader
	stdout, stderr io.Writer
	log            zerolog.Logger
	now            func() time.Time
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	msg := strings.TrimSpace(err.Error())
	fmt.Fprintf(stderr, "exposure: %s\n", msg)
	var ie inputError
	switch {
	case errors.As(err, &ie), isUsage(err), errors.Is(err, store.ErrInUse),
		errors.Is(err, store.ErrNewerSchema), errors.Is(err, store.ErrNotExposure):
		return exitInput
	}
	return exitFailure
}

// isUsage reports whether err is cobra's complaint about flags or arguments.
func isUsage(err error) bool {
	s := err.Error()
	for _, p := range []string{"unknown flag", "unknown command", "unknown shorthand", "accepts ", "requires at least", "required flag", "invalid argument", "flag needs an argument"} {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

func (a *app) rootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "exposure",
		Short: "Find self-identifying police profiles, flag posts, refer them and recheck them",
		Long: `exposure helps a Professional Standards Department find public social-media
profiles of people who say they are police officers or staff, flag posts that
may breach standards, refer them to the right force with evidence, and recheck
months later whether the referred posts are still up.

Start with 'exposure demo', which runs the whole job on a simulated network.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return a.setupLogging()
		},
	}
	pf := root.PersistentFlags()
	pf.StringVar(&a.dbPath, "db", "exposure.db", "bbolt database file")
	pf.StringVar(&a.rulesDir, "rules", "", "rules directory (default: the rules embedded in the binary)")
	pf.StringVar(&a.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	pf.StringVar(&a.logFormat, "log-format", "", "log format: json or console (default: console on a terminal, else json)")
	root.AddCommand(a.commands()...)
	return root
}

func (a *app) setupLogging() error {
	lvl, err := zerolog.ParseLevel(a.logLevel)
	if err != nil || a.logLevel == "" {
		return badInput("--log-level %q: want debug, info, warn or error", a.logLevel)
	}
	format := a.logFormat
	if format == "" {
		format = "json"
		if f, ok := a.stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
			format = "console"
		}
	}
	var w io.Writer
	switch format {
	case "json":
		w = a.stderr
	case "console":
		w = zerolog.ConsoleWriter{Out: a.stderr, TimeFormat: "15:04:05"}
	default:
		return badInput("--log-format %q: want json or console", a.logFormat)
	}
	// Workers log concurrently; stderr may be any writer (a test's
	// buffer, a pipe wrapper), so each event is written under a lock.
	a.log = zerolog.New(zerolog.SyncWriter(w)).Level(lvl).With().Timestamp().Logger()
	return nil
}

// rulesFS returns the rule files selected by --rules.
func (a *app) rulesFS() (fs.FS, error) {
	fsys, err := rules.Open(a.rulesDir)
	if err != nil {
		return nil, inputError{err}
	}
	return fsys, nil
}
