package main

import "testing"

func TestSafe(t *testing.T) {
	for in, want := range map[string]string{
		"plain":             "plain",
		"a\x1b[31mred":      `a\u001b[31mred`,
		"evil\u202etxt.exe": `evil\u202etxt.exe`,
		"zero\u200bwidth":   `zero\u200bwidth`,
		"bad\xffutf8":       `bad\xffutf8`,
		"line\nbreak\ttab":  "line\nbreak\ttab",
		"emoji 🚓 ok":        "emoji 🚓 ok",
	} {
		if got := safe(in); got != want {
			t.Errorf("safe(%q) = %q, want %q", in, got, want)
		}
	}
	if got := oneLine("a\n b   c", 10); got != "a b c" {
		t.Errorf("oneLine = %q", got)
	}
	if got := oneLine("abcdefghijkl", 5); got != "abcd…" {
		t.Errorf("oneLine cut = %q", got)
	}
}
