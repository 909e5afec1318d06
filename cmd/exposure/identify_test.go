package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/psd-tools/exposure/rules"
)

func runCmd(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), append([]string{"--log-level", "warn"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// contractKeys are the output fields SPEC.md names, in its order; "reason"
// follows when a profile is out of scope.
var contractKeys = []string{"id", "in_scope", "status", "force", "role", "evidence"}

func decodeLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("output line %q is not JSON: %v", sc.Text(), err)
		}
		for _, k := range contractKeys {
			if _, ok := m[k]; !ok {
				t.Fatalf("output line %q lacks %q", sc.Text(), k)
			}
		}
		if !strings.HasPrefix(sc.Text(), `{"id":`) {
			t.Fatalf("output line %q does not start with the id", sc.Text())
		}
		rows = append(rows, m)
	}
	return rows
}

func TestIdentifyContract(t *testing.T) {
	in, err := os.ReadFile("../../testdata/identify/test.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, string(in), "identify", "--in", "-", "--out", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows := decodeLines(t, out)
	var ids []string
	sc := bufio.NewScanner(bytes.NewReader(in))
	for sc.Scan() {
		var p struct {
			ID string `json:"id"`
		}
		json.Unmarshal(sc.Bytes(), &p)
		ids = append(ids, p.ID)
	}
	if len(rows) != len(ids) {
		t.Fatalf("%d output lines for %d input lines", len(rows), len(ids))
	}
	for i, r := range rows {
		if r["id"] != ids[i] {
			t.Fatalf("line %d: id %v, want %s (order not preserved)", i+1, r["id"], ids[i])
		}
		switch r["status"] {
		case "serving", "former", "corporate", "not_police":
		default:
			t.Errorf("line %d: status %v", i+1, r["status"])
		}
		if r["in_scope"] == true && (r["force"] == "" || r["status"] != "serving") {
			t.Errorf("line %d: in scope with %v", i+1, r)
		}
		if r["in_scope"] == false && r["force"] != "" {
			t.Errorf("line %d: out of scope with force %v", i+1, r["force"])
		}
	}
	// The first line of the set is a GMP officer by handle.
	if rows[0]["force"] != "Greater Manchester Police" || rows[0]["role"] != "officer" || rows[0]["in_scope"] != true {
		t.Errorf("first line = %v", rows[0])
	}
}

func TestIdentifyFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "profiles.jsonl")
	out := filepath.Join(dir, "identities.jsonl")
	os.WriteFile(in, []byte(`{"id":"1","handle":"PC1234_WMP","name":"","bio":"Response officer","location":""}`+"\r\n\n"+
		`{"id":"2","bio":"Proud police wife","extra":{"ignored":true}}`+"\n"), 0o644)
	code, stdout, errs := runCmd(t, "", "identify", "--in", in, "--out", out)
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q, stderr %s", code, stdout, errs)
	}
	b, _ := os.ReadFile(out)
	rows := decodeLines(t, string(b))
	want := []map[string]any{
		{"id": "1", "in_scope": true, "status": "serving", "force": "West Midlands Police", "role": "officer", "evidence": []any{"Response officer", "WMP"}},
		{"id": "2", "in_scope": false, "status": "not_police", "force": "", "role": "unknown", "evidence": []any{"police wife"}, "reason": "family or partner of police"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("got  %v\nwant %v", rows, want)
	}
}

func TestIdentifyMalformed(t *testing.T) {
	good := `{"id":"a","bio":"PC in Leeds"}` + "\n"
	cases := []struct {
		name, input, line string
	}{
		{"bad json", good + "\n" + `{"id":"b","bio":oops}` + "\n" + good, "stdin:3:"},
		{"missing id", good + `{"bio":"PC"}` + "\n", "stdin:2:"},
		{"empty id", `{"id":"","bio":"PC"}` + "\n", "stdin:1:"},
		{"not an object", good + good + `["a"]` + "\n", "stdin:3:"},
		{"wrong type", `{"id":"a","bio":7}` + "\n", "stdin:1:"},
		{"truncated", good + `{"id":"x","bio":"PC`, "stdin:2:"},
	}
	for _, c := range cases {
		code, out, errs := runCmd(t, c.input, "identify")
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", c.name, code)
		}
		if strings.Count(errs, "\n") != 1 || !strings.Contains(errs, c.line) {
			t.Errorf("%s: stderr %q, want one line naming %s", c.name, errs, c.line)
		}
		// Only the good lines before the bad one have been written.
		for _, r := range decodeLines(t, out) {
			if r["id"] != "a" {
				t.Errorf("%s: unexpected output %v", c.name, r)
			}
		}
	}
}

func TestIdentifyLongLine(t *testing.T) {
	long := `{"id":"a","bio":"` + strings.Repeat("x", maxLine) + `"}` + "\n"
	code, _, errs := runCmd(t, long, "identify")
	if code != 2 || !strings.Contains(errs, "stdin:1:") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}

func TestIdentifyExplain(t *testing.T) {
	in := `{"id":"a","bio":"Retired DS, Met"}` + "\n" + `{"id":"b","bio":"PCSO, Norwich"}` + "\n"
	code, out, errs := runCmd(t, in, "identify", "--explain")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	rows := decodeLines(t, out)
	if len(rows) != 2 || rows[0]["status"] != "former" || rows[1]["force"] != "Norfolk Constabulary" {
		t.Fatalf("rows = %v", rows)
	}
	for _, s := range []string{`stdin:1 id "a"`, `former modifier`, `decision: former`, `stdin:2 id "b"`, `place of Norfolk Constabulary`} {
		if !strings.Contains(errs, s) {
			t.Errorf("explanation lacks %q:\n%s", s, errs)
		}
	}
}

func TestIdentifyBadInputs(t *testing.T) {
	code, _, errs := runCmd(t, "", "identify", "--in", filepath.Join(t.TempDir(), "missing.jsonl"))
	if code != 2 || !strings.Contains(errs, "--in") {
		t.Errorf("missing --in: exit %d, %q", code, errs)
	}
	// A broken rules directory names the file and line.
	dir := t.TempDir()
	b, _ := fs.ReadFile(rules.Embedded(), "forces.yaml")
	os.WriteFile(filepath.Join(dir, "forces.yaml"), b, 0o644)
	os.WriteFile(filepath.Join(dir, "identity.yaml"), []byte("roles:\n  officer:\n    strong: [police officer, Police Officer]\n"), 0o644)
	code, _, errs = runCmd(t, "", "--rules", dir, "identify")
	if code != 2 || !strings.Contains(errs, "identity.yaml:3:") || strings.Count(errs, "\n") != 1 {
		t.Errorf("bad rules: exit %d, %q", code, errs)
	}
}

func TestIdentifyHelp(t *testing.T) {
	code, out, _ := runCmd(t, "", "identify", "--help")
	if code != 0 || slices.ContainsFunc([]string{"--explain", "--in", "--out", "not_police"}, func(s string) bool { return !strings.Contains(out, s) }) {
		t.Errorf("help: exit %d\n%s", code, out)
	}
}
