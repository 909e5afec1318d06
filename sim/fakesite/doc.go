// Package fakesite serves a simulated world's Facebook-like platform as
// public HTML pages, shaped like a real public profile site, so that the
// real HTML crawler (colly + goquery, driven by rules/sites/facebook.yaml)
// is exercised end to end on loopback.
//
// Pages: robots.txt, a people-search page (/search/people/?q=), profile
// pages (/{handle}, paged with ?before={post id} and a "See more" link),
// post permalinks (/{handle}/posts/{id}), a login page, and the states a
// crawler must tell apart: a removed post ("This content isn't available
// right now"), a protected account (login wall), a suspended account and a
// deleted or renamed account (404). A fixed public test page (TestHandle),
// not part of the world and found by search only under its own name, is
// what `exposure sites check` fetches.
//
// Faults (see Faults) are injected before routing, per path prefix or at
// random from a seeded source: latency, timeouts, connection resets, 429
// with and without Retry-After, 500/503, truncated and malformed HTML,
// redirect loops, redirects to other or private hosts, oversize pages,
// wrong content types and robots.txt disallows.
//
// All world text is HTML-escaped: scraped text is hostile, and so is the
// simulated text that imitates it.
//
// A Site is safe for concurrent use; it only reads the world, which locks
// itself. Fault configuration must not change while the Site is serving.
package fakesite
