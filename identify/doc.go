// Package identify decides whether a public profile belongs to a serving
// member of a police force in scope (SPEC.md, "Identity: who is in scope"),
// with the status, role, force and the words that decided it.
//
// A Detector is built once from the force and identity rules and is safe for
// concurrent use.
package identify
