// Package classify flags posts in the four categories of SPEC.md
// (offensive, procedure, negativity, political), each with a score in [0,1]
// and the evidence spans that caused it.
//
// A Classifier combines analyst-editable rules (rules/categories/*.yaml:
// weighted terms, phrases, patterns and context rules, compiled once into a
// single Aho-Corasick automaton over a normalised form of the text that
// undoes masking, leetspeak, elongation, spacing and look-alike letters)
// with a logistic-regression model per category (rules/models/*.json) over
// hashed word n-grams, character n-grams and the rule hits. A category's
// score is the model's probability, or the rule score when the rules alone
// are decisive (rules_alone) or a context rule cancelled a hit; it is
// flagged at the threshold in its rules file. Evidence is the rule hits or,
// for a model-only flag, the n-grams that weighed most.
//
// The package also trains models (Train, deterministic), evaluates them
// (Evaluate, EvaluateBinary) and reads labelled data (ReadExamples,
// ReadOLID). It does no I/O of its own beyond the fs.FS it is given.
//
// A Classifier is immutable after Load and safe for concurrent use; each
// Classify call takes its scratch space from a pool.
package classify
