package faketwitter

import (
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/dghubble/go-twitter/twitter"
)

// TestFaultsAsGoTwitterSeesThem pins down what each fault looks like to
// the real client, which is what the source has to cope with.
func TestFaultsAsGoTwitterSeesThem(t *testing.T) {
	id, _ := strconv.ParseInt(FixturePost(now, 0), 10, 64)
	for _, c := range []struct {
		kind  Kind
		check func(t *testing.T, resp *http.Response, err error)
	}{
		{Latency, func(t *testing.T, resp *http.Response, err error) {
			if err != nil || resp.StatusCode != 200 {
				t.Errorf("latency: %v", err)
			}
		}},
		{Hang, func(t *testing.T, resp *http.Response, err error) {
			var ne net.Error
			if !errors.As(err, &ne) || !ne.Timeout() {
				t.Errorf("hang: want a client timeout, got %v", err)
			}
		}},
		{Reset, func(t *testing.T, resp *http.Response, err error) {
			if err == nil || resp != nil {
				t.Errorf("reset: %v %v", resp, err)
			}
		}},
		{RateLimit, func(t *testing.T, resp *http.Response, err error) {
			if apiCode(t, err) != 88 || resp.Header.Get("Retry-After") != "1" || resp.Header.Get("x-rate-limit-remaining") != "0" {
				t.Errorf("429: %v %v", resp.Header, err)
			}
		}},
		{RateLimitNoRetryAfter, func(t *testing.T, resp *http.Response, err error) {
			if apiCode(t, err) != 88 || resp.Header.Get("Retry-After") != "" || resp.Header.Get("x-rate-limit-reset") == "" {
				t.Errorf("429 without Retry-After: %v %v", resp.Header, err)
			}
		}},
		{RateLimitBare, func(t *testing.T, resp *http.Response, err error) {
			// The trap: go-twitter reports no error at all.
			if err != nil || resp.StatusCode != 429 || resp.Header.Get("x-rate-limit-reset") != "" {
				t.Errorf("bare 429: %v %v", resp, err)
			}
		}},
		{Empty, func(t *testing.T, resp *http.Response, err error) {
			// Another trap: go-twitter decodes nothing and reports nothing.
			if err != nil || resp.StatusCode != 200 || resp.ContentLength != 0 {
				t.Errorf("empty: %v %v", resp, err)
			}
		}},
		{ServerError, syntaxError(500)},
		{Unavailable, syntaxError(503)},
		{WrongType, syntaxError(200)},
		{Malformed, syntaxError(200)},
		{Truncated, func(t *testing.T, resp *http.Response, err error) {
			var se *json.SyntaxError
			if !errors.Is(err, io.ErrUnexpectedEOF) && !errors.As(err, &se) {
				t.Errorf("truncated: %v", err)
			}
		}},
		{WrongShape, func(t *testing.T, resp *http.Response, err error) {
			var ute *json.UnmarshalTypeError
			if !errors.As(err, &ute) || resp.StatusCode != 200 {
				t.Errorf("wrong shape: %v", err)
			}
		}},
	} {
		t.Run(string(c.kind), func(t *testing.T) {
			h := fixture(t, Options{Faults: Faults{Rules: []Rule{Always("statuses/show", c.kind)}, Latency: time.Millisecond, HangFor: 5 * time.Second}})
			to, _ := url.Parse(h.ts.URL)
			cl := twitter.NewClient(&http.Client{Transport: redirect{to: to, auth: "Bearer " + bearer}, Timeout: 300 * time.Millisecond})
			_, resp, err := cl.Statuses.Show(id, nil)
			c.check(t, resp, err)
			if got := h.srv.Stats().Faults[c.kind]; got != 1 {
				t.Errorf("fault counted %d times", got)
			}
			// Other endpoints are untouched.
			if _, _, err := cl.Users.Show(&twitter.UserShowParams{ScreenName: "PC_Smith"}); err != nil {
				t.Errorf("users/show hit by a statuses/show rule: %v", err)
			}
		})
	}
}

func syntaxError(status int) func(*testing.T, *http.Response, error) {
	return func(t *testing.T, resp *http.Response, err error) {
		t.Helper()
		var se *json.SyntaxError
		if !errors.As(err, &se) || resp.StatusCode != status {
			t.Errorf("want a JSON syntax error with HTTP %d, got %v %v", status, resp.StatusCode, err)
		}
	}
}

func TestOversize(t *testing.T) {
	h := fixture(t, Options{Faults: Faults{Rules: []Rule{Always("", Oversize)}, OversizeBytes: 1 << 20}})
	tw, resp, err := h.app.Statuses.Lookup([]int64{1}, nil)
	if err != nil || resp.ContentLength != -1 || len(tw) < 10000 {
		t.Fatalf("oversize: %d tweets, length %d, %v", len(tw), resp.ContentLength, err)
	}
}

func TestSkewShiftsDateAndReset(t *testing.T) {
	skew := -10 * time.Minute
	h := fixture(t, Options{Faults: Faults{Skew: skew}})
	_, resp, err := h.app.Users.Show(&twitter.UserShowParams{ScreenName: "PC_Smith"})
	if err != nil {
		t.Fatal(err)
	}
	date, _ := http.ParseTime(resp.Header.Get("Date"))
	if !date.Equal(now.Add(skew)) {
		t.Errorf("Date %v, want %v", date, now.Add(skew))
	}
	if got, want := resp.Header.Get("x-rate-limit-reset"), strconv.FormatInt(now.Add(15*time.Minute+skew).Unix(), 10); got != want {
		t.Errorf("reset %s, want %s", got, want)
	}
}

func TestRulesSkipTimesRateAndSeed(t *testing.T) {
	run := func(f Faults) []Kind {
		h := fixture(t, Options{Faults: f})
		var got []Kind
		for i := 0; i < 40; i++ {
			got = append(got, h.srv.pick("statuses/show"))
		}
		return got
	}
	got := run(Faults{Rules: []Rule{{Endpoint: "statuses/show", Kinds: []Kind{ServerError}, Skip: 2, Times: 3}}})
	want := make([]Kind, 40)
	want[2], want[3], want[4] = ServerError, ServerError, ServerError
	if !reflect.DeepEqual(got, want) {
		t.Errorf("skip/times: %v", got)
	}
	mix := Faults{Seed: 7, Rules: []Rule{{Kinds: Kinds, Rate: 0.5}}}
	a, b := run(mix), run(mix)
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different faults")
	}
	hits, kinds := 0, map[Kind]bool{}
	for _, k := range a {
		if k != "" {
			hits++
			kinds[k] = true
		}
	}
	if hits < 10 || hits > 30 || len(kinds) < 5 {
		t.Errorf("rate 0.5 over 40 requests: %d hits of %d kinds", hits, len(kinds))
	}
	mix.Seed = 8
	if reflect.DeepEqual(a, run(mix)) {
		t.Error("different seeds, same faults")
	}
	if got := run(Faults{Rules: []Rule{Always("users/show", Reset)}}); got[0] != "" {
		t.Error("endpoint rule matched another endpoint")
	}
}
