// Package rules holds the analyst-editable rule files that drive exposure,
// embedded into the binary so that it runs with no set-up:
//
//	forces.yaml        the forces in scope, with aliases, handles and places
//	                   (the category models see each name as a shared token)
//	identity.yaml      the words that say someone is (or is not) police
//	categories/*.yaml  weighted terms, patterns and context rules per category
//	models/*.json      trained linear models, with their attribution
//	sites/*.yaml       one file per public HTML site the crawler can read
//
// A directory passed with --rules replaces the embedded set as a whole. The
// packages that use each file parse and validate it themselves; this package
// only says where the files come from.
package rules
