// Package classify flags posts in the four categories of SPEC.md
// (offensive, procedure, negativity, political), each with a score in [0,1]
// and the evidence spans that caused it.
//
// A Classifier combines analyst-editable rules (weighted terms, phrases,
// patterns and context rules loaded from the rules directory and compiled
// once into fast matchers) with a trained linear model per category. It is
// immutable after loading and safe for concurrent use.
package classify
