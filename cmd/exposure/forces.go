package main

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

// resolveForce turns a user-typed force name into the canonical name from
// the rules. An unknown name is bad input, with the closest names offered.
func (a *app) resolveForce(name string) (string, error) {
	fsys, err := a.rulesFS()
	if err != nil {
		return "", err
	}
	raw, err := fs.ReadFile(fsys, "forces.yaml")
	if err != nil {
		return "", fmt.Errorf("rules: %w", err)
	}
	var doc struct {
		Forces []struct {
			Name    string   `yaml:"name"`
			Aliases []string `yaml:"aliases"`
			Abbrevs []string `yaml:"abbreviations"`
		} `yaml:"forces"`
	}
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return "", fmt.Errorf("rules forces.yaml: %w", err)
	}
	want := norm(name)
	var names []string
	for _, f := range doc.Forces {
		names = append(names, f.Name)
		for _, n := range append(append([]string{f.Name}, f.Aliases...), f.Abbrevs...) {
			if norm(n) == want {
				return f.Name, nil
			}
		}
	}
	if want == "unknown" {
		return "unknown", nil
	}
	var close []string
	for _, n := range names {
		if strings.Contains(norm(n), want) || strings.Contains(want, strings.Fields(norm(n))[0]) {
			close = append(close, n)
		}
	}
	sort.Strings(close)
	if len(close) > 0 && len(close) <= 5 {
		return "", badInput("unknown force %q: did you mean %s?", name, strings.Join(close, " or "))
	}
	return "", badInput("unknown force %q: see the names in the rules' forces.yaml", name)
}

func norm(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
