package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary sweep configurations to the loader: it must
// return a configuration that validates or a one-line error naming the
// file, never panic.
func FuzzParse(f *testing.F) {
	for _, p := range []string{
		filepath.Join("..", "crawler", "twitter", "testdata", "config.yaml"),
	} {
		if raw, err := os.ReadFile(p); err == nil {
			f.Add(raw)
		}
	}
	f.Add([]byte("operator: A. Monitor\nauthority: POL-1\nrecheck:\n  due: 14d\nretention:\n  profiles: 6mo\nsites:\n  - {site: facebook, contact: a@b}\n"))
	f.Add([]byte("operator: a\nauthority: b\nsites:\n  - site: facebook\n    contact: x@y\n    delay: 1h\n"))
	f.Add([]byte("operator: a\nauthority: b\ntwitter:\n  discover:\n    followers: {enabled: true, seeds: [\"@@\"]}\n"))
	f.Add([]byte("operator: [a\n"))
	f.Add([]byte("operator: a\nauthority: b\nrecheck: {due: 1h, cannot_verify_after: -3d}\ntwitter: {}\nsites: [{site: a}, {site: a}]\n"))
	f.Add([]byte("\xef\xbb\xbfoperator: \"\\u202e\"\nauthority: \x00\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		c, err := Parse("fuzz.yaml", raw)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "fuzz.yaml") || strings.ContainsAny(msg, "\n\r") {
				t.Fatalf("error %q: want one line naming the file", msg)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("parsed, then does not validate: %v", err)
		}
		if len(c.Hash()) != 16 || c.Operator == "" || c.Authority == "" {
			t.Fatalf("parsed config: hash %q, operator %q, authority %q", c.Hash(), c.Operator, c.Authority)
		}
	})
}
