// Command exposure finds public social-media profiles of people who say they
// are police officers or staff, flags posts that may breach standards, refers
// them to the right force with evidence, and rechecks later whether they are
// still up. Run `exposure --help` for the subcommands.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
