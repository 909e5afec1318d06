package html

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"gopkg.in/yaml.v3"

	"github.com/psd-tools/exposure/rules"
)

// Site is one site file (rules/sites/NAME.yaml): where a public HTML site's
// pages are and how to read them. Everything the crawler knows about a
// site is here, so a new site needs no Go code.
type Site struct {
	// Name is the platform name recorded with every profile and post; it
	// must equal the file name without .yaml.
	Name string `yaml:"name"`
	// BaseURL is the site's root ("https://www.facebook.com"); templates
	// use it as {base}. A Config can override it (the simulation does).
	BaseURL string `yaml:"base_url"`
	// AllowedDomains are the only hosts the crawler fetches from or
	// follows a redirect to. List www. variants separately.
	AllowedDomains []string `yaml:"allowed_domains"`

	Search    SearchRules    `yaml:"search"`
	Profile   ProfileRules   `yaml:"profile"`
	Permalink PermalinkRules `yaml:"permalink"`
	States    StateRules     `yaml:"states"`
	Test      TestProfile    `yaml:"test_profile"`

	file string // for messages
}

// SearchRules describe the people-search pages discovery starts from.
type SearchRules struct {
	// URL is a template with {base} and {query} (query-escaped).
	URL string `yaml:"url"`
	// Result selects each result on a search page.
	Result Selector `yaml:"result"`
	// Link is the profile link inside a result (attr href).
	Link Field `yaml:"link"`
	// Name is the display name inside a result (optional; used when the
	// profile itself is behind a login wall).
	Name Field `yaml:"name"`
	// ID is the profile id inside a result (optional; kept when the
	// profile itself is behind a login wall).
	ID Field `yaml:"id"`
	// Next is the next-page link (attr href; optional).
	Next Field `yaml:"next"`
}

// ProfileRules describe a profile page and the posts listed on it.
type ProfileRules struct {
	// URL is a template with {base} and {handle} (path-escaped).
	URL string `yaml:"url"`
	// Complete selects an element every complete page has (a footer);
	// a page without it was cut short and is not trusted.
	Complete Selector `yaml:"complete"`
	// Handle extracts the handle from a profile URL path (a regexp with
	// one group, matched against the path).
	HandlePattern Pattern `yaml:"handle_pattern"`
	ID            Field   `yaml:"id"`
	Name          Field   `yaml:"name"`
	Bio           Field   `yaml:"bio"`
	Location      Field   `yaml:"location"`
	// Next is the link to the next (older) page of posts.
	Next Field `yaml:"next"`
	// Post describes each post listed on the page.
	Post PostRules `yaml:"post"`
}

// PostRules describe one post, on a profile page or a permalink page.
type PostRules struct {
	// Item selects each post's container.
	Item Selector `yaml:"item"`
	// ID is the post id (from an attribute, or a pattern over the
	// permalink).
	ID   Field `yaml:"id"`
	Text Field `yaml:"text"`
	// Shared is the quoted text of a shared post (optional); a post with
	// it is recorded as a repost.
	Shared    Field `yaml:"shared"`
	Permalink Field `yaml:"permalink"`
	Time      Field `yaml:"time"`
}

// PermalinkRules describe a post's own page.
type PermalinkRules struct {
	// URL is a template with {base}, {handle} and {id}, used when a
	// recheck has no stored URL.
	URL string `yaml:"url"`
}

// StateRules say how the site shows what is not a normal page.
type StateRules struct {
	// Removed is a removed post's page. A 404 or 410 on a permalink is
	// also taken as removed, once the profile is known to still exist.
	Removed Marker `yaml:"removed"`
	// LoginWall is the page shown instead of a protected account.
	LoginWall Marker `yaml:"login_wall"`
	// Suspended is the page of a suspended account.
	Suspended Marker `yaml:"suspended"`
	// Gone is the page of a deleted or renamed account.
	Gone Marker `yaml:"gone"`
}

// Marker recognises a page: every criterion given must hold (status in
// the list, the selector matches, the text appears in the selected
// elements or, with no selector, anywhere in the page), and at least one
// must be given.
type Marker struct {
	Status   []int    `yaml:"status"`
	Selector Selector `yaml:"selector"`
	Text     string   `yaml:"text"`
}

