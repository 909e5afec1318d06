package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/psd-tools/exposure/store"
)

// execQuiet runs the binary's entry point with stdin and returns the exit code
// and both outputs.
func execQuiet(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"--log-level", "error"}, args...), strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

type flagLine struct {
	ID         string             `json:"id"`
	Categories []string           `json:"categories"`
	Scores     map[string]float64 `json:"scores"`
	Evidence   []struct {
		Category string `json:"category"`
		Start    int    `json:"start"`
		End      int    `json:"end"`
		Text     string `json:"text"`
	} `json:"evidence"`
}

func TestClassifyContract(t *testing.T) {
	posts := []struct{ id, text string }{
		{"a1", "You absolute f***ing scrote"},
		{"a2", "Huge thanks to the team tonight. Proud of you all."},
		{"a3", "Tory scum. Hang the traitors in Westminster."},
		{"a4", "caf\u00e9 🤬 fu🤬ck you"},
	}
	var in strings.Builder
	for _, p := range posts {
		b, _ := json.Marshal(map[string]string{"id": p.id, "text": p.text})
		in.Write(b)
		in.WriteString("\n")
	}
	in.WriteString(`{"id": 7, "text": "numeric id"}` + "\n\n") // a number id and a blank line
	code, out, errs := execQuiet(t, in.String(), "classify", "--in", "-", "--out", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d output lines, want 5:\n%s", len(lines), out)
	}
	for i, l := range lines {
		// exactly the contract's keys, nothing else
		var raw map[string]json.RawMessage
		if err := json.Unmarshal([]byte(l), &raw); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if len(raw) != 4 || raw["id"] == nil || raw["categories"] == nil || raw["scores"] == nil || raw["evidence"] == nil {
			t.Errorf("line %d keys: %s", i+1, l)
		}
		var f flagLine
		json.Unmarshal([]byte(l), &f)
		if i < len(posts) && f.ID != posts[i].id {
			t.Errorf("line %d id %q, want %q (order)", i+1, f.ID, posts[i].id)
		}
		if len(f.Scores) != 4 {
			t.Errorf("line %d scores %v", i+1, f.Scores)
		}
		for _, e := range f.Evidence {
			text := "numeric id"
			if i < len(posts) {
				text = posts[i].text
			}
			if text[e.Start:e.End] != e.Text {
				t.Errorf("line %d: span %d-%d is %q, text says %q", i+1, e.Start, e.End, text[e.Start:e.End], e.Text)
			}
		}
	}
	var f flagLine
	json.Unmarshal([]byte(lines[0]), &f)
	if len(f.Categories) != 1 || f.Categories[0] != "offensive" || len(f.Evidence) == 0 {
		t.Errorf("a1: %s", lines[0])
	}
	json.Unmarshal([]byte(lines[1]), &f)
	if len(f.Categories) != 0 || !strings.Contains(lines[1], `"categories":[]`) || !strings.Contains(lines[1], `"evidence":[]`) {
		t.Errorf("a2: %s", lines[1])
	}
	json.Unmarshal([]byte(lines[4]), &f)
	if f.ID != "7" {
		t.Errorf("numeric id written as %q", f.ID)
	}
}

func TestClassifyFiles(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "posts.jsonl")
	out := filepath.Join(dir, "flags.jsonl")
	os.WriteFile(in, []byte(`{"id":"x","text":"\"scrote\" he said"}`+"\n"), 0o644)
	code, stdout, errs := execQuiet(t, "", "classify", "--in", in, "--out", out, "--explain")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if stdout != "" {
		t.Errorf("stdout not empty: %q", stdout)
	}
	b, _ := os.ReadFile(out)
	if !json.Valid(bytes.TrimSpace(b)) {
		t.Errorf("output is not one JSON line: %q", b)
	}
	// --explain goes to stderr, naming the rule and the context rule
	for _, want := range []string{`post "x"`, `term "scrote*"`, `lowered x0.3 by "quoted"`} {
		if !strings.Contains(errs, want) {
			t.Errorf("explanation lacks %q:\n%s", want, errs)
		}
	}
}

