package main

import (
	"sort"
	"strings"

	"github.com/psd-tools/exposure/identify"
)

// detector loads the identity rules selected by --rules.
func (a *app) detector() (*identify.Detector, error) {
	fsys, err := a.rulesFS()
	if err != nil {
		return nil, err
	}
	d, err := identify.Load(fsys)
	if err != nil {
		return nil, inputError{err}
	}
	return d, nil
}

// resolveForce turns a user-typed force name, alias, abbreviation or
// handle ("WMP", "west midlands", "Heddlu Gwent") into the canonical name
// from the rules. An unknown name is bad input, with close names offered.
func (a *app) resolveForce(name string) (string, error) {
	if norm(name) == "unknown" {
		return "unknown", nil
	}
	d, err := a.detector()
	if err != nil {
		return "", err
	}
	if canon, ok := d.Force(name); ok {
		return canon, nil
	}
	want := norm(name)
	var close []string
	for _, f := range d.Forces() {
		n := norm(f.Name)
		if w := strings.Fields(want); len(w) > 0 && (strings.Contains(n, want) || strings.Contains(n, w[0])) {
			close = append(close, f.Name)
		}
	}
	sort.Strings(close)
	if len(close) > 0 && len(close) <= 5 {
		return "", badInput("unknown force %q: did you mean %s?", name, strings.Join(close, " or "))
	}
	return "", badInput("unknown force %q: see the names in the rules' forces.yaml", name)
}

func norm(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
