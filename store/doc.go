// Package store keeps everything exposure knows in one bbolt file: profiles
// in scope, flagged posts with their captured evidence, reviewer decisions,
// referrals, recheck history, sweeps with their checkpoints, and an
// append-only, hash-chained audit log.
//
// Layout. One top-level bucket per entity, plus index buckets whose keys are
// built so that every question a user asks is a prefix scan:
//
//	profiles          platform 0 id                 -> Profile
//	profiles_by_force force 0 platform 0 id         -> ""
//	posts             platform 0 postID             -> Post (flagged posts only)
//	posts_by_profile  platform 0 profileID 0 postID -> ""
//	payloads          sha256                        -> zstd(raw payload)
//	flags             platform 0 postID             -> Flag
//	flags_by_state    state 0 platform 0 postID     -> ""
//	reviews           platform 0 postID 0 seq       -> Review
//	referrals         referralID                    -> Referral
//	referrals_by_force force 0 referralID           -> ""
//	referred          platform 0 postID             -> referralID
//	checks            platform 0 postID 0 time 0 seq -> Check
//	sweeps            seq                           -> Sweep
//	checkpoints       seq 0 platform 0 profileID    -> Checkpoint
//	audit             seq                           -> AuditEntry
//	kv.<name>         caller-defined                -> caller-defined
//	meta              "schema", "created"
//
// seq is an 8-byte big-endian NextSequence value and time a fixed-width UTC
// timestamp, so keys sort in the order they were made. Values are JSON
// records carrying a version field "v"; the file's schema version lives in
// meta, and Open migrates an older file or refuses a newer one.
//
// Audit log and retention. Entries are chained by SHA-256; since schema 2
// each is sealed: its hash covers a salted HMAC commitment to the subject
// and to each detail value rather than the value. Purge deletes personal
// data past retention and, in the same transaction, redacts the personal
// values of entries about what it deleted (subject, notes, reasons, any
// detail key not known to be non-personal; seq, time, actor, action,
// states, counts and referral ids stay). A sealed entry keeps its hash, as
// the commitments stay; a schema-1 entry keeps its old hash for the link
// and is vouched for by the tombstone's digest of the entries it redacted.
// VerifyAudit checks both kinds and the digests. bbolt does not wipe freed
// pages: deleted bytes leave the file only when their pages are reused or
// the file is compacted; Compact copies the live data into a new file,
// renames it over the old one and zeroes the old one's blocks (README
// "Retention and purge").
//
// Every change that touches more than one record is one bbolt transaction,
// and every change worth auditing appends its audit entry in that same
// transaction, so a killed process leaves either all of a change or none.
//
// A DB is safe for concurrent use. Values returned are copies; callers may
// keep them. The file is owned by one process: a second Open fails with
// ErrInUse after Options.Timeout instead of waiting forever.
package store