func TestClassifyMalformed(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"bad json", `{"id":"1","text":"ok"}` + "\n" + `{"id":"2","text":"ok"}` + "\n" + `{"id":"3", text}` + "\n", "stdin:3: malformed JSON"},
		{"no text", "\n" + `{"id":"1"}` + "\n", `stdin:2: missing "text"`},
		{"no id", `{"text":"x"}`, `stdin:1: missing "id"`},
		{"object id", `{"id":{"a":1},"text":"x"}`, `stdin:1: "id" must be a string`},
		{"not an object", `["a"]`, "stdin:1: malformed JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := execQuiet(t, tc.in, "classify")
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(errs, tc.want) || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("stderr %q, want one line containing %q", errs, tc.want)
			}
		})
	}
}

// Raw invalid UTF-8 in the input line is read (as U+FFFD, which is what
// the JSON text means) without failing, and offsets fit the decoded text.
func TestClassifyInvalidUTF8(t *testing.T) {
	in := "{\"id\":\"1\",\"text\":\"f\xffuck you \xc3 c**t\"}\n"
	code, out, errs := execQuiet(t, in, "classify")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var f flagLine
	if err := json.Unmarshal([]byte(out), &f); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	var text struct{ Text string }
	json.Unmarshal([]byte(in), &text)
	for _, e := range f.Evidence {
		if text.Text[e.Start:e.End] != e.Text {
			t.Errorf("span %+v does not match %q", e, text.Text)
		}
	}
	if len(f.Categories) == 0 {
		t.Errorf("not flagged: %s", out)
	}
}

// Many posts stream through in order.
func TestClassifyOrderLarge(t *testing.T) {
	var in strings.Builder
	n := 3000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&in, `{"id":"p%d","text":"post %d you scrote"}`+"\n", i, i)
	}
	code, out, errs := execQuiet(t, in.String(), "classify", "--workers", "3")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != n {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, fmt.Sprintf(`{"id":"p%d",`, i)) {
			t.Fatalf("line %d out of order: %s", i+1, l[:30])
		}
	}
}

func writeLabelled(t *testing.T, path string, rows [][2]string) {
	t.Helper()
	var b strings.Builder
	for i, r := range rows {
		labels := "[]"
		if r[1] != "" {
			labels = `["` + r[1] + `"]`
		}
		txt, _ := json.Marshal(r[0])
		fmt.Fprintf(&b, `{"id":"e%d","text":%s,"labels":%s}`+"\n", i, txt, labels)
	}
	os.WriteFile(path, []byte(b.String()), 0o644)
}

func TestEval(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "l.jsonl")
	writeLabelled(t, p, [][2]string{{"you fucking scrote", "offensive"}, {"thanks team, proud of you", ""}, {"Tory scum, hang the traitors", "political"}})
	code, out, errs := execQuiet(t, "", "eval", "--in", p)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"category", "precision", "offensive", "macro-F1", "confusion", "clean examples flagged"} {
		if !strings.Contains(out, want) {
			t.Errorf("eval output lacks %q:\n%s", want, out)
		}
	}
	// OLID format
	os.WriteFile(filepath.Join(dir, "val_text.txt"), []byte("@user you are a fucking idiot \nlovely day at the beach \n"), 0o644)
	os.WriteFile(filepath.Join(dir, "val_labels.txt"), []byte("1\n0\n"), 0o644)
	code, out, errs = execQuiet(t, "", "eval", "--olid", dir)
	if code != 0 || !strings.Contains(out, "macro-F1 1.0000") {
		t.Errorf("exit %d %s\n%s", code, errs, out)
	}
	os.WriteFile(filepath.Join(dir, "val_labels.txt"), []byte("1\n"), 0o644)
	if code, _, errs = execQuiet(t, "", "eval", "--olid", dir); code != 2 || !strings.Contains(errs, "has 2 lines") {
		t.Errorf("mismatched OLID files: exit %d %s", code, errs)
	}
	bad := filepath.Join(dir, "bad.jsonl")
	os.WriteFile(bad, []byte(`{"id":"1","text":"x","labels":["rude"]}`), 0o644)
	if code, _, errs = execQuiet(t, "", "eval", "--in", bad); code != 2 || !strings.Contains(errs, "bad.jsonl:1: unknown label") {
		t.Errorf("bad label: exit %d %s", code, errs)
	}
}

