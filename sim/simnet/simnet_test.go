package simnet

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/psd-tools/exposure/config"
	"github.com/psd-tools/exposure/sim"
)

func TestNetwork(t *testing.T) {
	c := sim.DefaultConfig()
	c.Scale = 0.02
	w := sim.New(c)
	n, err := Start(w, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	start := w.Now()
	st, err := Advance(context.Background(), n.URL, 2)
	if err != nil {
		t.Fatal(err)
	}
	if d := st.Now.Sub(start); d < 58*24*time.Hour || d > 63*24*time.Hour {
		t.Fatalf("advanced to %v from %v", st.Now, start)
	}
	for _, tc := range []struct {
		method, path string
		want         int
	}{
		{"GET", "/_sim/advance?months=1", http.StatusMethodNotAllowed},
		{"POST", "/_sim/advance", http.StatusBadRequest},
		{"POST", "/_sim/advance?months=-1", http.StatusBadRequest},
		{"GET", "/_sim/status", http.StatusOK},
		{"GET", "/robots.txt", http.StatusOK},
		{"GET", "/1.1/statuses/show.json?id=1", http.StatusBadRequest}, // no credentials
	} {
		req, _ := http.NewRequest(tc.method, n.URL+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want && !(tc.want == http.StatusBadRequest && resp.StatusCode >= 400) {
			t.Errorf("%s %s = %d, want %d", tc.method, tc.path, resp.StatusCode, tc.want)
		}
	}
	// The config it writes loads and points at it.
	cfg, err := config.Parse("sim.yaml", []byte(n.SweepConfig("op", "auth")))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Twitter.BaseURL != n.URL || cfg.Sites[0].BaseURL != n.URL || !strings.HasPrefix(n.URL, "http://127.0.0.1:") {
		t.Fatalf("config points elsewhere: %+v", cfg)
	}
}
