package warc

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"net/textproto"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Version is the WARC version this package writes.
const Version = "WARC/1.1"

// Record types written by exposure.
const (
	TypeInfo     = "warcinfo"
	TypeResponse = "response"
	TypeResource = "resource"
)

// MaxBlock caps a record block the Reader accepts; exposure's payloads are
// capped well below it.
const MaxBlock = 64 << 20

const (
	maxLine   = 16 << 10
	maxHeader = 256 << 10
)

// ErrFormat means the input is not a well-formed WARC record.
var ErrFormat = errors.New("not a well-formed WARC record")

// Field is one named header field.
type Field struct{ Name, Value string }

// Header is a record's fields in the order they appear.
type Header []Field

// Get returns the first value of the named field (case-insensitive).
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Record is one parsed WARC record.
type Record struct {
	Version string
	Header  Header
	Block   []byte
}

// Type is the record's WARC-Type.
func (r *Record) Type() string { return r.Header.Get("WARC-Type") }

// ID is the record's WARC-Record-ID, angle brackets included.
func (r *Record) ID() string { return r.Header.Get("WARC-Record-ID") }

// Writer writes gzip-per-record WARC/1.1.
type Writer struct {
	w io.Writer
}

// NewWriter writes records to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Info writes the warcinfo record that opens a file and returns its id,
// which later records name in WARC-Warcinfo-ID.
func (w *Writer) Info(date time.Time, filename string, fields Header) (string, error) {
	var b bytes.Buffer
	for _, f := range fields {
		if !validName(f.Name) {
			return "", fmt.Errorf("warcinfo field %q: not a valid name", f.Name)
		}
		fmt.Fprintf(&b, "%s: %s\r\n", f.Name, clean(f.Value))
	}
	id := recordID(TypeInfo, filename, date, b.Bytes())
	h := Header{
		{"WARC-Type", TypeInfo},
		{"WARC-Record-ID", id},
		{"WARC-Date", Date(date)},
		{"WARC-Filename", clean(filename)},
		{"Content-Type", "application/warc-fields"},
	}
	return id, w.write(h, b.Bytes(), nil)
}

// Response is a captured HTTP response to write.
type Response struct {
	URI         string
	Date        time.Time // when the response was fetched
	Status      int
	ContentType string
	Header      map[string]string
	Body        []byte
	InfoID      string // the warcinfo record's id, if any
}

// dropped are header fields not carried into the archived response: the
// body is stored decoded and whole, so framing and encoding fields would
// lie about it, and credentials never leave the PSD in an export.
var dropped = map[string]bool{
	"Content-Length": true, "Content-Type": true, "Transfer-Encoding": true, "Content-Encoding": true,
	"Connection": true, "Keep-Alive": true, "Set-Cookie": true, "Cookie": true,
	"Authorization": true, "Proxy-Authorization": true, "Www-Authenticate": true,
}

// HTTPBlock rebuilds the HTTP/1.1 message of a captured response: status
// line, the recorded fields (sorted, minus dropped ones), and the body.
func HTTPBlock(r Response) []byte {
	var b bytes.Buffer
	text := http.StatusText(r.Status)
	if text == "" {
		text = "Status"
	}
	fmt.Fprintf(&b, "HTTP/1.1 %03d %s\r\n", r.Status, text)
	if r.ContentType != "" {
		fmt.Fprintf(&b, "Content-Type: %s\r\n", clean(r.ContentType))
	}
	names := make([]string, 0, len(r.Header))
	canon := map[string]string{}
	for n, v := range r.Header {
		c := textproto.CanonicalMIMEHeaderKey(n)
		if !validName(c) || dropped[c] {
			continue
		}
		if _, dup := canon[c]; !dup {
			names = append(names, c)
		}
		canon[c] = v
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%s: %s\r\n", n, clean(canon[n]))
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(r.Body))
	b.Write(r.Body)
	return b.Bytes()
}

// Response writes a response record and returns its id.
func (w *Writer) Response(r Response) (string, error) {
	if r.URI == "" {
		return "", errors.New("warc response: target URI is required")
	}
	if r.Status < 100 || r.Status > 999 {
		return "", fmt.Errorf("warc response for %s: status %d out of range", r.URI, r.Status)
	}
	block := HTTPBlock(r)
	uri := URI(r.URI)
	id := recordID(TypeResponse, uri, r.Date, block)
	h := Header{
		{"WARC-Type", TypeResponse},
		{"WARC-Record-ID", id},
		{"WARC-Date", Date(r.Date)},
		{"WARC-Target-URI", uri},
	}
	if r.InfoID != "" {
		h = append(h, Field{"WARC-Warcinfo-ID", r.InfoID})
	}
	h = append(h, Field{"Content-Type", "application/http; msgtype=response"})
	return id, w.write(h, block, r.Body)
}

