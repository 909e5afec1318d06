package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/sim"
	"github.com/psd-tools/exposure/sim/fakesite"
)

func sitesCheck(t *testing.T, layout int, extra ...string) (int, string) {
	t.Helper()
	w := sim.FromData(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), nil, nil)
	srv := httptest.NewServer(fakesite.New(w, fakesite.Options{Layout: layout}))
	defer srv.Close()
	var out, errb bytes.Buffer
	args := append([]string{"sites", "check", "--base-url", srv.URL, "--allow-private", "--contact", "psd@example.police.uk"}, extra...)
	code := run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String() + errb.String()
}

func TestSitesCheck(t *testing.T) {
	code, out := sitesCheck(t, 1)
	if code != exitOK || !regexp.MustCompile(`(?m)^facebook  http://127\.0\.0\.1:\d+/sitecheck\.page  OK$`).MatchString(out) {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, rule := range []string{"profile.name", "profile.post.text", "profile.post.time", "permalink", "search"} {
		if !regexp.MustCompile(`(?m)^  ok    ` + regexp.QuoteMeta(rule) + ` `).MatchString(out) {
			t.Errorf("rule %s not reported ok:\n%s", rule, out)
		}
	}
}

// TestSitesCheckLayoutChange serves the redesigned layout: the renamed
// name, text and time must be reported and the exit code non-zero.
func TestSitesCheckLayoutChange(t *testing.T) {
	code, out := sitesCheck(t, 2)
	if code != exitFailure || !strings.Contains(out, "FAIL") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, rule := range []string{"profile.name", "profile.post.text", "profile.post.time", "permalink"} {
		if !regexp.MustCompile(`(?m)^  FAIL  ` + regexp.QuoteMeta(rule) + ` `).MatchString(out) {
			t.Errorf("rule %s not reported as failing:\n%s", rule, out)
		}
	}
	for _, rule := range []string{"profile.bio", "profile.post.item", "profile.post.permalink", "profile.next"} {
		if !regexp.MustCompile(`(?m)^  ok    ` + regexp.QuoteMeta(rule) + ` `).MatchString(out) {
			t.Errorf("rule %s should still match:\n%s", rule, out)
		}
	}
}

func TestSitesCheckBadInput(t *testing.T) {
	if code, out := sitesCheck(t, 1, "--site", "nosuch"); code != exitInput || !strings.Contains(out, "nosuch") {
		t.Errorf("unknown site: exit %d %s", code, out)
	}
	t.Setenv("EXPOSURE_CONTACT", "")
	var out bytes.Buffer
	code := run(context.Background(), []string{"sites", "check", "--base-url", "http://127.0.0.1:1"}, strings.NewReader(""), &out, &out)
	if code != exitInput || !strings.Contains(out.String(), "--contact") {
		t.Errorf("missing contact: exit %d %s", code, out.String())
	}
}
