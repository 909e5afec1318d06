package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	c, err := Parse("s.yaml", []byte("operator: A. Monitor\nauthority: POL-1\nrecheck:\n  due: 14d\nretention:\n  profiles: 6mo\nsites:\n  - {site: facebook, contact: a@b}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Recheck.Due.D() != 14*24*time.Hour || c.Retention.Profiles.D() != 180*24*time.Hour || c.Retention.Referrals.D() != 6*365*24*time.Hour {
		t.Fatalf("config = %+v", c)
	}
	if c.Hash() == "" || c.Path() != "s.yaml" {
		t.Fatal("hash or path missing")
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"operator: a\nauthority: b\nbogus: 1\n", "s.yaml:3: field bogus not found"},
		{"operator: a\nauthority: b\n", "s.yaml: no sources configured"},
		{"operator: a\nauthority: b\nrecheck:\n  due: soon\n", "s.yaml:4:"},
		{"operator: a\n", "s.yaml: authority: required"},
		{"operator: a\nauthority: ''\n", "s.yaml:2: authority: required"},
		{"operator: [\n", "s.yaml:"},
		{"operator: a\nauthority: b\nrecheck:\n  due: 10m\nsites: [{site: x, contact: y}]\n", "s.yaml:4: recheck.due: must be at least 1h"},
	} {
		_, err := Parse("s.yaml", []byte(tc.in))
		var ce *Error
		if !errors.As(err, &ce) || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: got %v, want prefix %q on one line", tc.in, err, tc.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"6mo": 180 * day, "1y6mo": 545 * day, "30d": 30 * day, "36h": 36 * time.Hour, "2w": 14 * day, "1.5d": 36 * time.Hour,
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("%s = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "six months", "6 parsecs", "mo", "-3d"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestSources(t *testing.T) {
	c, err := Parse("s.yaml", []byte(`operator: a
authority: b
twitter:
  base_url: http://127.0.0.1:9999
  discover:
    followers:
      enabled: true
      seeds: [WMPolice]
sites:
  - site: facebook
    contact: psd@example.police.uk
    base_url: http://127.0.0.1:9998
    allow_private_addresses: true
    delay: 0s
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Twitter == nil || !c.Twitter.Discover.Followers.Enabled || len(c.Sites) != 1 {
		t.Fatalf("config = %+v", c)
	}
	if s := c.Sites[0]; s.Retries != 3 || s.MaxBodyBytes != 4<<20 || s.Delay != 0 {
		t.Fatalf("site defaults not kept: %+v", s.Config)
	}
	for _, tc := range []struct{ in, want string }{
		{"operator: a\nauthority: b\ntwitter:\n  discover:\n    followers:\n      seedz: [x]\n", "s.yaml:6: field seedz not found in twitter.discover.followers"},
		{"operator: a\nauthority: b\nsites:\n  - site: facebook\n    contact: x@y\n    colour: red\n", "s.yaml:6: field colour not found in sites[]"},
		{"operator: a\nauthority: b\nsites:\n  - site: facebook\n", "s.yaml:4: sites[0].contact: "},
		{"operator: a\nauthority: b\ntwitter:\n  base_url: ftp://x\n", "s.yaml:4: twitter.base_url: "},
		{"operator: a\nauthority: b\nsites:\n  - {site: facebook, contact: a@b}\n  - {site: facebook, contact: a@b}\n", "s.yaml:5: sites[1].site: site \"facebook\" is configured twice"},
	} {
		_, err := Parse("s.yaml", []byte(tc.in))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant prefix %q", tc.in, err, tc.want)
		}
	}
}
