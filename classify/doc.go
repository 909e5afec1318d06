// Package classify flags posts in the four categories of SPEC.md
// (offensive, procedure, negativity, political), each with a score in [0,1]
// and the evidence spans that caused it.
//
// A Classifier combines analyst-editable rules (rules/categories/*.yaml:
// weighted terms, phrases, patterns and context rules, compiled once into a
// single Aho-Corasick automaton over a normalised form of the text that
// undoes masking, leetspeak, elongation, spacing and look-alike letters)
// with a logistic-regression model per category (rules/models/*.json) over
// hashed word n-grams, character n-grams and the rule hits. The models see
// every place name of forces.yaml as one shared place token and every
// force name as one force token (places.go): a town or force says nothing
// about whether a post breaches standards.
//
// Ordinary posts outnumber breaches by hundreds to one, so the two parts do
// not count alike. When a rule hit of weight 0.3 or more (after context
// rules) supports a category, the model's probability is its score,
// flagged at the category's threshold. When none does, the model stands
// alone and must reach the far higher model_alone; its probability is
// stretched so that model_alone maps onto the threshold, keeping one
// flagging score per category. Context rules marked model: true (a post
// that condemns abuse, makes an appeal, thanks colleagues, talks about a TV
// show) also lower that lone model score. A context rule that cancels a
// hit leaves the rule score alone, and a rule score of rules_alone flags
// whatever the model says. Evidence is the rule hits that supported the
// flag or, for a model-only flag, the n-grams that weighed most.
//
// The package also trains models (Train, deterministic), evaluates them
// (Evaluate, EvaluateBinary) and reads labelled data (ReadExamples,
// ReadOLID). It does no I/O of its own beyond the fs.FS it is given.
//
// A Classifier is immutable after Load and safe for concurrent use; each
// Classify call takes its scratch space from a pool.
package classify