// TestProfile is a known public profile and what must be found on it,
// fetched by `exposure sites check`.
type TestProfile struct {
	Handle string `yaml:"handle"`
	// Name, Bio and Location, when set, must appear in the extracted fields.
	Name     string `yaml:"name"`
	Bio      string `yaml:"bio"`
	Location string `yaml:"location"`
	// MinPosts is the least number of posts the first page must list.
	MinPosts int `yaml:"min_posts"`
	// NextPage says the first page must have a next-page link.
	NextPage bool `yaml:"next_page"`
	// Query, searched for, must list the test profile (default: Name;
	// leave both empty to skip the search check).
	Query string `yaml:"query"`
}

// Selector is a CSS selector, compiled when the file is loaded.
type Selector struct {
	Src string
	sel cascadia.Selector
}

// Field extracts one value: the text (or the attribute Attr) of the first
// element matching Selector, optionally narrowed by Pattern's first group.
// A Field may be written as a bare selector string.
type Field struct {
	Selector Selector
	Attr     string
	Pattern  Pattern
	// Format is how a time is written: "rfc3339", "unix", or a Go layout
	// ("20060102150405"). Only for times.
	Format string
	line   int
}

// Pattern is a regular expression with one capture group.
type Pattern struct {
	Src string
	re  *regexp.Regexp
}

// IsZero reports whether the field was left out.
func (f Field) IsZero() bool { return f.Selector.Src == "" && f.Attr == "" && f.Pattern.Src == "" }

// IsZero reports whether the selector was left out.
func (s Selector) IsZero() bool { return s.Src == "" }

// IsZero reports whether the marker was left out.
func (m Marker) IsZero() bool { return len(m.Status) == 0 && m.Selector.IsZero() && m.Text == "" }

// UnmarshalYAML compiles the selector, so that a bad one is reported with
// its line when the file is loaded.
func (s *Selector) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError(n, "want a CSS selector string")
	}
	if n.Value == "" {
		return nil
	}
	sel, err := cascadia.Compile(n.Value)
	if err != nil {
		return lineError(n, "CSS selector %q: %v", n.Value, err)
	}
	s.Src, s.sel = n.Value, sel
	return nil
}

// UnmarshalYAML compiles the pattern and checks it has one group.
func (p *Pattern) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return lineError(n, "want a regular expression string")
	}
	if n.Value == "" {
		return nil
	}
	re, err := regexp.Compile(n.Value)
	if err != nil {
		return lineError(n, "pattern %q: %v", n.Value, err)
	}
	if re.NumSubexp() != 1 {
		return lineError(n, "pattern %q: want exactly one capture group, found %d", n.Value, re.NumSubexp())
	}
	p.Src, p.re = n.Value, re
	return nil
}

// UnmarshalYAML accepts a bare selector or a mapping with selector, attr,
// pattern and format; other keys are rejected (yaml's KnownFields does not
// reach inside custom unmarshalers).
func (f *Field) UnmarshalYAML(n *yaml.Node) error {
	f.line = n.Line
	if n.Kind == yaml.ScalarNode {
		return f.Selector.UnmarshalYAML(n)
	}
	if n.Kind != yaml.MappingNode {
		return lineError(n, "want a selector string or a mapping with selector, attr, pattern, format")
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		var err error
		switch k.Value {
		case "selector":
			err = f.Selector.UnmarshalYAML(v)
		case "attr":
			err = v.Decode(&f.Attr)
		case "pattern":
			err = f.Pattern.UnmarshalYAML(v)
		case "format":
			err = v.Decode(&f.Format)
		default:
			return lineError(k, "field %s not found in a field (want selector, attr, pattern, format)", k.Value)
		}
		if err != nil {
			return err
		}
	}
	if f.Format != "" {
		if _, err := parseTime(f.Format, "x"); errors.Is(err, errBadFormat) {
			return lineError(n, "format %q: want rfc3339, unix or a Go time layout", f.Format)
		}
	}
	return nil
}

var errBadFormat = errors.New("bad time format")

// parseTime reads s as format says.
func parseTime(format, s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(format) {
	case "rfc3339", "":
		return time.Parse(time.RFC3339, s)
	case "unix":
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return time.Time{}, err
		}
		return time.Unix(n, 0).UTC(), nil
	}
	// A Go layout must mention at least a year to mean anything.
	if !strings.Contains(format, "2006") && !strings.Contains(format, "06") {
		return time.Time{}, errBadFormat
	}
	return time.Parse(format, s)
}

