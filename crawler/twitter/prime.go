package twitter

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dghubble/go-twitter/twitter"
)

// statusEndpoint is rate_limit_status, itself rate limited (180 per window
// per auth context).
const statusEndpoint = "application/rate_limit_status"

// PrimeSweep reads the budgets of the endpoints a sweep uses (discovery as
// configured, then timelines) from GET application/rate_limit_status, once
// per auth context, so that an endpoint whose window an earlier run
// exhausted is waited for before its first request instead of answering
// it with a 429. It never fails: if the status cannot be had or read, it
// logs one warning per auth context and the budgets are learnt from the
// first responses, as without it.
func (s *Source) PrimeSweep(ctx context.Context) {
	s.prime(ctx, s.sweepEndpoints())
}

// PrimeRecheck is PrimeSweep for the endpoints of Lookup.
func (s *Source) PrimeRecheck(ctx context.Context) {
	s.prime(ctx, []string{"statuses/lookup", "statuses/show", "users/show"})
}

// sweepEndpoints are the endpoints Discover and Posts call under the
// configuration.
func (s *Source) sweepEndpoints() []string {
	d := s.cfg.Discover
	var eps []string
	if d.UserSearch.Enabled {
		eps = append(eps, "users/search")
	}
	for _, g := range []struct {
		g    Graph
		kind string
	}{{d.Followers, "followers"}, {d.Friends, "friends"}} {
		switch {
		case !g.g.Enabled:
		case g.g.Method == "list":
			eps = append(eps, g.kind+"/list")
		default:
			eps = append(eps, g.kind+"/ids", "users/lookup")
		}
	}
	if d.TweetSearch.Enabled {
		eps = append(eps, "search/tweets")
	}
	eps = append(eps, "statuses/user_timeline")
	slices.Sort(eps)
	return slices.Compact(eps)
}

// prime asks rate_limit_status once for each auth context the endpoints
// run under.
func (s *Source) prime(ctx context.Context, eps []string) {
	byAuth := map[authKind][]string{}
	for _, ep := range eps {
		a := s.authFor(ep)
		byAuth[a] = append(byAuth[a], ep)
	}
	for _, a := range []authKind{appAuth, userAuth} {
		if len(byAuth[a]) > 0 && ctx.Err() == nil {
			s.primeAuth(ctx, a, byAuth[a])
		}
	}
}

func (s *Source) primeAuth(ctx context.Context, auth authKind, eps []string) {
	var fams []string
	for _, ep := range eps {
		f, _, _ := strings.Cut(ep, "/")
		fams = append(fams, f)
	}
	slices.Sort(fams)
	fams = slices.Compact(fams)
	var rl *twitter.RateLimit
	ex, err := s.call(ctx, request{op: "read rate-limit status", ep: statusEndpoint, auth: auth, once: true,
		do: func(c *twitter.Client) (*http.Response, error) {
			r, resp, err := c.RateLimits.Status(&twitter.RateLimitParams{Resources: fams})
			rl = r
			return resp, err
		},
		check: func(*exchange) error {
			if rl == nil || rl.Resources == nil {
				return errors.New("no resources in the rate-limit status")
			}
			return nil
		}})
	if ctx.Err() != nil {
		return
	}
	if err != nil {
		s.log.Warn().Err(err).Str("auth", auth.String()).
			Msg("could not read the rate-limit status; budgets are learnt from the first responses")
		return
	}
	skipped := s.limits.prime(auth.String(), rl.Resources, eps, ex.header, ex.at)
	if len(skipped) > 0 {
		s.log.Warn().Str("auth", auth.String()).Strs("endpoints", skipped).
			Msg("rate-limit status says nothing usable of some endpoints; their budgets are learnt from the first responses")
	}
	s.log.Debug().Str("auth", auth.String()).Int("endpoints", len(eps)-len(skipped)).Msg("rate-limit budgets primed")
}

// prime sets the budgets of the endpoints (all run under auth) from a
// rate_limit_status reply received at at with headers h, through record as
// if each endpoint's own headers had said it; it returns the endpoints the
// reply left out or gave unusable figures for.
func (l *limiter) prime(auth string, res *twitter.RateLimitResources, eps []string, h http.Header, at time.Time) (skipped []string) {
	for _, ep := range eps {
		r := resource(res, ep)
		// A limit of 0 or a remaining above the limit is no window this
		// client knows how to pace.
		if r == nil || r.Limit <= 0 || r.Remaining > r.Limit || !l.record(auth+" "+ep, r.Limit, r.Remaining, int64(r.Reset), h, at) {
			skipped = append(skipped, ep)
		}
	}
	return skipped
}

// resource finds an endpoint's entry in a rate_limit_status reply: under
// its family, keyed by its path, with "/:id" for the show endpoints.
func resource(res *twitter.RateLimitResources, ep string) *twitter.RateLimitResource {
	if res == nil {
		return nil
	}
	var fam map[string]*twitter.RateLimitResource
	switch f, _, _ := strings.Cut(ep, "/"); f {
	case "application":
		fam = res.Application
	case "followers":
		fam = res.Followers
	case "friends":
		fam = res.Friends
	case "search":
		fam = res.Search
	case "statuses":
		fam = res.Statuses
	case "users":
		fam = res.Users
	}
	if r := fam["/"+ep]; r != nil {
		return r
	}
	return fam["/"+ep+"/:id"]
}