func TestTrainCommand(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train.jsonl")
	var rows [][2]string
	for i := 0; i < 30; i++ {
		rows = append(rows, [2]string{fmt.Sprintf("the ministers are traitors, hang them all %d", i), "political"})
		rows = append(rows, [2]string{fmt.Sprintf("lovely community meeting at the library %d", i), ""})
	}
	writeLabelled(t, train, rows)
	out1 := filepath.Join(dir, "m1.json")
	out2 := filepath.Join(dir, "m2.json")
	args := []string{"train", "--in", train, "--category", "political", "--heldout", train}
	code, stdout, errs := execQuiet(t, "", append(args, "--out", out1)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"trained political on 60 examples (30 positive)", "current", "retrained", "wrote"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("train output lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, errs = execQuiet(t, "", append(args, "--out", out2)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b1, _ := os.ReadFile(out1)
	b2, _ := os.ReadFile(out2)
	if !bytes.Equal(b1, b2) || len(b1) == 0 {
		t.Error("two trainings on the same input wrote different files")
	}
	// an existing model is only replaced with --replace
	code, _, errs = execQuiet(t, "", append(args, "--out", out1)...)
	if code != 2 || !strings.Contains(errs, "--replace") {
		t.Errorf("overwrite without --replace: exit %d %s", code, errs)
	}
	if code, _, errs = execQuiet(t, "", append(args, "--out", out1, "--replace")...); code != 0 {
		t.Errorf("--replace: exit %d %s", code, errs)
	}
	if code, _, errs = execQuiet(t, "", "train", "--in", train, "--category", "rude", "--out", out2); code != 2 {
		t.Errorf("bad category: exit %d %s", code, errs)
	}
}

// Reviewer decisions become training examples: confirm is positive for the
// final categories, dismiss negative.
func TestTrainReviews(t *testing.T) {
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "x.db")
	db, err := store.Open(dbPath, store.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	sw, err := db.StartSweep("tester", "AUTH-1", "cfg")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AddCandidates(sw.ID, []store.Checkpoint{{Platform: "fake", ID: "u1"}}); err != nil {
		t.Fatal(err)
	}
	var caps []store.Captured
	texts := map[string]string{"p1": "the ministers are traitors, hang them", "p2": "proud of our neighbourhood team", "p3": "hang on, nearly Friday"}
	for _, id := range []string{"p1", "p2", "p3"} {
		caps = append(caps, store.Captured{
			Post: store.Post{Platform: "fake", ID: id, ProfileID: "u1", Text: texts[id]},
			Flag: store.Flag{Platform: "fake", PostID: id, ProfileID: "u1", Categories: []string{"political"}, State: store.FlagNew},
		})
	}
	err = db.CommitProfile(sw.ID, store.ProfileResult{Platform: "fake", ID: "u1", Status: "serving",
		Profile: &store.Profile{Platform: "fake", ID: "u1", Handle: "u1", InScope: true}, Posts: caps})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []store.Review{
		{Platform: "fake", PostID: "p1", Reviewer: "r", Decision: store.Confirm},
		{Platform: "fake", PostID: "p2", Reviewer: "r", Decision: store.Confirm},
		{Platform: "fake", PostID: "p2", Reviewer: "r", Decision: store.Dismiss, Reason: "pride, not politics"},
		{Platform: "fake", PostID: "p3", Reviewer: "r", Decision: store.Dismiss},
	} {
		if _, err := db.Review(r); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	a := &app{dbPath: dbPath}
	ex, err := a.reviewExamples(2)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, e := range ex {
		got[e.ID] = fmt.Sprint(e.Labels)
		if e.Weight != 2 {
			t.Errorf("%s weight %v", e.ID, e.Weight)
		}
	}
	want := map[string]string{"review:fake/p1": "[political]", "review:fake/p2": "[]", "review:fake/p3": "[]"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("review examples %v, want %v", got, want)
	}
	// and the command trains on them alongside written examples
	train := filepath.Join(dir, "train.jsonl")
	writeLabelled(t, train, [][2]string{{"hang the traitors in parliament", "political"}, {"lovely day", ""}})
	code, out, errs := execQuiet(t, "", "--db", dbPath, "train", "--in", train, "--reviews", "--category", "political", "--out", filepath.Join(dir, "m.json"))
	if code != 0 || !strings.Contains(out, "reviewer decisions: 3 posts") || !strings.Contains(out, "on 5 examples (2 positive)") {
		t.Errorf("exit %d %s\n%s", code, errs, out)
	}
}
