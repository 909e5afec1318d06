// Package identify decides whether a public profile belongs to a serving
// member of a police force in scope (SPEC.md, "Identity: who is in scope"),
// with the status, role, force and the words that decided it.
//
// The rules are two files an analyst can edit: forces.yaml (forces, aliases,
// Welsh names, handles, places, which bodies are out of scope or abroad) and
// identity.yaml (roles, police words, modifiers such as "ex-" and "wife of",
// corporate wording, look-alike classes, discovery phrases). Load compiles
// both into one trie over word ids, so reading a profile is a single pass
// over its words whatever the size of the rules; a rule error names its
// file and line.
//
// Reading a profile: the bio, name, handle and location are normalised
// (case, accents, fancy Unicode letters, camelCase and collar numbers such
// as "PC1234", misspellings the rules list such as "Polise"; a handle is
// split into known words, or at a force's name after an unknown one:
// "sgtsmithgmp") and matched longest phrase first. Modifiers then change what
// follows or precedes them: a former officer, a family member's role, an
// aspiring applicant, a denial; a closed range of years ("PCSO 2010-2018")
// or a length of service followed by "now" and something else ("30 years a
// bobby, now a full-time grandad") makes a role former, and a role asked
// about ("Police officer? Try our app") is not claimed. A bare rank
// ("Sergeant", "DC", "999 call handler") counts when it stands as the
// owner's self-description and no look-alike gives it another sense
// ("Sergeant, Royal Engineers", "Sergeant Pepper"); the police officer emoji
// is a weak role unless it illustrates the phrase before it ("Police wife
// 👮"), and a role in the name of an account whose bio sells or describes
// something else is that thing's name ("The Custody Sergeant", a novel). A
// force after "now" is the one served now ("Ex-Met, now Sussex Police"). The
// decision takes, in order: parody and disclaimers, police abroad, corporate
// accounts, a role the owner claims now (or a force named alone as the
// bio's first item, "Port of Tilbury Police."), a role they held, and
// otherwise the look-alike class that explains the profile. A UK force's
// name with "Department" after it, or a UK town with a "Police Service" of
// its own, names police abroad ("Kent Police Department, Washington
// State"). A force is attributed by
// aliases and handles before any number of places, and the location field
// before the bio; a place shared by several areas, a club ("Leeds United
// fan", and the same place in the handle), a demonym and a place that is
// part of a person's name attribute nothing.
//
// A Detector is immutable after Load and safe for concurrent use; scratch
// space comes from a sync.Pool, so Identify makes one allocation (the
// evidence) per profile. The package does no I/O beyond reading the rules.
package identify
