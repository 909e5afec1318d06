package twitter

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim/faketwitter"
)

// secretForms are every spelling of the test credentials that could leak:
// as given, URL-encoded, and inside the basic-auth header used to mint a
// bearer token.
func secretForms(c Credentials) []string {
	var out []string
	for _, s := range []string{c.BearerToken, c.ConsumerKey, c.ConsumerSecret, c.AccessToken, c.AccessSecret} {
		out = append(out, s, url.QueryEscape(s))
	}
	basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.ConsumerKey) + ":" + url.QueryEscape(c.ConsumerSecret)))
	return append(out, basic, "SECRET")
}

// TestNoSecretsInLogsOrErrors runs every operation at debug level, with
// faults producing warnings and errors, and both with a given and a minted
// bearer token, then searches the log and the errors for the credentials.
func TestNoSecretsInLogsOrErrors(t *testing.T) {
	for _, minted := range []bool{false, true} {
		e := fixtureEnv(t, faketwitter.Options{Faults: faketwitter.Faults{Seed: 3, Rules: []faketwitter.Rule{
			{Kinds: []faketwitter.Kind{faketwitter.ServerError, faketwitter.Malformed, faketwitter.RateLimit, faketwitter.Reset}, Rate: 0.2}}}},
			func(c *Config) {
				c.Discover.UserSearch = UserSearch{Enabled: true, Queries: []string{"police"}}
				c.Discover.Followers = Graph{Enabled: true, Seeds: []string{"WMPolice", "PC_Banned"}}
				c.Discover.TweetSearch = TweetSearch{Enabled: true, Queries: []string{"#policelife"}}
			})
		if minted {
			e.creds.BearerToken = ""
		}
		s := e.source()
		var errs []string
		keep := func(err error) {
			if err != nil {
				errs = append(errs, err.Error(), fmt.Sprintf("%+v", err))
			}
		}
		_, _, err := discover(t, s)
		keep(err)
		_, _, err = collect(t, s, officer, "")
		keep(err)
		_, _, err = collect(t, s, crawler.Profile{Handle: "Sgt_Jones"}, "")
		keep(err)
		refs, _ := lookupRefs(e)
		checks, err := s.Lookup(context.Background(), refs)
		keep(err)
		for _, c := range checks {
			errs = append(errs, c.Reason)
		}
		// A refused token is an error path too.
		e.creds.BearerToken, e.creds.ConsumerSecret = "AAAArevoked-SECRET-9999", "cs-revoked-SECRET-8888"
		_, _, err = collect(t, e.source(), officer, "")
		keep(err)

		logs := e.logs.String()
		if !strings.Contains(logs, `"level":"debug"`) || !strings.Contains(logs, "twitter request") {
			t.Fatalf("debug logging did not run: %.200s", logs)
		}
		all := logs + strings.Join(errs, "\n")
		for _, c := range []Credentials{testCreds, e.creds} {
			for _, secret := range secretForms(c) {
				if secret != "" && strings.Contains(all, secret) {
					t.Errorf("minted=%v: %q appears in logs or errors", minted, secret)
				}
			}
		}
	}
}

func TestCredentialsNeverPrinted(t *testing.T) {
	b, _ := json.Marshal(struct{ C Credentials }{testCreds})
	out := fmt.Sprintf("%v %+v %#v %s", testCreds, testCreds, testCreds, b)
	for _, secret := range secretForms(testCreds) {
		if strings.Contains(out, secret) {
			t.Errorf("%q printed: %s", secret, out)
		}
	}
	if !strings.Contains(out, "bearer set") {
		t.Errorf("redacted form says nothing useful: %s", out)
	}
}

func TestCredentialsFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	c, err := CredentialsFromEnv(env(map[string]string{EnvBearerToken: " tok \n", EnvConsumerKey: "ck", EnvConsumerSecret: "cs"}))
	if err != nil || c.BearerToken != "tok" || !c.App() || c.User() {
		t.Fatalf("%v %v", c, err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "secret")
	if err := os.WriteFile(good, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = CredentialsFromEnv(env(map[string]string{EnvAccessSecret + "_FILE": good}))
	if err != nil || c.AccessSecret != "from-file" {
		t.Fatalf("from file: %v %v", c, err)
	}
	loose := filepath.Join(dir, "loose")
	if err := os.WriteFile(loose, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := CredentialsFromEnv(env(map[string]string{EnvBearerToken + "_FILE": loose})); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable secret file accepted: %v", err)
	}
	if _, err := CredentialsFromEnv(env(map[string]string{EnvBearerToken: "a", EnvBearerToken + "_FILE": good})); err == nil {
		t.Error("both a value and a file accepted")
	}
	if _, err := CredentialsFromEnv(env(map[string]string{EnvBearerToken: "a\x00b"})); err == nil {
		t.Error("control character accepted")
	}
}
