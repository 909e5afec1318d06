package twitter

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/psd-tools/exposure/crawler"
)

// bodyTransport answers every request with the same response.
type bodyTransport struct {
	status int
	ctype  string
	body   []byte
}

func (b bodyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	h := http.Header{"Content-Type": {b.ctype}, "Date": {now.Format(http.TimeFormat)},
		"X-Rate-Limit-Limit": {"900"}, "X-Rate-Limit-Remaining": {"899"}, "X-Rate-Limit-Reset": {strconv.FormatInt(now.Add(time.Minute).Unix(), 10)}}
	return &http.Response{StatusCode: b.status, Header: h, Body: io.NopCloser(bytes.NewReader(b.body)),
		ContentLength: int64(len(b.body)), Request: r}, nil
}

// FuzzDecode feeds arbitrary responses through the real go-twitter client
// into every operation of the source. Whatever the bytes, nothing panics,
// every lookup answers each ref with a valid state, and no single kind of
// response can make a post "removed" (that takes a 404 for the post and a
// 200 for its account).
func FuzzDecode(f *testing.F) {
	f.Add(200, "application/json;charset=utf-8", []byte(`[{"id":1,"id_str":"1","created_at":"Sat Jun 01 11:00:00 +0000 2024","full_text":"hi &amp; bye","user":{"id":2,"id_str":"2","screen_name":"x"}}]`))
	f.Add(200, "application/json", []byte(`{"statuses":[{"id":1,"user":{"id":2,"id_str":"2","screen_name":"x"}}],"search_metadata":{"next_results":"?max_id=0"}}`))
	f.Add(404, "application/json", []byte(`{"errors":[{"code":144,"message":"No status found with that ID."}]}`))
	f.Add(401, "application/json", []byte(`{"request":"/1.1/statuses/user_timeline.json","error":"Not authorized."}`))
	f.Add(429, "application/json", []byte(``))
	f.Add(503, "text/html", []byte(`<html>Over capacity</html>`))
	f.Add(200, "application/json", []byte(`[{"id":1,"id_str":"1\"],[","created_at":"x"},]`))
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		if status < 100 || status > 999 {
			return
		}
		cfg := Config{BaseURL: "https://api.twitter.com", Retry: Retry{MaxAttempts: 2, BaseDelay: time.Millisecond, MaxDelay: time.Millisecond, MaxRateLimitWaits: 1}}
		cfg.Discover = Discovery{UserSearch: UserSearch{Enabled: true, Queries: []string{"police"}, MaxPages: 2},
			Followers:   Graph{Enabled: true, Seeds: []string{"WMPolice"}, MaxPages: 2},
			Friends:     Graph{Enabled: true, Seeds: []string{"1"}, Method: "list", MaxPages: 2},
			TweetSearch: TweetSearch{Enabled: true, Queries: []string{"#x"}, MaxPages: 2}}
		creds := testCreds
		s, err := New(cfg, Deps{Transport: bodyTransport{status, ctype, body}, Clock: &fakeClock{t: now}, Credentials: &creds})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		_ = s.Discover(ctx, func(p crawler.Profile) error {
			if p.ID == "" || p.Handle == "" || p.Platform != "twitter" {
				t.Fatalf("bad profile %+v", p)
			}
			return nil
		})
		_, _ = s.Posts(ctx, officer, "", func(p crawler.Post) error {
			if p.ID == "" || p.Raw == nil {
				t.Fatalf("bad post %+v", p)
			}
			return nil
		})
		refs := []crawler.PostRef{ref("1", "2", "x"), ref("3", "", "y"), ref("junk", "", "")}
		checks, _ := s.Lookup(ctx, refs)
		if len(checks) != len(refs) {
			t.Fatalf("%d checks for %d refs", len(checks), len(refs))
		}
		for i, c := range checks {
			if !c.State.Valid() || c.Ref != refs[i] {
				t.Fatalf("check %d: %+v", i, c)
			}
			if c.State == crawler.StateRemoved {
				t.Fatalf("one response (HTTP %d) made %s removed: %s", status, c.Ref.ID, c.Reason)
			}
		}
	})
}

// FuzzSplitArray checks the raw-element splitter against encoding/json on
// arrays it accepts.
func FuzzSplitArray(f *testing.F) {
	f.Add([]byte(`[{"a":"],\"["},[1,2],"x",3]`))
	f.Add([]byte(` [ ] `))
	f.Add([]byte(`[{"id":1}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var whole []any
		valid := json.Unmarshal(b, &whole) == nil && whole != nil // "null" decodes too
		parts, err := splitArray(b)
		if err != nil {
			if valid {
				t.Fatalf("%q is a JSON array but: %v", b, err)
			}
			return
		}
		if valid && len(parts) != len(whole) {
			t.Fatalf("%q: %d parts, encoding/json sees %d elements", b, len(parts), len(whole))
		}
		for _, p := range parts {
			if len(p) == 0 {
				t.Fatalf("empty element in %q", b)
			}
			var v any
			if valid && json.Unmarshal(p, &v) != nil {
				t.Fatalf("%q: part %q is not a JSON value", b, p)
			}
		}
	})
}
