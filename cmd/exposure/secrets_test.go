package main

import (
	"encoding/base64"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/faketwitter"
	"github.com/psd-tools/exposure/sim/simnet"
)

// TestSweepLogsNoSecrets runs sweeps and a recheck through the command
// line with Twitter credentials in the environment, at debug level, in
// both log formats, with faults that make the sources log warnings and
// errors, and once with credentials the API refuses. No form of any
// credential may appear in what the commands print, nor in the database
// file.
func TestSweepLogsNoSecrets(t *testing.T) {
	secrets := map[string]string{
		"BEARER_TOKEN":    "AAAAbearer-9f8e7d6c5b4a39281706",
		"CONSUMER_KEY":    "ckey-51a2b3c4d5e6f708",
		"CONSUMER_SECRET": "csecret-0a1b2c3d4e5f60718293a4b5c6d7e8f9",
		"ACCESS_TOKEN":    "1234567-atoken-aa11bb22cc33dd44",
		"ACCESS_SECRET":   "asecret-99887766554433221100ffee",
	}
	for k, v := range secrets {
		t.Setenv("EXPOSURE_TWITTER_"+k, v)
	}
	var forms []string
	for _, v := range secrets {
		forms = append(forms, v, url.QueryEscape(v), v[:12], base64.StdEncoding.EncodeToString([]byte(v)))
	}
	forms = append(forms, base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(secrets["CONSUMER_KEY"])+":"+url.QueryEscape(secrets["CONSUMER_SECRET"]))))
	leak := func(where, text string) {
		t.Helper()
		for _, f := range forms {
			if strings.Contains(text, f) {
				t.Errorf("%s holds a credential (%q…)", where, f[:6])
			}
		}
	}

	c := sim.DefaultConfig()
	c.Seed, c.Scale = 9, 0.02
	faults := faketwitter.Faults{Seed: 4, Rules: []faketwitter.Rule{{Kinds: []faketwitter.Kind{
		faketwitter.ServerError, faketwitter.Malformed, faketwitter.Reset, faketwitter.WrongType}, Rate: 0.2}}}
	for _, tc := range []struct {
		name string
		opt  faketwitter.Options
	}{
		{"accepted", faketwitter.Options{Faults: faults}},
		// The API knows other credentials: every request is refused, and
		// the source must say so without repeating what it sent.
		{"refused", faketwitter.Options{BearerToken: "other", ConsumerKey: "other", ConsumerSecret: "other",
			AccessToken: "other", AccessSecret: "other"}},
	} {
		n, err := simnet.Start(sim.New(c), simnet.Options{Twitter: tc.opt})
		if err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		cfg := filepath.Join(dir, "sweep.yaml")
		// Quick retries: the faults are there to make the source log.
		text := strings.Replace(n.SweepConfig("Secrets Suite", "TEST-SECRETS"), "twitter:\n",
			"twitter:\n  retry: {base_delay: 2ms, max_delay: 20ms}\n", 1)
		if err := os.WriteFile(cfg, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		db := filepath.Join(dir, "e.db")
		for _, format := range []string{"json", "console"} {
			for _, args := range [][]string{
				{"sweep", "--config", cfg},
				{"recheck", "--config", cfg, "--due", "0"},
			} {
				code, out, errs := exec(t, "", append([]string{"--db", db, "--log-level", "debug", "--log-format", format}, args...)...)
				if tc.name == "accepted" && code != 0 {
					t.Fatalf("%s %s: exit %d: %s", tc.name, args[0], code, lastLines(errs, 3))
				}
				if !strings.Contains(errs, `level`) && !strings.Contains(errs, "DBG") && !strings.Contains(errs, "INF") {
					t.Fatalf("%s %s: no log at all on stderr: %q", tc.name, args[0], lastLines(errs, 3))
				}
				leak(tc.name+" "+args[0]+" "+format+" stdout", out)
				leak(tc.name+" "+args[0]+" "+format+" stderr", errs)
			}
		}
		if raw, err := os.ReadFile(db); err == nil {
			leak(tc.name+" database file", string(raw))
		}
		n.Close()
	}
}
