// Package web is the reviewers' web application that `exposure serve` runs
// on the store: dashboard, review queue, post and profile pages, referral
// builder, audit log, visibility report, and user management. It also runs
// the scheduled jobs (sweep, recheck) in-process, so that one long-running
// process owns the bbolt file.
//
// It owns the user accounts (kv bucket "users", bcrypt hashes), the login
// sessions (kv bucket "sessions", keyed by the SHA-256 of the cookie token
// so a copy of the file holds no live token; last-seen times are saved at
// shutdown, not per request) and the job history (kv bucket "jobs"). Every decision, referral, download and user change goes through
// store and is in the audit log under the signed-in user's name.
//
// Security model: scraped text is hostile, so pages are rendered only with
// html/template and a Content-Security-Policy that allows no inline script
// or style; every state-changing request is a POST that must pass
// http.CrossOriginProtection and carry the session's CSRF token; sessions
// expire after inactivity; login is rate-limited per account and address.
//
// The queue works from an in-memory index of every flag, valid for one
// store version (store.DB.Version): a write from elsewhere (a sweep job)
// makes the next request rebuild it, and the server's own decisions patch
// it in place, so a queue page reads nothing from disk.
//
// Concurrency: a Server is safe for concurrent use by the HTTP server's
// goroutines. Its in-memory state (sessions, rate-limit counters, the queue
// index, job status) is guarded by mutexes or swapped atomically; all
// persistent state is in the store, which is itself safe for concurrent
// use. Each job runs in its own goroutine and never overlaps with itself.
// Serve (or Close) must run before the store is closed, to save sessions.
package web
