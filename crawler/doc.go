// Package crawler defines what the sweep and recheck pipeline needs from a
// social-media platform: a Source that discovers candidate profiles, pulls a
// profile's public posts since a cursor, and looks posts up again by id.
//
// Each platform is one implementation in its own subpackage (crawler/twitter
// speaks the Twitter API v1.1 through go-twitter, crawler/html crawls public
// HTML sites with colly and goquery). The pipeline only ever sees this
// package's types, so adding a platform never touches the pipeline.
//
// Sources never decide what a post means and never write to the store; they
// fetch, and report transient failures as errors (or StateUnknown in a
// lookup) rather than guessing. A Source must be safe for use by one
// goroutine at a time unless its documentation says otherwise.
package crawler
