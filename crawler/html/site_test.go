package html

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/rules"
)

func TestEmbeddedSitesLoad(t *testing.T) {
	names, err := SiteNames(rules.Embedded())
	if err != nil || len(names) == 0 {
		t.Fatalf("sites: %v %v", names, err)
	}
	for _, n := range names {
		if _, err := LoadSite(rules.Embedded(), n); err != nil {
			t.Errorf("%s: %v", n, err)
		}
	}
}

// TestSiteErrors edits the shipped file into each kind of mistake and
// checks the message names the file and the line.
func TestSiteErrors(t *testing.T) {
	raw, err := fs.ReadFile(rules.Embedded(), "sites/facebook.yaml")
	if err != nil {
		t.Fatal(err)
	}
	good := string(raw)
	lineOfText := func(s string) int {
		for i, l := range strings.Split(good, "\n") {
			if strings.Contains(l, s) {
				return i + 1
			}
		}
		t.Fatalf("%q not in the file", s)
		return 0
	}
	cases := []struct {
		name, old, new, want string
		line                 int
	}{
		{"unknown top-level key", "allowed_domains:", "alowed: x\nallowed_domains:", "field alowed not found", lineOfText("allowed_domains:")},
		{"unknown key in a field", "{selector: a.see-more, attr: href}", "{selector: a.see-more, atr: href}", "field atr not found", lineOfText("a.see-more")},
		{"bad selector", "name: h1.profile-name", "name: h1..profile-name", "CSS selector", lineOfText("h1.profile-name")},
		{"bad pattern", `handle_pattern: '^/([^/?#]+)/?$'`, `handle_pattern: '^/([^/?#]+'`, "pattern", lineOfText("handle_pattern")},
		{"pattern without group", `handle_pattern: '^/([^/?#]+)/?$'`, `handle_pattern: '^/[a-z]+$'`, "capture group", lineOfText("handle_pattern")},
		{"missing selector", "    text: div.post-text\n", "", "profile.post.text is required", lineOfText("  post:")},
		{"bad template", `url: "{base}/{handle}"`, `url: "{base}/{user}"`, "unknown placeholder", lineOfText(`url: "{base}/{handle}"`)},
		{"bad time format", "format: rfc3339", "format: yyyy-mm-dd", "format", lineOfText("format: rfc3339")},
		{"link without attr", "next: {selector: a.see-more, attr: href}", "next: a.see-more", "attr: href", lineOfText("a.see-more")},
		{"bad status", "status: [404, 410]", "status: [404, 4100]", "not an HTTP status", lineOfText("status: [404, 410]")},
		{"name mismatch", "name: facebook", "name: fb", "must match the file name", lineOfText("name: facebook")},
		{"base outside domains", "base_url: https://www.facebook.com", "base_url: https://evil.example", "not in allowed_domains", lineOfText("base_url:")},
		{"wrong type", "min_posts: 2", "min_posts: two", "cannot unmarshal", lineOfText("min_posts")},
		{"bad yaml", "search:\n", "search: [\n", "", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(good, tc.old) {
				t.Fatalf("%q not in the file", tc.old)
			}
			_, err := ParseSite("sites/facebook.yaml", []byte(strings.Replace(good, tc.old, tc.new, 1)))
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a LineError", err)
			}
			if le.File != "sites/facebook.yaml" || !strings.Contains(le.Msg, tc.want) || (tc.line != 0 && le.Line != tc.line) {
				t.Errorf("got %q (line %d), want line %d and %q", err, le.Line, tc.line, tc.want)
			}
			if le.Line == 0 {
				t.Errorf("no line in %q", err)
			}
		})
	}
	if _, err := ParseSite("sites/facebook.yaml", nil); err == nil {
		t.Error("empty file accepted")
	}
}

func TestLoadSiteUnknown(t *testing.T) {
	_, err := LoadSite(rules.Embedded(), "myspace")
	if err == nil || !strings.Contains(err.Error(), "facebook") {
		t.Errorf("got %v, want the list of sites", err)
	}
	if _, err := LoadSite(rules.Embedded(), "../forces"); err == nil {
		t.Error("path accepted as a site name")
	}
}

func TestConfigValidate(t *testing.T) {
	ok := testConfig("http://127.0.0.1:1")
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	cases := map[string]func(*Config){
		"site":                  func(c *Config) { c.Site = "" },
		"base_url":              func(c *Config) { c.BaseURL = "ftp://x" },
		"queries":               func(c *Config) { c.Queries = []string{" "} },
		"contact":               func(c *Config) { c.Contact = "" },
		"delay":                 func(c *Config) { c.BaseURL, c.Delay = "", 0 },
		"random_delay":          func(c *Config) { c.RandomDelay = -1 },
		"parallelism":           func(c *Config) { c.Parallelism = 0 },
		"max_depth":             func(c *Config) { c.MaxDepth = 0 },
		"max_pages_per_profile": func(c *Config) { c.MaxPagesPerProfile = 0 },
		"max_body_bytes":        func(c *Config) { c.MaxBodyBytes = 10 },
		"max_redirects":         func(c *Config) { c.MaxRedirects = 99 },
		"timeout":               func(c *Config) { c.Timeout = 0 },
		"retries":               func(c *Config) { c.Retries = -1 },
		"backoff":               func(c *Config) { c.Backoff = -time.Second },
		"max_wait":              func(c *Config) { c.MaxWait = 0; c.Backoff = time.Second },
		"horizon":               func(c *Config) { c.Horizon = 0 },
		"crawl_id":              func(c *Config) { c.CrawlID = "a/b" },
	}
	for field, edit := range cases {
		c := ok
		edit(&c)
		err := c.Validate()
		var ce *ConfigError
		if !errors.As(err, &ce) || ce.Field != field || !strings.Contains(err.Error(), field+":") {
			t.Errorf("%s: got %v", field, err)
		}
	}
	if err := DefaultConfig().Validate(); err == nil {
		t.Error("default config without site and contact accepted")
	}
}
