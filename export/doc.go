// Package export writes the evidence pack a receiving force gets for a
// referral, and checks one.
//
// A pack is a folder (and a zip of it) holding referral.html (a printable,
// self-contained report), referral.csv and referral.json (the same content
// for the force's systems; schema in SCHEMA.md), evidence/ (each post's
// capture record, the raw payloads and a WARC/1.1 file of the captured
// HTTP responses), and manifest.json listing every file with its SHA-256,
// signed with Ed25519 into manifest.sig. Write builds it in a temporary
// folder beside the target and renames it into place, so a failed export
// leaves nothing behind, then appends the export to the store's audit
// log. Verify checks a pack and names each file that fails.
//
// The package reads the store and never changes it, except for that one
// audit entry. Scraped text is hostile: the HTML report escapes all of it
// and forbids scripts and remote loads with a Content-Security-Policy, and
// CSV cells are kept from being run as spreadsheet formulas.
//
// Functions are safe for concurrent use; two exports to the same folder
// race, and the loser fails with ErrOutExists or a rename error.
package export