// LineError is a problem in a site file, with the file and line it is on.
type LineError = rules.FileError

func lineError(n *yaml.Node, format string, args ...any) error {
	return &LineError{Line: n.Line, Msg: fmt.Sprintf(format, args...)}
}

// SitesDir is where site files live inside the rules fs.
const SitesDir = "sites"

// LoadSite reads and validates sites/NAME.yaml from rules.
func LoadSite(rules fs.FS, name string) (*Site, error) {
	if name == "" || strings.ContainsAny(name, "/\\.") {
		return nil, fmt.Errorf("site %q: not a site name", name)
	}
	file := path.Join(SitesDir, name+".yaml")
	raw, err := fs.ReadFile(rules, file)
	if errors.Is(err, fs.ErrNotExist) {
		names, _ := SiteNames(rules)
		return nil, fmt.Errorf("site %q: no file %s (sites: %s)", name, file, strings.Join(names, ", "))
	}
	if err != nil {
		return nil, fmt.Errorf("site %q: %w", name, err)
	}
	return ParseSite(file, raw)
}

// SiteNames lists the site files in rules, sorted.
func SiteNames(rules fs.FS) ([]string, error) {
	ents, err := fs.ReadDir(rules, SitesDir)
	if err != nil {
		return nil, fmt.Errorf("list sites: %w", err)
	}
	var out []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok && !e.IsDir() {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// ParseSite parses and validates a site file. file names it in errors.
func ParseSite(file string, raw []byte) (*Site, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	var s Site
	if err := dec.Decode(&s); err != nil {
		return nil, fileError(file, err)
	}
	if err := yaml.Unmarshal(raw, &root); err != nil {
		return nil, fileError(file, err)
	}
	s.file = file
	if err := s.validate(&root); err != nil {
		return nil, fileError(file, err)
	}
	return &s, nil
}

// fileError puts the file name on err, keeping yaml's "line N" in the
// file:line form.
func fileError(file string, err error) error {
	var le *LineError
	if errors.As(err, &le) {
		le.File = file
		return le
	}
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		// yaml reports "line N: msg"; keep the first, it is the one to fix.
		msg := te.Errors[0]
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			n, _ := strconv.Atoi(m[1])
			return &LineError{File: file, Line: n, Msg: m[2]}
		}
		return &LineError{File: file, Msg: msg}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		return &LineError{File: file, Line: n, Msg: m[2]}
	}
	if errors.Is(err, errEmpty) {
		return &LineError{File: file, Msg: "empty site file"}
	}
	return &LineError{File: file, Msg: msg}
}

var (
	yamlLine = regexp.MustCompile(`^line (\d+): (.*)$`)
	errEmpty = errors.New("empty")
)

