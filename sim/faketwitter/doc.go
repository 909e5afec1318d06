// Package faketwitter serves a simulated world (sim.World) as the Twitter API
// v1.1 so that the real go-twitter client, unmodified, can be pointed at it
// with httptest.NewServer: the same paths, query parameters, JSON shapes,
// error bodies and codes, rate-limit headers and 15-minute windows (which
// application/rate_limit_status reports exactly as the headers do), and the
// same traps (a bare 429 with an empty body, the protected timeline's 401
// {"request":…,"error":"Not authorized."}, the map=true look-up that
// go-twitter cannot decode).
//
// It also injects faults, chosen by seeded rules per endpoint or at random,
// so tests can prove that a client finishes what it can and never mistakes a
// transient failure for a removal: latency, hangs, connection resets, 429
// with and without Retry-After, bare 429s, HTML 500/503 pages, truncated and
// malformed JSON, valid JSON of the wrong shape, empty 200s, wrong content types,
// oversize bodies and clock skew in the Date and x-rate-limit-reset headers.
//
// What it serves, from the world's state at the time of each request:
//   - active accounts in full; protected accounts as profiles with
//     "protected":true whose tweets answer 401/403; suspended accounts as
//     code 63; deleted accounts as code 50 (users) or 34 (timelines);
//   - live and edited posts (edited ones with their current text); removed
//     posts answer code 144 and are left out of timelines and look-ups;
//   - a repost with no comment as a native retweet (retweeted_status), one
//     with a comment as a quote tweet (quoted_status).
//
// A Server is safe for concurrent use. Its Options and Faults can be swapped
// while it runs (SetFaults); the world may be advanced under it.
package faketwitter
