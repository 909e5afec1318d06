package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/store"
)

// version is the tool version recorded with every capture; release builds
// set it with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// commands lists the subcommands, in the order --help shows them.
func (a *app) commands() []*cobra.Command {
	return []*cobra.Command{
		a.demoCmd(),
		a.sweepCmd(),
		a.reviewCmd(),
		a.referCmd(),
		a.serveCmd(),
		a.userCmd(),
		a.exportCmd(),
		a.recheckCmd(),
		a.reportCmd(),
		a.identifyCmd(),
		a.classifyCmd(),
		a.evalCmd(),
		a.trainCmd(),
		a.verifyCmd(),
		a.keysCmd(),
		a.auditCmd(),
		a.purgeCmd(),
		a.sitesCmd(),
		a.simCmd(),
		a.versionCmd(),
	}
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the exposure version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(a.stdout, "exposure %s (store schema %d)\n", version, store.SchemaVersion)
			return nil
		},
	}
}

// openDB opens --db. Commands that create data pass create=true; commands
// that only read pass readOnly=true so that a missing file is an error
// rather than a new empty database.
func (a *app) openDB(create, readOnly bool) (*store.DB, error) {
	db, err := store.Open(a.dbPath, store.Options{Create: create, ReadOnly: readOnly, Owner: a.owner})
	if err != nil {
		if errors.Is(err, store.ErrInUse) && strings.Contains(err.Error(), "exposure serve") {
			return nil, inputError{fmt.Errorf("%w: use the web application, or stop the server first", err)}
		}
		if errors.Is(err, store.ErrMissing) || errors.Is(err, store.ErrNotExposure) ||
			errors.Is(err, store.ErrNewerSchema) || errors.Is(err, store.ErrReadOnly) {
			return nil, inputError{err}
		}
		return nil, err
	}
	if db.RemovedStaleTemp() {
		a.log.Warn().Str("db", a.dbPath).Msg("removed the temporary file of a compaction that was interrupted; the database is the one from before it")
	}
	return db, nil
}