// validate checks what the decoder cannot: required fields, templates,
// domains. Errors carry the line of the offending key.
func (s *Site) validate(root *yaml.Node) error {
	at := func(keys ...string) int { return lineOf(root, keys...) }
	bad := func(line int, format string, args ...any) error {
		return &LineError{Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	if root.Kind == 0 {
		return errEmpty
	}
	want := strings.TrimSuffix(path.Base(s.file), ".yaml")
	if s.Name != want {
		return bad(at("name"), "name %q must match the file name %q", s.Name, want)
	}
	u, err := url.Parse(s.BaseURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return bad(at("base_url"), "base_url %q: want an absolute http(s) URL", s.BaseURL)
	}
	if len(s.AllowedDomains) == 0 {
		return bad(at("allowed_domains"), "allowed_domains: list the hosts the crawler may fetch")
	}
	for _, d := range s.AllowedDomains {
		if d == "" || strings.ContainsAny(d, "/:*? ") {
			return bad(at("allowed_domains"), "allowed_domains: %q is not a host name", d)
		}
	}
	if !contains(s.AllowedDomains, u.Hostname()) {
		return bad(at("base_url"), "base_url host %q is not in allowed_domains", u.Hostname())
	}
	type req struct {
		ok   bool
		keys []string
	}
	for _, r := range []req{
		{s.Search.URL != "", []string{"search", "url"}},
		{!s.Search.Result.IsZero(), []string{"search", "result"}},
		{!s.Search.Link.IsZero(), []string{"search", "link"}},
		{s.Profile.URL != "", []string{"profile", "url"}},
		{!s.Profile.Complete.IsZero(), []string{"profile", "complete"}},
		{!s.Profile.Name.IsZero(), []string{"profile", "name"}},
		{!s.Profile.Post.Item.IsZero(), []string{"profile", "post", "item"}},
		{!s.Profile.Post.Text.IsZero(), []string{"profile", "post", "text"}},
		{!s.Profile.Post.Permalink.IsZero(), []string{"profile", "post", "permalink"}},
		{!s.Profile.Post.Time.IsZero(), []string{"profile", "post", "time"}},
		{!s.Profile.Post.ID.IsZero(), []string{"profile", "post", "id"}},
		{s.Profile.HandlePattern.re != nil, []string{"profile", "handle_pattern"}},
		{s.Permalink.URL != "", []string{"permalink", "url"}},
		{!s.States.Removed.IsZero(), []string{"states", "removed"}},
		{!s.States.LoginWall.IsZero(), []string{"states", "login_wall"}},
		{!s.States.Suspended.IsZero(), []string{"states", "suspended"}},
		{!s.States.Gone.IsZero(), []string{"states", "gone"}},
		{s.Test.Handle != "", []string{"test_profile", "handle"}},
	} {
		if !r.ok {
			return bad(at(r.keys[:len(r.keys)-1]...), "%s is required", strings.Join(r.keys, "."))
		}
	}
	for _, t := range []struct {
		tmpl string
		vars []string
		keys []string
	}{
		{s.Search.URL, []string{"{base}", "{query}"}, []string{"search", "url"}},
		{s.Profile.URL, []string{"{base}", "{handle}"}, []string{"profile", "url"}},
		{s.Permalink.URL, []string{"{base}", "{handle}", "{id}"}, []string{"permalink", "url"}},
	} {
		if err := checkTemplate(t.tmpl, t.vars); err != nil {
			return bad(at(t.keys...), "%s: %v", strings.Join(t.keys, "."), err)
		}
	}
	for _, f := range []struct {
		f    Field
		keys []string
	}{
		{s.Search.Link, []string{"search", "link"}},
		{s.Search.Next, []string{"search", "next"}},
		{s.Profile.Next, []string{"profile", "next"}},
		{s.Profile.Post.Permalink, []string{"profile", "post", "permalink"}},
	} {
		if !f.f.IsZero() && f.f.Attr == "" {
			return bad(at(f.keys...), "%s: a link needs attr: href", strings.Join(f.keys, "."))
		}
	}
	if s.Profile.Post.Time.Format == "" {
		return bad(at("profile", "post", "time"), "profile.post.time: format is required (rfc3339, unix or a Go layout)")
	}
	for name, m := range map[string]Marker{"removed": s.States.Removed, "login_wall": s.States.LoginWall,
		"suspended": s.States.Suspended, "gone": s.States.Gone} {
		for _, st := range m.Status {
			if st < 100 || st > 599 {
				return bad(at("states", name, "status"), "states.%s.status: %d is not an HTTP status", name, st)
			}
		}
	}
	if s.Test.MinPosts < 0 {
		return bad(at("test_profile", "min_posts"), "test_profile.min_posts: must not be negative")
	}
	return nil
}

func checkTemplate(tmpl string, vars []string) error {
	rest := tmpl
	for _, v := range vars {
		rest = strings.ReplaceAll(rest, v, "")
	}
	if i := strings.IndexAny(rest, "{}"); i >= 0 {
		return fmt.Errorf("unknown placeholder in %q (want %s)", tmpl, strings.Join(vars, ", "))
	}
	if !strings.HasPrefix(tmpl, "{base}") {
		return fmt.Errorf("%q must start with {base}", tmpl)
	}
	return nil
}

// lineOf returns the line of the value at keys in a YAML document, or of
// the deepest key found.
func lineOf(root *yaml.Node, keys ...string) int {
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return line
		}
		found := false
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				line, n, found = n.Content[i].Line, n.Content[i+1], true
				break
			}
		}
		if !found {
			return line
		}
	}
	return line
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

// expand fills a URL template. Values are escaped for their place:
// {query} as a query value, {handle} and {id} as path segments.
func expand(tmpl, base string, vars map[string]string) string {
	out := strings.ReplaceAll(tmpl, "{base}", strings.TrimRight(base, "/"))
	for k, v := range vars {
		esc := url.PathEscape(v)
		if k == "query" {
			esc = url.QueryEscape(v)
		}
		out = strings.ReplaceAll(out, "{"+k+"}", esc)
	}
	return out
}
