package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -run %s -update to create it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(run with -update if the change is intended)", path, i+1, g, w)
			}
		}
	}
}

// hostilePage loads the hostile store through the loaders into a page.
func hostilePage(t *testing.T) Page {
	t.Helper()
	db := buildStore(t, hostileWorld())
	subjects, err := LoadSubjects(db)
	if err != nil {
		t.Fatal(err)
	}
	in, err := LoadInstances(db, "")
	if err != nil {
		t.Fatal(err)
	}
	sweeps, err := db.Sweeps()
	if err != nil {
		t.Fatal(err)
	}
	study, err := Study(sweeps, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := Visibility(subjects, reportAt, Options{})
	return Page{Title: "exposure report <test>", Generated: reportAt, Source: "report.db",
		Visibility: &r, Instances: &in, Study: &study}
}

func TestLoadSubjects(t *testing.T) {
	db := buildStore(t, hostileWorld())
	subjects, err := LoadSubjects(db)
	if err != nil {
		t.Fatal(err)
	}
	// Six referred in the first sweep (one dismissed, one unreviewed are
	// not), one in the second.
	if len(subjects) != 7 {
		t.Fatalf("subjects = %d, want 7", len(subjects))
	}
	by := map[string]Subject{}
	for _, s := range subjects {
		by[s.PostID] = s
	}
	s := by["1002"]
	if s.Force != "West Midlands Police" || !s.Referred.Equal(referAt) || s.ReferralID == "" ||
		strings.Join(s.Categories, ",") != "procedure,negativity" || len(s.Checks) != 3 || s.Checks[0].State != edi {
		t.Errorf("1002 = %+v", s)
	}
	// Edited: the captured text is loaded for the event.
	if !strings.HasPrefix(s.Text, "custody sergeant is a joke") || s.Handle != "pc_one" || s.URL == "" {
		t.Errorf("1002 post fields = %q %q %q", s.Text, s.Handle, s.URL)
	}
	// Only visible checks: the post is not read (nothing will name it).
	if s := by["1004"]; s.Text != "" || len(s.Checks) != 0 {
		t.Errorf("1004 = %+v", s)
	}
	// The reviewer's categories win.
	if s := by["fb-8"]; strings.Join(s.Categories, ",") != "negativity,offensive" {
		t.Errorf("fb-8 categories = %v", s.Categories)
	}
	if s := by["2001"]; !s.Referred.Equal(refDay(200)) {
		t.Errorf("2001 referred %v", s.Referred)
	}
	in, err := LoadInstances(db, "")
	if err != nil {
		t.Fatal(err)
	}
	if in.Posts != 7 || in.Unreviewed != 1 || in.Dismissed != 1 || in.ByForce["West Midlands Police"]["offensive"] != 2 ||
		in.ByForce["Kent Police"]["offensive"] != 2 {
		t.Errorf("instances = %+v", in)
	}
	kent, err := LoadInstances(db, "Kent Police")
	if err != nil || kent.Posts != 3 || len(kent.ByForce) != 1 {
		t.Errorf("Kent instances = %+v, %v", kent, err)
	}
	if l := Latest(subjects); !l.Equal(refDay(370)) {
		t.Errorf("latest = %v, want %v", l, refDay(370))
	}
	// FromStore builds the same page the parts do.
	p, err := FromStore(db, reportAt, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := Visibility(subjects, reportAt, Options{})
	if p.Visibility.Overall.Referred != 7 || p.Study == nil || p.Study.Sweep.ID != 2 || p.Instances.Posts != 7 ||
		len(p.Visibility.Events) != len(want.Events) || p.Visibility.Overall.At[3] != want.Overall.At[3] {
		t.Errorf("FromStore page = %+v", p)
	}
	// A zero time is now, or the store's latest time if that is later.
	p, err = FromStore(db, time.Time{}, Options{})
	if err != nil || p.Visibility.At.Before(refDay(370)) || p.Visibility.At.Before(time.Now().Add(-time.Minute)) {
		t.Errorf("FromStore at = %v, %v", p.Visibility.At, err)
	}
	// An empty store has no subjects.
	empty, _ := openTemp(t, true)
	if s, err := LoadSubjects(empty); err != nil || len(s) != 0 {
		t.Errorf("empty store: %v, %v", s, err)
	}
}

func TestHTMLGolden(t *testing.T) {
	p := hostilePage(t)
	var b bytes.Buffer
	if err := WriteHTML(&b, p); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	golden(t, "html/report.golden.html", b.Bytes())

	// Store text is inert: no element or attribute from it survives.
	lower := strings.ToLower(out)
	for _, bad := range []string{"<script", "<img", "<b>bold", "javascript:"} {
		if strings.Contains(lower, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	// Permalinks are links, but only to the posts themselves.
	for _, m := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(out, -1) {
		if !strings.HasPrefix(m[1], "https://twitter.example/") && !strings.HasPrefix(m[1], "https://facebook.example/") {
			t.Errorf("unexpected link %q", m[1])
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;", "Kent Police&lt;/text&gt;&lt;script&gt;alert(2)&lt;/script&gt;",
		"exposure report &lt;test&gt;", "<svg", "Content-Security-Policy"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// Self-contained: nothing is loaded from elsewhere.
	if regexp.MustCompile(`(?i)<(link|script|iframe|object|embed|img|image|use|audio|video|source)\b|<[a-z][^>]*\ssrc=|@import|url\(`).MatchString(out) {
		t.Errorf("HTML loads an external resource")
	}
	checkSVGs(t, out, 5) // overall, four categories... and the bars
}

// checkSVGs parses every <svg>...</svg> in html as strict XML and checks
// there are at least min of them.
func checkSVGs(t *testing.T, html string, min int) {
	t.Helper()
	re := regexp.MustCompile(`(?s)<svg\b.*?</svg>`)
	svgs := re.FindAllString(html, -1)
	if len(svgs) < min {
		t.Fatalf("%d SVGs, want at least %d", len(svgs), min)
	}
	for i, s := range svgs {
		if err := wellFormed(s); err != nil {
			t.Errorf("svg %d: %v\n%s", i, err, s)
		}
	}
}

// wellFormed parses s as one XML document with an <svg> root in the SVG
// namespace.
func wellFormed(s string) error {
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	depth, roots := 0, 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
				if el.Name.Local != "svg" || el.Name.Space != "http://www.w3.org/2000/svg" {
					return errors.New("root is not an SVG element: " + el.Name.Space + " " + el.Name.Local)
				}
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
	if roots != 1 || depth != 0 {
		return errors.New("not exactly one balanced root")
	}
	return nil
}

func TestChartsWellFormed(t *testing.T) {
	p := hostilePage(t)
	r := p.Visibility
	for _, g := range append([]Group{r.Overall}, append(r.ByCategory, r.ByForce...)...) {
		svg, err := SurvivalChart(g, r.Horizons, 0, 600, 260)
		if err != nil {
			t.Fatal(err)
		}
		if err := wellFormed(string(svg)); err != nil {
			t.Errorf("%s: %v", g.Name, err)
		}
	}
	svg, err := InstancesChart(*p.Instances, 700)
	if err != nil {
		t.Fatal(err)
	}
	if err := wellFormed(string(svg)); err != nil {
		t.Errorf("bars: %v", err)
	}
	// Empty inputs still draw a valid chart saying so.
	for _, s := range []func() (string, error){
		func() (string, error) {
			h, err := SurvivalChart(Group{Name: "none"}, DefaultHorizons, 0, 300, 200)
			return string(h), err
		},
		func() (string, error) { h, err := InstancesChart(Instances{}, 300); return string(h), err },
	} {
		h, err := s()
		if err != nil {
			t.Fatal(err)
		}
		if err := wellFormed(h); err != nil || !strings.Contains(h, `class="empty"`) {
			t.Errorf("empty chart: %v\n%s", err, h)
		}
	}
}

// TestChartDecimation: a curve with many thousand steps draws a path with
// at most a few points per pixel column.
func TestChartDecimation(t *testing.T) {
	var subjects []Subject
	for i := 0; i < 20000; i++ {
		s := Subject{Platform: "t", PostID: "p", Referred: t0}
		d := float64(i%400) + float64(i)/1e5
		if i%3 == 0 {
			s.Checks = []Check{ck(d, rem)}
		} else {
			s.Checks = []Check{ck(d, vis)}
		}
		subjects = append(subjects, s)
	}
	r := Visibility(subjects, dayN(500), Options{})
	svg, err := SurvivalChart(r.Overall, r.Horizons, 0, 720, 300)
	if err != nil {
		t.Fatal(err)
	}
	if err := wellFormed(string(svg)); err != nil {
		t.Fatal(err)
	}
	if len(svg) > 60_000 {
		t.Errorf("chart of %d steps is %d bytes", len(r.Overall.Curve.Steps), len(svg))
	}
}

func TestTextGolden(t *testing.T) {
	p := hostilePage(t)
	var b bytes.Buffer
	if err := WriteText(&b, p); err != nil {
		t.Fatal(err)
	}
	golden(t, "text/report.golden.txt", b.Bytes())
	out := b.String()
	// No control or bidi character from the store reaches the terminal.
	for _, r := range out {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			t.Fatalf("text output holds control character %U", r)
		}
	}
	for _, want := range []string{"VISIBILITY OF REFERRED POSTS", "STUDY TABLE: sweep 2", "compared with sweep 1",
		"CANNOT VERIFY: 1", "edited", "account went private", "log(−log)"} {
		if !strings.Contains(out, want) {
			t.Errorf("text lacks %q", want)
		}
	}
}

func TestCSV(t *testing.T) {
	p := hostilePage(t)
	for _, table := range CSVTables {
		var b bytes.Buffer
		if err := WriteCSV(&b, p, table); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		golden(t, "csv/"+table+".golden.csv", b.Bytes())
		// Every row has the header's width, and no cell starts a formula.
		rows, err := readCSV(b.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		for _, row := range rows[1:] {
			for _, c := range row {
				if c != "" && strings.ContainsRune("=+@\t\r", rune(c[0])) {
					t.Errorf("%s: cell %q starts a formula", table, c)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := WriteCSV(&b, p, "nope"); err == nil || !strings.Contains(err.Error(), `"nope"`) {
		t.Errorf("unknown table: %v", err)
	}
	if err := WriteCSV(&b, Page{}, TableGroups); err == nil {
		t.Errorf("groups without visibility: no error")
	}
}

func TestJSON(t *testing.T) {
	p := hostilePage(t)
	var b bytes.Buffer
	if err := WriteJSON(&b, p); err != nil {
		t.Fatal(err)
	}
	golden(t, "json/report.golden.json", b.Bytes())
	var back struct {
		Visibility struct {
			Overall struct {
				Referred int `json:"referred"`
				At       []struct {
					Months  int      `json:"months"`
					Reached bool     `json:"reached"`
					Share   *float64 `json:"share"`
				} `json:"at"`
			} `json:"overall"`
			Events []struct {
				Kind string `json:"kind"`
			} `json:"events"`
		} `json:"visibility"`
		Study struct {
			Sweep struct {
				ID int `json:"id"`
			} `json:"sweep"`
		} `json:"study"`
	}
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	v := back.Visibility
	if v.Overall.Referred != 7 || len(v.Overall.At) != 4 || v.Overall.At[3].Months != 12 || back.Study.Sweep.ID != 2 {
		t.Errorf("json = %+v", back)
	}
	for _, e := range v.Overall.At {
		if e.Reached != (e.Share != nil) {
			t.Errorf("estimate %+v: share must be null exactly when not reached", e)
		}
	}
	if len(v.Events) == 0 || v.Events[0].Kind == "" {
		t.Errorf("events lack kinds: %+v", v.Events)
	}
}

// TestEmptyPage renders a store with nothing referred and no sweep.
func TestEmptyPage(t *testing.T) {
	r := Visibility(nil, reportAt, Options{})
	p := Page{Generated: reportAt, Visibility: &r, Instances: &Instances{}, StudyNote: "no sweeps yet"}
	var b bytes.Buffer
	if err := WriteHTML(&b, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "No referred posts yet") || !strings.Contains(b.String(), "no sweeps yet") {
		t.Errorf("empty page:\n%s", b.String())
	}
	checkSVGs(t, b.String(), 1)
	b.Reset()
	if err := WriteText(&b, p); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "No referred posts yet") {
		t.Errorf("empty text:\n%s", b.String())
	}
}

func TestStudy(t *testing.T) {
	db := buildStore(t, hostileWorld())
	sweeps, err := db.Sweeps()
	if err != nil {
		t.Fatal(err)
	}
	st, err := Study(sweeps, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st.Sweep.ID != 2 || st.Previous == nil || st.Previous.ID != 1 {
		t.Fatalf("sweeps = %+v / %+v", st.Sweep, st.Previous)
	}
	tot := map[string]Count{}
	for _, l := range st.Totals {
		tot[l.Key] = l.Count
	}
	// Sweep 1: 4 in-scope profiles (u1, jo.bloggs, u2, u3), 8 flagged;
	// sweep 2: 1 profile, 1 flagged.
	if c := tot["in_scope"]; c.N != 1 || c.Prev != 4 || c.Delta() != -3 || !c.HasPrev {
		t.Errorf("in scope = %+v", c)
	}
	if c := tot["flagged"]; c.N != 1 || c.Prev != 8 {
		t.Errorf("flagged = %+v", c)
	}
	if c := tot["profiles_flagged"]; c.N != 1 || c.Prev != 4 {
		t.Errorf("profiles flagged = %+v", c)
	}
	// Sweep 1 alone: no previous.
	st1, err := Study(sweeps, 1)
	if err != nil {
		t.Fatal(err)
	}
	if st1.Previous != nil || st1.Totals[0].Count.HasPrev {
		t.Errorf("sweep 1 has a previous: %+v", st1.Previous)
	}
	var twitter PlatformLine
	for _, p := range st1.Platforms {
		if p.Platform == "twitter" {
			twitter = p
		}
	}
	// Sweep 1: 6 of 8 flagged posts on twitter.
	if twitter.Flagged.N != 6 || twitter.Share != 0.75 {
		t.Errorf("twitter = %+v", twitter)
	}
	var off CategoryLine
	for _, c := range st1.Categories {
		if c.Category == "offensive" {
			off = c
		}
	}
	// Classifier categories (the summary counts at capture): offensive on
	// 1001, 1003, 1004, 1005 (twitter).
	if off.Instances.N != 4 || off.ByPlatform["twitter"].N != 4 || off.ByPlatform["facebook"].N != 0 || off.Share != 0.5 {
		t.Errorf("offensive = %+v", off)
	}
	if st1.Categories[0].Category != "offensive" {
		t.Errorf("category order = %+v", st1.Categories)
	}
	if _, err := Study(sweeps, 9); !errors.Is(err, ErrNoSweep) {
		t.Errorf("unknown sweep: %v", err)
	}
	if _, err := Study(nil, 0); !errors.Is(err, ErrNoSweep) {
		t.Errorf("no sweeps: %v", err)
	}
}

func TestTextClean(t *testing.T) {
	if got := clean("a\x1b[31mb\u202Ec\td", 0); got != "a\uFFFD[31mb\uFFFDc\uFFFDd" {
		t.Errorf("clean = %q", got)
	}
	if got := oneLine("a\n b\t\tc", 0); got != "a b c" {
		t.Errorf("oneLine = %q", got)
	}
	if got := clean("abcdef", 3); got != "abc…" {
		t.Errorf("capped = %q", got)
	}
}

func readCSV(b []byte) ([][]string, error) {
	return csv.NewReader(bytes.NewReader(b)).ReadAll()
}

// FuzzHostileText renders store text of any shape through every renderer:
// the HTML must stay free of markup from the input, every SVG must parse
// as XML, and the terminal output must hold no control character.
func FuzzHostileText(f *testing.F) {
	for _, s := range []string{`<script>alert(1)</script>`, `"><svg onload=alert(1)>`, "\x1b[2J\u202e", "]]><!--", "&amp;&#0;", "\xff\xfe", "=cmd|' /C calc'!A0"} {
		f.Add(s, s, s)
	}
	f.Fuzz(func(t *testing.T, force, text, handle string) {
		s := Subject{Platform: "twitter", PostID: "1", ReferralID: "REF-1", Force: force, Categories: []string{force, "offensive"},
			Referred: t0, Text: text, Handle: handle, URL: "https://twitter.example/" + handle,
			Checks: []Check{ck(10, edi, handle+text), ck(20, rem), {At: dayN(30), State: unkn, Reason: text}}}
		r := Visibility([]Subject{s}, dayN(100), Options{CannotVerifyAfter: day})
		in := Instances{ByForce: map[string]map[string]int{force: {force: 1, "offensive": 2}}, Posts: 1}
		p := Page{Title: text, Generated: t0, Source: handle, Visibility: &r, Instances: &in}
		var b bytes.Buffer
		if err := WriteHTML(&b, p); err != nil {
			t.Fatal(err)
		}
		out := strings.ToLower(b.String())
		if strings.Contains(out, "<script") || strings.Contains(out, "onload=alert") && strings.Contains(out, "<svg onload") {
			t.Fatalf("markup from the input survived")
		}
		checkSVGs(t, b.String(), 3)
		b.Reset()
		if err := WriteText(&b, p); err != nil {
			t.Fatal(err)
		}
		for _, r := range b.String() {
			if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || (r >= 0x202a && r <= 0x202e) {
				t.Fatalf("control character %U in text output", r)
			}
		}
		b.Reset()
		if err := WriteCSV(&b, p, TableEvents); err != nil {
			t.Fatal(err)
		}
		if _, err := readCSV(b.Bytes()); err != nil {
			t.Fatalf("csv does not parse: %v", err)
		}
	})
}