// Resource writes a resource record (content that was not an HTTP
// response, kept under a URI) and returns its id.
func (w *Writer) Resource(uri string, date time.Time, contentType string, body []byte, infoID string) (string, error) {
	if uri == "" {
		return "", errors.New("warc resource: target URI is required")
	}
	uri = URI(uri)
	id := recordID(TypeResource, uri, date, body)
	h := Header{
		{"WARC-Type", TypeResource},
		{"WARC-Record-ID", id},
		{"WARC-Date", Date(date)},
		{"WARC-Target-URI", uri},
	}
	if infoID != "" {
		h = append(h, Field{"WARC-Warcinfo-ID", infoID})
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	h = append(h, Field{"Content-Type", clean(contentType)})
	return id, w.write(h, body, body)
}

// write emits one record as its own gzip member. payload, when non-nil,
// gets a WARC-Payload-Digest.
func (w *Writer) write(h Header, block, payload []byte) error {
	var head bytes.Buffer
	head.WriteString(Version + "\r\n")
	for _, f := range h {
		fmt.Fprintf(&head, "%s: %s\r\n", f.Name, f.Value)
	}
	fmt.Fprintf(&head, "WARC-Block-Digest: %s\r\n", Digest(block))
	if payload != nil {
		fmt.Fprintf(&head, "WARC-Payload-Digest: %s\r\n", Digest(payload))
	}
	fmt.Fprintf(&head, "Content-Length: %d\r\n\r\n", len(block))
	zw := gzip.NewWriter(w.w)
	zw.Write(head.Bytes())
	zw.Write(block)
	zw.Write([]byte("\r\n\r\n"))
	if err := zw.Close(); err != nil {
		return fmt.Errorf("write warc record: %w", err)
	}
	return nil
}

// Digest is the labelled digest of b as WARC writes it: "sha1:" + base32.
func Digest(b []byte) string {
	s := sha1.Sum(b)
	return "sha1:" + base32.StdEncoding.EncodeToString(s[:])
}

// Date formats t as a WARC-Date (UTC, W3C ISO 8601, fraction only when
// there is one).
func Date(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// recordID derives a name-based (version 5 style) UUID URN from the
// record's content, so the same capture always gets the same id.
func recordID(kind, uri string, date time.Time, block []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "exposure-warc\x00%s\x00%s\x00%s\x00", kind, uri, Date(date))
	h.Write(block)
	u := h.Sum(nil)[:16]
	u[6] = (u[6] & 0x0f) | 0x50
	u[8] = (u[8] & 0x3f) | 0x80
	x := hex.EncodeToString(u)
	return "<urn:uuid:" + x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:] + ">"
}

// URI makes s safe as a WARC-Target-URI: bytes that RFC 3986 does not
// allow (spaces, controls, non-ASCII) are percent-encoded.
func URI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if uriByte(c) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

func uriByte(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0
}

// clean replaces control characters in a field value with spaces, so a
// hostile value cannot end the field or the header early.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// validName reports whether s is an RFC 7230 token.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		ok := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
		if !ok {
			return false
		}
	}
	return true
}

// Reader reads WARC records, gzipped per record or not, checking each
// record's block and payload digests.
type Reader struct {
	br *bufio.Reader
	n  int
}

// NewReader reads records from r.
func NewReader(r io.Reader) (*Reader, error) {
	br := bufio.NewReader(r)
	magic, err := br.Peek(2)
	if err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("warc: %w", err)
		}
		br = bufio.NewReader(zr)
	}
	return &Reader{br: br}, nil
}

// Next returns the next record, or io.EOF after the last one.
func (r *Reader) Next() (*Record, error) {
	r.n++
	rec, err := r.next()
	if err != nil && err != io.EOF {
		return nil, fmt.Errorf("warc record %d: %w", r.n, err)
	}
	return rec, err
}

