package warc

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"
)

var when = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func sample(t *testing.T) ([]byte, []Response) {
	t.Helper()
	resps := []Response{
		{URI: "https://api.example/1.1/statuses/show.json?id=10", Date: when, Status: 200,
			ContentType: "application/json", Header: map[string]string{"x-rate-limit-remaining": "899", "Set-Cookie": "secret=1"},
			Body: []byte(`{"id_str":"10","text":"hello <script>"}`)},
		{URI: "https://fb.example/pc bob/posts/ü", Date: when.Add(1500 * time.Millisecond), Status: 404,
			ContentType: "text/html; charset=utf-8", Header: map[string]string{"X-Evil": "a\r\nWARC-Type: resource", "Bad Name": "x"},
			Body: []byte("<html>\r\n\r\nnot found</html>")},
		{URI: "https://x.example/empty", Date: when, Status: 204, Body: nil},
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	info, err := w.Info(when, "capture.warc.gz", Header{{"software", "exposure/test"}, {"isPartOf", "REF-2026-00001"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range resps {
		r.InfoID = info
		if _, err := w.Response(r); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Resource("urn:exposure:note", when, "text/plain", []byte("note"), info); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), resps
}

func readAll(t *testing.T, b []byte) ([]*Record, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var out []*Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, rec)
	}
}

func TestRoundTrip(t *testing.T) {
	b, resps := sample(t)
	recs, err := readAll(t, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 5 {
		t.Fatalf("got %d records, want 5", len(recs))
	}
	if recs[0].Type() != TypeInfo || !strings.Contains(string(recs[0].Block), "isPartOf: REF-2026-00001\r\n") {
		t.Fatalf("warcinfo = %+v %q", recs[0].Header, recs[0].Block)
	}
	for i, want := range resps {
		rec := recs[i+1]
		if rec.Version != "WARC/1.1" || rec.Type() != TypeResponse {
			t.Fatalf("record %d: %s %s", i, rec.Version, rec.Type())
		}
		if rec.Header.Get("WARC-Warcinfo-ID") != recs[0].ID() {
			t.Errorf("record %d not linked to warcinfo", i)
		}
		if got := rec.Header.Get("WARC-Date"); got != Date(want.Date) {
			t.Errorf("record %d date %s", i, got)
		}
		status, h, body, err := ParseHTTP(rec.Block)
		if err != nil {
			t.Fatal(err)
		}
		if status != want.Status || !bytes.Equal(body, want.Body) {
			t.Errorf("record %d: status %d body %q", i, status, body)
		}
		if h.Get("Set-Cookie") != "" || h.Get("Bad Name") != "" {
			t.Errorf("record %d kept a dropped field: %v", i, h)
		}
		if h.Get("WARC-Type") != "" {
			t.Errorf("record %d: CRLF in a field value injected a field: %v", i, h)
		}
	}
	if got := recs[2].Header.Get("WARC-Target-URI"); got != "https://fb.example/pc%20bob/posts/%C3%BC" {
		t.Errorf("target URI = %q", got)
	}
	if got := recs[1].Header.Get("WARC-Payload-Digest"); got != Digest(resps[0].Body) {
		t.Errorf("payload digest = %q", got)
	}
	if recs[4].Type() != TypeResource || string(recs[4].Block) != "note" {
		t.Errorf("resource = %+v", recs[4])
	}
}

func TestDeterministic(t *testing.T) {
	a, _ := sample(t)
	b, _ := sample(t)
	if !bytes.Equal(a, b) {
		t.Fatal("the same records wrote different bytes")
	}
}

// Each record is its own gzip member, so tools can seek to a record.
func TestGzipPerRecord(t *testing.T) {
	b, _ := sample(t)
	br := bytes.NewReader(b)
	zr, err := gzip.NewReader(br)
	if err != nil {
		t.Fatal(err)
	}
	members := 0
	for {
		zr.Multistream(false)
		if _, err := io.Copy(io.Discard, zr); err != nil {
			t.Fatal(err)
		}
		members++
		if err := zr.Reset(br); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
	}
	if members != 5 {
		t.Fatalf("%d gzip members, want 5", members)
	}
}

func TestDigestMismatch(t *testing.T) {
	var buf bytes.Buffer
	// Uncompressed, so the body can be edited in place.
	w := NewWriter(&buf)
	if _, err := w.Resource("urn:x", when, "text/plain", []byte("original"), ""); err != nil {
		t.Fatal(err)
	}
	zr, _ := gzip.NewReader(&buf)
	plain, _ := io.ReadAll(zr)
	tampered := bytes.Replace(plain, []byte("original"), []byte("0riginal"), 1)
	if _, err := readAll(t, tampered); err == nil || !strings.Contains(err.Error(), "digest mismatch") {
		t.Fatalf("tampered block: err = %v", err)
	}
	if recs, err := readAll(t, plain); err != nil || len(recs) != 1 {
		t.Fatalf("plain WARC: %d records, %v", len(recs), err)
	}
}

func TestMalformed(t *testing.T) {
	for name, in := range map[string]string{
		"version":   "HTTP/1.1 200 OK\r\n\r\n",
		"length":    "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: x\r\n\r\n",
		"truncated": "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:x>\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: 10\r\n\r\nabc",
		"no end":    "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:x>\r\nWARC-Date: 2026-01-01T00:00:00Z\r\nContent-Length: 3\r\n\r\nabcXXXX",
		"mandatory": "WARC/1.1\r\nContent-Length: 0\r\n\r\n\r\n\r\n",
		"huge":      "WARC/1.1\r\nContent-Length: 99999999999\r\n\r\n",
	} {
		if _, err := readAll(t, []byte(in)); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func FuzzReader(f *testing.F) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Resource("urn:x", when, "text/plain", []byte("seed"), "")
	zr, _ := gzip.NewReader(bytes.NewReader(buf.Bytes()))
	plain, _ := io.ReadAll(zr)
	f.Add(plain)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := NewReader(bytes.NewReader(in))
		if err != nil {
			return
		}
		for i := 0; i < 100; i++ {
			if _, err := r.Next(); err != nil {
				return
			}
		}
	})
}
