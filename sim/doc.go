// Package sim holds the simulated social network that the demo, the tests
// and `exposure sim` sweep: a deterministic, seeded world of accounts and
// posts on two platforms (a Twitter-like one and a Facebook-like one) that
// mirrors the reference study in SPEC.md, with the ground truth for every
// account and post, and a clock that can be advanced so that posts are
// deleted or edited and accounts go private, are suspended or disappear.
//
// New(DefaultConfig()) builds the study at its real scale: 1,588 serving
// profiles across the 44 forces among about 3,800 look-alikes (corporate
// accounts, former officers, families, fans, recruiters, trainers,
// journalists, lawyers, other UK and foreign police, parody, civilians),
// about 100 posts a profile, and 357 inappropriate posts on 185 profiles in
// the study's category mix. Config.Scale multiplies it. Accounts are kept in
// memory; timelines are generated on demand from a per-account seed, and a
// post id encodes its account and place, so memory grows with accounts, not
// posts. Stats summarises the truth, labelled as simulated.
//
// The post texts come from the phrase banks in this package (phrases_*.go),
// written independently of the classifier's rules: they must never be
// generated from, or copied into, rules/categories.
//
// The world is only data; the fake platform servers under sim/ serve it in
// the platforms' real wire formats so that the real clients are exercised.
// A World is safe for concurrent use: readers take a read lock, Advance takes
// the write lock. Values returned are copies, but their slices (Following,
// Categories) are shared and must not be modified.
package sim