func (r *Reader) next() (*Record, error) {
	line, err := r.line()
	if err == io.EOF && line == "" {
		return nil, io.EOF
	}
	if err != nil {
		return nil, err
	}
	if line != "WARC/1.1" && line != "WARC/1.0" {
		return nil, fmt.Errorf("%w: version line %q", ErrFormat, trunc(line))
	}
	rec := &Record{Version: line}
	total := 0
	for {
		l, err := r.line()
		if err != nil {
			return nil, unexpected(err)
		}
		if l == "" {
			break
		}
		if total += len(l); total > maxHeader {
			return nil, fmt.Errorf("%w: header longer than %d bytes", ErrFormat, maxHeader)
		}
		if (l[0] == ' ' || l[0] == '\t') && len(rec.Header) > 0 {
			last := &rec.Header[len(rec.Header)-1]
			last.Value += " " + strings.TrimSpace(l)
			continue
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok || !validName(name) {
			return nil, fmt.Errorf("%w: field line %q", ErrFormat, trunc(l))
		}
		rec.Header = append(rec.Header, Field{name, strings.TrimSpace(value)})
	}
	cl := rec.Header.Get("Content-Length")
	n, err := strconv.ParseInt(cl, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%w: Content-Length %q", ErrFormat, trunc(cl))
	}
	if n > MaxBlock {
		return nil, fmt.Errorf("%w: block of %d bytes exceeds %d", ErrFormat, n, MaxBlock)
	}
	var block bytes.Buffer
	if _, err := io.CopyN(&block, r.br, n); err != nil {
		return nil, unexpected(err)
	}
	rec.Block = block.Bytes()
	var end [4]byte
	if _, err := io.ReadFull(r.br, end[:]); err != nil || string(end[:]) != "\r\n\r\n" {
		return nil, fmt.Errorf("%w: block not followed by CRLF CRLF", ErrFormat)
	}
	if rec.Header.Get("WARC-Type") == "" || rec.Header.Get("WARC-Record-ID") == "" || rec.Header.Get("WARC-Date") == "" {
		return nil, fmt.Errorf("%w: WARC-Type, WARC-Record-ID and WARC-Date are mandatory", ErrFormat)
	}
	if d := rec.Header.Get("WARC-Block-Digest"); d != "" {
		if err := checkDigest(d, rec.Block); err != nil {
			return nil, fmt.Errorf("block: %w", err)
		}
	}
	if d := rec.Header.Get("WARC-Payload-Digest"); d != "" {
		payload := rec.Block
		if strings.HasPrefix(rec.Header.Get("Content-Type"), "application/http") {
			_, _, body, err := ParseHTTP(rec.Block)
			if err != nil {
				return nil, err
			}
			payload = body
		}
		if err := checkDigest(d, payload); err != nil {
			return nil, fmt.Errorf("payload: %w", err)
		}
	}
	return rec, nil
}

func unexpected(err error) error {
	if err == io.EOF {
		return fmt.Errorf("%w: truncated", ErrFormat)
	}
	return err
}

// line reads one CRLF- (or LF-) terminated line without its terminator.
func (r *Reader) line() (string, error) {
	var b []byte
	for {
		frag, err := r.br.ReadSlice('\n')
		b = append(b, frag...)
		if len(b) > maxLine {
			return "", fmt.Errorf("%w: line longer than %d bytes", ErrFormat, maxLine)
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil {
			if err == io.EOF && len(b) > 0 {
				return "", unexpected(io.EOF)
			}
			return "", err
		}
		break
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// ParseHTTP splits an HTTP response block into status, fields and body.
func ParseHTTP(block []byte) (int, Header, []byte, error) {
	head, body, ok := bytes.Cut(block, []byte("\r\n\r\n"))
	if !ok {
		return 0, nil, nil, fmt.Errorf("%w: HTTP block has no end of header", ErrFormat)
	}
	lines := strings.Split(string(head), "\r\n")
	proto, rest, _ := strings.Cut(lines[0], " ")
	code, _, _ := strings.Cut(rest, " ")
	status, err := strconv.Atoi(code)
	if !strings.HasPrefix(proto, "HTTP/") || err != nil || len(code) != 3 {
		return 0, nil, nil, fmt.Errorf("%w: HTTP status line %q", ErrFormat, trunc(lines[0]))
	}
	var h Header
	for _, l := range lines[1:] {
		name, value, ok := strings.Cut(l, ":")
		if !ok || !validName(name) {
			return 0, nil, nil, fmt.Errorf("%w: HTTP field line %q", ErrFormat, trunc(l))
		}
		h = append(h, Field{name, strings.TrimSpace(value)})
	}
	return status, h, body, nil
}

// checkDigest verifies a labelled digest (sha1 or sha256, base32 or hex).
func checkDigest(label string, b []byte) error {
	alg, val, ok := strings.Cut(label, ":")
	if !ok {
		return fmt.Errorf("%w: digest %q has no algorithm", ErrFormat, trunc(label))
	}
	var h hash.Hash
	switch strings.ToLower(alg) {
	case "sha1":
		h = sha1.New()
	case "sha256", "sha-256":
		h = sha256.New()
	default:
		return fmt.Errorf("%w: digest algorithm %q not supported", ErrFormat, trunc(alg))
	}
	h.Write(b)
	sum := h.Sum(nil)
	if strings.EqualFold(val, base32.StdEncoding.EncodeToString(sum)) || strings.EqualFold(val, hex.EncodeToString(sum)) {
		return nil
	}
	return fmt.Errorf("digest mismatch: record says %s", trunc(label))
}

func trunc(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
