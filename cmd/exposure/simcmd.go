package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/simnet"
)

func (a *app) simCmd() *cobra.Command {
	var addr, configOut string
	var seed int64
	var scale float64
	var rateLimits bool
	cmd := &cobra.Command{
		Use:   "sim",
		Short: "Serve the simulated social network on loopback for sweeps from another process",
		Long: `Generate the simulated world (the reference study's population at its real
scale by default: ~1,600 self-identifying officers and staff among several
thousand look-alikes, on a Twitter-like API and a Facebook-like public site)
and serve it on loopback until interrupted. It prints its address and writes a
ready sweep configuration pointing the real sources at it, so that 'sweep',
'recheck' and the rest can run against it:

  exposure sim --config-out sim-sweep.yaml &
  export EXPOSURE_TWITTER_BEARER_TOKEN=sim EXPOSURE_TWITTER_CONSUMER_KEY=sim \
         EXPOSURE_TWITTER_CONSUMER_SECRET=sim EXPOSURE_TWITTER_ACCESS_TOKEN=sim \
         EXPOSURE_TWITTER_ACCESS_SECRET=sim
  exposure sweep --config sim-sweep.yaml
  exposure sim advance --months 12 --url http://127.0.0.1:PORT

The fake API accepts any credentials. The world is fiction: no real person.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := sim.DefaultConfig()
			cfg.Seed, cfg.Scale = seed, scale
			if err := cfg.Validate(); err != nil {
				return badInput("%v", err)
			}
			w := sim.New(cfg)
			n, err := simnet.Start(w, simnet.Options{Addr: addr, RateLimits: rateLimits})
			if err != nil {
				return badInput("--addr %s: %v", addr, err)
			}
			defer n.Close()
			if configOut != "" {
				text := n.SweepConfig("exposure sim operator", "SIM-ONLY (simulated network; no real monitoring)")
				if err := os.WriteFile(configOut, []byte(text), 0o644); err != nil {
					return fmt.Errorf("write %s: %w", configOut, err)
				}
			}
			st := w.Stats()
			fmt.Fprintf(a.stdout, "simulated network at %s (seed %d, scale %g)\n", n.URL, seed, scale)
			fmt.Fprintf(a.stdout, "  %d accounts, %d in scope, %d inappropriate posts (simulated ground truth)\n",
				st.Accounts[sim.Twitter]+st.Accounts[sim.Facebook], st.InScope, st.Inappropriate)
			if configOut != "" {
				abs, _ := filepath.Abs(configOut)
				fmt.Fprintf(a.stdout, "  sweep config: %s\n", abs)
			}
			fmt.Fprintf(a.stdout, "  advance its clock: exposure sim advance --months N --url %s\n", n.URL)
			fmt.Fprintln(a.stdout, "serving until interrupted (Ctrl-C)")
			<-cmd.Context().Done()
			return nil
		},
	}
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:0", "address to listen on (port 0: a free port)")
	cmd.Flags().Int64Var(&seed, "seed", 1, "world seed: the same seed gives the same world")
	cmd.Flags().Float64Var(&scale, "scale", 1, "population scale (10 = ten times the study)")
	cmd.Flags().StringVar(&configOut, "config-out", "sim-sweep.yaml", "write a sweep config for this network here (empty: don't)")
	cmd.Flags().BoolVar(&rateLimits, "rate-limits", false, "apply the Twitter API's published rate limits (15-minute windows)")
	cmd.AddCommand(a.simAdvanceCmd())
	return cmd
}

func (a *app) simAdvanceCmd() *cobra.Command {
	var url string
	var months int
	cmd := &cobra.Command{
		Use:   "advance --months N --url URL",
		Short: "Move a running simulated network's clock forward",
		Long: `Move the clock of a running 'exposure sim' forward: as time passes, some
inappropriate posts are deleted or edited and some accounts go private, are
suspended or are deleted, at the world's configured rates.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if url == "" {
				return badInput("--url is required: the address 'exposure sim' printed")
			}
			if months < 1 {
				return badInput("--months must be at least 1")
			}
			st, err := simnet.Advance(cmd.Context(), url, months)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "simulated clock now %s\n", st.Now.Format("2006-01-02"))
			return nil
		},
	}
	cmd.Flags().StringVar(&url, "url", "", "the simulated network's address")
	cmd.Flags().IntVar(&months, "months", 1, "months to advance")
	return cmd
}
