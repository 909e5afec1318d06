// Package twitter is the crawler.Source for Twitter's API v1.1, through the
// unmodified go-twitter client.
//
// It owns: discovery (users/search, follower and friend graphs of seed
// accounts, search/tweets authors), timelines (max_id paging back to a
// horizon, since_id for incremental sweeps, full_text, retweets as
// reposts), rechecks (statuses/lookup by 100, statuses/show and users/show
// for what is missing, mapped to crawler.State), and rate limits (a budget
// per auth context and endpoint from the x-rate-limit headers, waits for
// the reset through the Clock, 429 and Retry-After honoured, clock skew
// corrected from the Date header, budgets persisted in a store.KV). It
// never writes posts or profiles anywhere; it fetches and yields.
//
// Budgets start unknown in a new process, and the persisted ones miss a
// window spent by another process with the same credentials (or by a run
// killed between saves). So the pipeline calls PrimeSweep or PrimeRecheck
// at the start of each job: one GET application/rate_limit_status per auth
// context the job uses (user context for users/search, app-only for the
// rest when both are configured), for the families of the job's endpoints,
// read as if each endpoint's own headers had said it. An exhausted window
// is then waited for before its first request rather than met with a 429.
// That call is rate limited too and is made once, never waited for or
// retried: if its own window is exhausted, or it fails, or the reply lacks
// an endpoint or has figures that make no sense, one warning is logged and
// those budgets are learnt from the first responses, as without priming.
//
// go-twitter has three traps the source handles explicitly: it reports no
// error for a non-2xx response with an empty body (a bare 429) or with the
// {"request","error"} body (a protected timeline's 401), so every response
// status is checked; it cannot decode map=true look-ups, so map=false is
// used and the missing ids are asked for one by one; and it takes no
// context, so a per-call RoundTripper carries the context, the request
// timeout, the redirect to Config.BaseURL, the auth (OAuth 1.0a signed
// after the redirect) and a capped copy of the body for evidence.
//
// Errors: transient failures (timeouts, resets, 5xx, malformed or
// oversize bodies, rate limits not waited out) are *crawler.TransientError
// and never become StateRemoved; an account that went private, was
// suspended or is gone is a *StateError (a crawler.AccountError); refused
// credentials wrap ErrAuth and stop the operation.
//
// Credentials come only from the environment (CredentialsFromEnv), are
// never logged and never printed by %v.
//
// Concurrency: a Source is safe for concurrent use; budgets and the minted
// bearer token are shared under locks, everything else is per call.
//
// Wiring it up, with the configuration read from YAML:
//
//	twitter:
//	  base_url: https://api.twitter.com
//	  request_timeout: 30s
//	  discover:
//	    user_search:
//	      enabled: true
//	      queries: ["police officer", "special constable", "pcso"]
//	    followers:
//	      enabled: true
//	      seeds: ["WMPolice", "metpoliceuk"]
//	    tweet_search:
//	      enabled: true
//	      queries: ["#policelife", "#copperlife"]
//	      max_pages: 5
//	  timeline:
//	    horizon: 8760h
//	    include_reposts: false
//	  retry:
//	    max_attempts: 4
//
//	var cfg twitter.Config // decoded from the "twitter" key
//	src, err := twitter.New(cfg, twitter.Deps{
//		KV:       db.KV("twitter"),
//		Observer: progress, // shows "rate limited on users/search, resuming at 14:32"
//		Log:      log.With().Str("platform", "twitter").Logger(),
//	})
//
// For the simulated world, point base_url at the fake (sim/faketwitter)
// and pass Deps.Credentials explicitly; see ExampleNew.
package twitter
