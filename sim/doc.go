// Package sim holds the simulated social network that the demo, the tests
// and `exposure sim` sweep: a deterministic, seeded world of accounts and
// posts on two platforms (a Twitter-like one and a Facebook-like one) that
// mirrors the reference study in SPEC.md, with the ground truth for every
// account and post, and a clock that can be advanced so that posts are
// deleted or edited and accounts go private, are suspended or disappear.
//
// The world is only data; the fake platform servers in sim/fake serve it in
// the platforms' real wire formats so that the real clients are exercised.
// A World is safe for concurrent use: readers take a read lock, Advance takes
// the write lock.
package sim
