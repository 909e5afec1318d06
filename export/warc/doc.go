// Package warc writes and reads WARC/1.1 files (ISO 28500:2017), the
// web-archiving format replay tools open, for the HTTP responses exposure
// captured as evidence.
//
// It is deliberately small: a Writer that emits warcinfo, response and
// resource records, each in its own gzip member (the ".warc.gz" convention
// that lets tools seek to a record), with WARC-Block-Digest and
// WARC-Payload-Digest as "sha1:" + base32, the form crawlers, replay tools
// and checkers all read; and a Reader that parses records back and checks
// those digests. The maintained Go WARC libraries are not reachable from
// this project's module proxy, so this package implements the subset of
// the standard exposure writes, and the tests round-trip it.
//
// Record ids are derived from the record's content, so the same capture
// always yields the same file.
//
// A Writer or Reader is not safe for concurrent use.
package warc
