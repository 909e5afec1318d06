package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParse(t *testing.T) {
	c, err := Parse("s.yaml", []byte("operator: A. Monitor\nauthority: POL-1\nrecheck:\n  due: 14d\nretention:\n  profiles: 6mo\n"))
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
		{"operator: a\nauthority: b\nrecheck:\n  due: soon\n", "s.yaml:4:"},
		{"operator: a\n", "s.yaml: authority: required"},
		{"operator: a\nauthority: ''\n", "s.yaml:2: authority: required"},
		{"operator: [\n", "s.yaml:"},
		{"operator: a\nauthority: b\nrecheck:\n  due: 10m\n", "s.yaml:4: recheck.due: must be at least 1h"},
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
