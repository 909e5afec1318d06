package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/identify"
	"github.com/psd-tools/exposure/rules"
)

// jsonlSeeds are inputs for both JSONL fuzzers: good lines, the malformed
// kinds the contract names, and hostile text.
var jsonlSeeds = []string{
	`{"id": "1", "text": "fucking scum the lot of them"}` + "\n" + `{"id": 2, "text": "bloody freezing on nights"}`,
	`{"id": "p", "handle": "PC_Smith", "name": "PC Smith", "bio": "Response officer @WMPolice", "location": "Brum"}`,
	"\n\n   \n",
	`{"id": "1", "text": "a"` + "\n",
	`{"text": "no id"}`,
	`{"id": null, "text": "x"}`,
	`{"id": {"a": 1}, "text": "x"}`,
	`{"id": "1"}`,
	`[1,2,3]`,
	`{"id": "\u202e\u0000", "text": "\u200b\u202ef\u200bu\u200bc\u200bk", "bio": "\xff\xfe"}`,
	`{"id": "x", "text": "` + strings.Repeat("scum ", 2000) + `"}`,
	"{\"id\": \"r\", \"text\": \"a\"}\r\n{\"id\": \"s\", \"text\": \"b\"}",
}

func countRecords(in []byte) int {
	n := 0
	for _, l := range bytes.Split(in, []byte("\n")) {
		if len(bytes.TrimSpace(l)) > 0 {
			n++
		}
	}
	return n
}

// checkBadInput checks the error for malformed input: exit code 2's kind,
// one line, naming the input and the line.
func checkBadInput(t *testing.T, err error, name string) {
	t.Helper()
	var ie inputError
	if !errors.As(err, &ie) {
		t.Fatalf("error %v is not bad input", err)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, name+":") || strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("error %q: want one line starting %q", msg, name+":")
	}
}

// FuzzClassifyJSONL feeds arbitrary input to `exposure classify`: it writes
// one output line per input record, in order, with the contract's fields,
// or stops with a one-line error naming the line; never a panic.
func FuzzClassifyJSONL(f *testing.F) {
	for _, s := range jsonlSeeds {
		f.Add([]byte(s))
	}
	cl, err := classify.Load(rules.Embedded())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		n, err := classifyStream(cl, bytes.NewReader(in), &out, nil, "posts.jsonl", 2)
		if err != nil {
			checkBadInput(t, err, "posts.jsonl")
			return
		}
		if want := countRecords(in); n != want {
			t.Fatalf("%d records out for %d lines in", n, want)
		}
		for _, l := range outputLines(t, out.Bytes(), n) {
			var v struct {
				ID         *string            `json:"id"`
				Categories []string           `json:"categories"`
				Scores     map[string]float64 `json:"scores"`
			}
			if err := json.Unmarshal(l, &v); err != nil || v.ID == nil || len(v.Scores) != len(classify.Categories) {
				t.Fatalf("output line %q: %v", l, err)
			}
		}
	})
}

// FuzzIdentifyJSONL does the same for `exposure identify`.
func FuzzIdentifyJSONL(f *testing.F) {
	for _, s := range jsonlSeeds {
		f.Add([]byte(s))
	}
	d, err := identify.Load(rules.Embedded())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out, errb bytes.Buffer
		a := &app{stdin: bytes.NewReader(in), stdout: &out, stderr: &errb, log: zerolog.Nop()}
		if err := a.identify(d, "-", "-", false); err != nil {
			checkBadInput(t, err, "stdin")
			return
		}
		for _, l := range outputLines(t, out.Bytes(), countRecords(in)) {
			var v struct {
				ID      *string `json:"id"`
				InScope *bool   `json:"in_scope"`
				Status  string  `json:"status"`
			}
			if err := json.Unmarshal(l, &v); err != nil || v.ID == nil || v.InScope == nil || v.Status == "" {
				t.Fatalf("output line %q: %v", l, err)
			}
		}
	})
}

// outputLines splits a JSONL output that must hold exactly n lines (none
// at all for n == 0).
func outputLines(t *testing.T, out []byte, n int) [][]byte {
	t.Helper()
	if n == 0 {
		if len(out) != 0 {
			t.Fatalf("output for no input: %q", out)
		}
		return nil
	}
	lines := bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
	if len(lines) != n {
		t.Fatalf("%d output lines for %d records", len(lines), n)
	}
	return lines
}
