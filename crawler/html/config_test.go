package html

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/sim/fakesite"
)

// TestConfigYAML decodes the documented shape onto the defaults: keys
// left out keep their default, durations read as Go durations, unknown
// keys are rejected by a strict decoder.
func TestConfigYAML(t *testing.T) {
	src := `
site: facebook
queries: ["police officer", "special constable"]
contact: psd-monitor@force.police.uk
delay: 3s
parallelism: 2
horizon: 8760h
allow_private_addresses: false
`
	c := DefaultConfig()
	dec := yaml.NewDecoder(bytes.NewReader([]byte(src)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Delay != 3*time.Second || c.Parallelism != 2 || c.Horizon != 365*24*time.Hour || len(c.Queries) != 2 ||
		c.MaxBodyBytes != DefaultConfig().MaxBodyBytes || c.Retries != 3 {
		t.Errorf("decoded %+v", c)
	}
	dec = yaml.NewDecoder(bytes.NewReader([]byte("site: facebook\nparalelism: 2\n")))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err == nil {
		t.Error("unknown key accepted")
	}
}

// TestCancel: a cancelled context stops a read held up by a slow site at
// once, reporting the cancellation, not a failure of the site.
func TestCancel(t *testing.T) {
	f := newFixture(t, testWorld(), fakesite.Options{Faults: fakesite.Faults{Rules: []fakesite.Rule{
		{Path: "/alice.pc", Fault: fakesite.Fault{Kind: fakesite.Latency, Delay: 10 * time.Second}},
	}}}, nil, func(c *Config) { c.Timeout = 30 * time.Second })
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.src.Posts(ctx, alice, "", func(crawler.Post) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("cancellation took %v", d)
	}
}
