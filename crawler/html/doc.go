// Package html is the crawler.Source for public HTML sites: one Source per
// site file (rules/sites/NAME.yaml, loaded by LoadSite), crawled with colly
// and read with goquery. A new site needs a site file, not Go code.
//
// It owns: the site-file format and loader; the colly collector set-up
// (robots.txt obeyed, an honest User-Agent naming the tool and the
// operator's contact, one LimitRule per allowed domain, a depth and body
// cap, COLLY_* environment variables unable to loosen any of it); a host
// guard on the transport (only the site's allowed domains, no loopback or
// private address unless allow_private_addresses, a redirect cap); bounded
// retries with backoff and Retry-After; colly's visited-URL and cookie
// storage in the exposure database; and the mapping of pages to
// SPEC.md's visibility states. It never writes posts or profiles to the
// store and never decides what a post means.
//
// Wiring (for `exposure sweep` and `exposure sim`):
//
//	cfg := html.DefaultConfig()       // then decode the YAML onto it
//	// site: facebook
//	// base_url: http://127.0.0.1:8080   # simulation only
//	// queries: ["police officer", "special constable"]
//	// contact: psd-monitor@force.police.uk
//	// delay: 2s
//	// random_delay: 1s
//	// parallelism: 1
//	// max_depth: 20
//	// max_pages_per_profile: 20
//	// max_body_bytes: 4194304
//	// max_redirects: 5
//	// timeout: 20s
//	// retries: 3
//	// backoff: 2s
//	// max_wait: 2m
//	// horizon: 8760h
//	// allow_private_addresses: false  # true for the simulation on loopback
//	// crawl_id: ""                    # the sweep sets its id
//	src, err := html.New(cfg, rulesFS, html.Deps{
//		Client: nil, KV: db.KV, Observer: obs, Log: log, Now: time.Now, Version: version})
//
// Concurrency: a Source is safe for concurrent use. Each call clones the
// configured collector with the call's context (colly.StdlibContext), so
// cancelling ctx aborts its requests; the clones share one HTTP client,
// the per-domain limit slots, the robots.txt cache and the storage.
// Colly's LimitRule delay is a plain sleep that ctx cannot cut short, so
// delays are capped at a minute; colly's own robots.txt fetch ignores ctx
// and is bounded by the request timeout.
package html
