package config

import (
	"fmt"
	"reflect"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/psd-tools/exposure/crawler/html"
	"github.com/psd-tools/exposure/crawler/twitter"
)

// TwitterSource is the twitter: section. Keys left out keep the source's
// defaults.
type TwitterSource struct{ twitter.Config }

// UnmarshalYAML decodes onto the defaults, rejecting unknown keys.
func (t *TwitterSource) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, reflect.TypeOf(t.Config), "twitter"); err != nil {
		return err
	}
	return n.Decode(&t.Config)
}

// SiteSource is one entry of sites:. Keys left out keep the HTML source's
// defaults (polite delays for a real site).
type SiteSource struct{ html.Config }

// UnmarshalYAML decodes onto html.DefaultConfig, rejecting unknown keys.
func (s *SiteSource) UnmarshalYAML(n *yaml.Node) error {
	if err := checkKeys(n, reflect.TypeOf(s.Config), "sites[]"); err != nil {
		return err
	}
	s.Config = html.DefaultConfig()
	return n.Decode(&s.Config)
}

// checkKeys rejects mapping keys that name no field of t (yaml.v3's
// KnownFields does not reach into a custom unmarshaler), with the line.
func checkKeys(n *yaml.Node, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case n.Kind == yaml.SequenceNode && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		for _, c := range n.Content {
			if err := checkKeys(c, t.Elem(), path+"[]"); err != nil {
				return err
			}
		}
		return nil
	case n.Kind != yaml.MappingNode || t.Kind() != reflect.Struct:
		return nil
	}
	fields := map[string]reflect.Type{}
	var collect func(reflect.Type)
	collect = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			tag := strings.Split(f.Tag.Get("yaml"), ",")
			if f.Anonymous && (tag[0] == "" || contains(tag[1:], "inline")) {
				collect(f.Type)
				continue
			}
			if contains(tag[1:], "inline") {
				collect(f.Type)
				continue
			}
			name := tag[0]
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = strings.ToLower(f.Name)
			}
			fields[name] = f.Type
		}
	}
	collect(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		key := n.Content[i]
		ft, ok := fields[key.Value]
		if !ok {
			return fmt.Errorf("line %d: field %s not found in %s", key.Line, key.Value, path)
		}
		if err := checkKeys(n.Content[i+1], ft, path+"."+key.Value); err != nil {
			return err
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
