package config

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/psd-tools/exposure/crawler/html"
	"github.com/psd-tools/exposure/crawler/twitter"
)

// Config is a sweep configuration file.
type Config struct {
	// Operator names who runs sweeps and rechecks; it goes into the audit
	// log and every export.
	Operator string `yaml:"operator"`
	// Authority is the policy or authorisation reference that permits the
	// monitoring. Required: a sweep without one refuses to start.
	Authority string `yaml:"authority"`
	// Unit is the sending unit printed on referrals.
	Unit string `yaml:"unit"`
	// Contact goes into the crawler's user agent so a platform can reach us.
	Contact string `yaml:"contact"`

	Sweep     Sweep     `yaml:"sweep"`
	Recheck   Recheck   `yaml:"recheck"`
	Retention Retention `yaml:"retention"`
	Schedule  Schedule  `yaml:"schedule"`

	// Twitter configures the Twitter API source; absent means not used.
	Twitter *TwitterSource `yaml:"twitter"`
	// Sites configures public HTML sites, one entry per site file.
	Sites []SiteSource `yaml:"sites"`

	// path and raw are kept for error messages and the config hash.
	path string
	raw  []byte
}

// Sweep settings shared by every source.
type Sweep struct {
	// IncludeReposts also flags text the officer reposted.
	IncludeReposts bool `yaml:"include_reposts"`
}

// Recheck settings.
type Recheck struct {
	// Due is how old a referred post's last check must be before it is
	// checked again (default 30 days).
	Due Duration `yaml:"due"`
	// CannotVerifyAfter lists a post as "cannot verify" when its checks have
	// been unknown for longer than this (default 30 days).
	CannotVerifyAfter Duration `yaml:"cannot_verify_after"`
}

// Retention settings (SPEC.md, data protection).
type Retention struct {
	// Profiles is how long personal data of never-referred profiles and
	// dismissed flags is kept (default 6 months).
	Profiles Duration `yaml:"profiles"`
	// Referrals is how long referral evidence is kept (default 6 years).
	Referrals Duration `yaml:"referrals"`
}

// Schedule drives the jobs `exposure serve` runs in-process.
type Schedule struct {
	SweepEvery   Duration `yaml:"sweep_every"`
	RecheckEvery Duration `yaml:"recheck_every"`
}

// Error is a configuration error with its position.
type Error struct {
	Path  string
	Line  int
	Field string
	Msg   string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		b.WriteString(e.Field + ": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Load reads and validates a configuration file.
func Load(path string) (*Config, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, raw)
}

// yamlLine finds "line N" in a yaml.v3 error.
var yamlLine = regexp.MustCompile(`line (\d+)`)

// Parse reads a configuration from raw bytes; path names it in errors.
func Parse(path string, raw []byte) (*Config, error) {
	c := &Config{path: path, raw: raw}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "yaml: ")
		msg = strings.TrimPrefix(msg, "unmarshal errors:\n  ")
		line := 0
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			fmt.Sscan(m[1], &line)
			msg = strings.TrimSpace(yamlLine.ReplaceAllString(msg, ""))
			msg = strings.TrimPrefix(strings.TrimPrefix(msg, ":"), " ")
		}
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return nil, &Error{Path: path, Line: line, Msg: msg}
	}
	c.defaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) defaults() {
	// One contact for the whole configuration unless a site names its own.
	for i := range c.Sites {
		if c.Sites[i].Contact == "" {
			c.Sites[i].Contact = c.Contact
		}
	}
	if c.Recheck.Due == 0 {
		c.Recheck.Due = Duration(30 * day)
	}
	if c.Recheck.CannotVerifyAfter == 0 {
		c.Recheck.CannotVerifyAfter = Duration(30 * day)
	}
	if c.Retention.Profiles == 0 {
		c.Retention.Profiles = Duration(6 * month)
	}
	if c.Retention.Referrals == 0 {
		c.Retention.Referrals = Duration(6 * year)
	}
}

// Validate checks the fields that every command relies on, and each
// source's own settings.
func (c *Config) Validate() error {
	if err := c.validateCommon(); err != nil {
		return err
	}
	if c.Twitter == nil && len(c.Sites) == 0 {
		return &Error{Path: c.path, Msg: "no sources configured: add a 'twitter:' section or 'sites:' entries"}
	}
	if c.Twitter != nil {
		// Empty discovery words are filled from the identity rules when the
		// sources are built; check the rest as if they were there.
		tc := c.Twitter.Config
		fromRules(&tc.Discover.UserSearch.Queries, "police officer")
		fromRules(&tc.Discover.Followers.Seeds, "policeforce")
		fromRules(&tc.Discover.Friends.Seeds, "policeforce")
		if err := tc.Validate(); err != nil {
			var te *twitter.ConfigError
			if errors.As(err, &te) {
				return c.fieldError("twitter."+te.Field, strings.TrimPrefix(err.Error(), "twitter."+te.Field+": "))
			}
			return c.fieldError("twitter", err.Error())
		}
	}
	seen := map[string]bool{}
	for i, s := range c.Sites {
		field := fmt.Sprintf("sites[%d]", i)
		if err := s.Config.Validate(); err != nil {
			var he *html.ConfigError
			if errors.As(err, &he) {
				return c.fieldError(field+"."+he.Field, he.Msg)
			}
			return c.fieldError(field, err.Error())
		}
		if seen[s.Site] {
			return c.fieldError(field+".site", fmt.Sprintf("site %q is configured twice", s.Site))
		}
		seen[s.Site] = true
	}
	return nil
}

func fromRules(list *[]string, stand string) {
	if len(*list) == 0 {
		*list = []string{stand}
	}
}

func (c *Config) validateCommon() error {
	if strings.TrimSpace(c.Operator) == "" {
		return c.fieldError("operator", "required: who runs the sweep (goes into the audit log)")
	}
	if strings.TrimSpace(c.Authority) == "" {
		return c.fieldError("authority", "required: the policy or authorisation reference for this monitoring; a sweep without one does not start")
	}
	if c.Recheck.Due.D() < time.Hour {
		return c.fieldError("recheck.due", "must be at least 1h")
	}
	return nil
}

// fieldError builds an Error for a dotted field path, with the line of
// that field when it appears in the file.
func (c *Config) fieldError(field, msg string) error {
	return &Error{Path: c.path, Line: c.lineOf(field), Field: field, Msg: msg}
}

// lineOf finds the line of a dotted field path in the raw file (0 when the
// field is absent).
func (c *Config) lineOf(field string) int {
	var doc yaml.Node
	if yaml.Unmarshal(c.raw, &doc) != nil || len(doc.Content) == 0 {
		return 0
	}
	n := doc.Content[0]
	line := 0
	for _, part := range strings.Split(field, ".") {
		idx := -1
		if i := strings.IndexByte(part, '['); i > 0 && strings.HasSuffix(part, "]") {
			fmt.Sscan(part[i+1:len(part)-1], &idx)
			part = part[:i]
		}
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == part {
				line = n.Content[i].Line
				n = n.Content[i+1]
				found = true
				break
			}
		}
		if !found {
			return line
		}
		if idx >= 0 {
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return line
			}
			n = n.Content[idx]
			line = n.Line
		}
	}
	return line
}

// Path is the file the configuration came from.
func (c *Config) Path() string { return c.path }

// Hash identifies the configuration's content; a running sweep with the
// same hash is resumed rather than started again.
func (c *Config) Hash() string {
	s := sha256.Sum256(c.raw)
	return hex.EncodeToString(s[:8])
}
