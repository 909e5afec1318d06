// Package report turns the store's referrals, recheck history and sweep
// summaries into the reports reviewers read: the visibility of referred
// posts over time (a Kaplan–Meier estimate with Greenwood intervals, per
// force, per category and overall, with the state changes and the posts
// that cannot be verified) and the reference study's table for a sweep.
//
// The computations are pure functions over plain values (Visibility over
// []Subject, Study over []store.Sweep) so the command line, the web UI and
// the demo share them; LoadSubjects and LoadInstances build those values
// from a *store.DB. The renderers write text, CSV, JSON and a
// self-contained HTML page whose SVG charts are drawn here, in Go.
//
// Everything that comes from the store is hostile text: the HTML page goes
// through html/template (charts included), the terminal output replaces
// control and bidi characters, and CSV cells that a spreadsheet would run
// as a formula are neutralised.
//
// Nothing here keeps state: functions are safe for concurrent use, and
// results are values the caller owns.
package report
