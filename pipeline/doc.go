// Package pipeline runs exposure's long jobs over the store: the sweep
// (discover → identify → fetch → classify → store, checkpointed per profile so
// a killed sweep resumes with no duplicates) and the recheck of referred
// posts (batched lookups per platform, appended as checks, transient
// failures recorded as unknown and never as removals).
//
// It knows platforms only through crawler.Source and decisions only through
// the small Identifier and Classifier interfaces it declares, so tests can
// drive it with fakes and adding a platform never touches it. All writes go
// through store, one transaction per profile or per batch.
package pipeline
