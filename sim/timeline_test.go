package sim

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPostLookupEveryPost(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scale = 0.05
	w := New(cfg)
	w.Advance(2) // some posts changed, some new ones made
	posts := 0
	for _, a := range w.Accounts("") {
		tl := w.Timeline(a.Platform, a.ID)
		for _, p := range tl {
			got, acc, ok := w.Post(a.Platform, p.ID)
			if !ok {
				t.Fatalf("Post(%s, %s) not found", a.Platform, p.ID)
			}
			if !reflect.DeepEqual(got, p) || acc.ID != a.ID {
				t.Fatalf("Post(%s, %s) = %+v on %s, timeline has %+v on %s", a.Platform, p.ID, got, acc.ID, p, a.ID)
			}
			if _, _, ok := w.Post(other(a.Platform), p.ID); ok {
				t.Fatalf("post %s found on the other platform", p.ID)
			}
			posts++
		}
	}
	if posts < 10000 {
		t.Fatalf("only %d posts checked", posts)
	}
}

func TestPostLookupSample(t *testing.T) {
	w := defaultWorld()
	accs := w.Accounts("")
	for i := 0; i < len(accs); i += 97 {
		a := accs[i]
		for _, p := range w.Timeline(a.Platform, a.ID) {
			got, acc, ok := w.Post(a.Platform, p.ID)
			if !ok || !reflect.DeepEqual(got, p) || !reflect.DeepEqual(acc, a) {
				t.Fatalf("Post(%s, %s) disagrees with the timeline", a.Platform, p.ID)
			}
		}
	}
	// Ids that are not posts.
	a := accs[0]
	tl := w.Timeline(a.Platform, a.ID)
	n, _ := strconv.ParseUint(tl[0].ID, 10, 64)
	for _, id := range []string{"", "0", "abc", "-5", "+" + tl[0].ID, "0" + tl[0].ID, tl[0].ID + "0",
		strconv.FormatUint(n+1<<timeShift, 10),    // right account and index, wrong time
		strconv.FormatUint(n+uint64(len(tl)), 10), // past the end of the timeline
		"99999999999999999999999"} {
		if _, _, ok := w.Post(a.Platform, id); ok {
			t.Errorf("Post(%q) found", id)
		}
	}
}

func TestTimelineOrderAndContent(t *testing.T) {
	w := defaultWorld()
	start := w.Start()
	for _, a := range w.Accounts("")[:400] {
		tl := w.Timeline(a.Platform, a.ID)
		if len(tl) == 0 {
			t.Fatalf("%s has no posts", a.Handle)
		}
		var prev uint64
		for k, p := range tl {
			n, err := strconv.ParseUint(p.ID, 10, 63)
			if err != nil {
				t.Fatal(err)
			}
			if k > 0 && n >= prev {
				t.Fatalf("%s: ids not strictly decreasing at %d", a.Handle, k)
			}
			prev = n
			if sec := int64(n>>timeShift) + epoch.Unix(); sec != p.Created.Unix() {
				t.Fatalf("%s: id time %d, created %d", p.ID, sec, p.Created.Unix())
			}
			if !p.Created.Before(start) || p.Created.Before(start.AddDate(-1, 0, -1)) {
				t.Fatalf("%s: created %v outside the year before %v", p.ID, p.Created, start)
			}
			if p.AccountID != a.ID || p.Platform != a.Platform || p.State != Live {
				t.Fatalf("%s: %+v", p.ID, p)
			}
			text := p.Text + p.RepostText
			if text == "" || strings.ContainsAny(text, "{}") || strings.Contains(text, "  ") {
				t.Fatalf("%s: bad text %q / %q", p.ID, p.Text, p.RepostText)
			}
			if p.Repost != (p.RepostText != "") {
				t.Fatalf("%s: repost %v with %q", p.ID, p.Repost, p.RepostText)
			}
			if a.Platform == Twitter && utf8.RuneCountInString(p.Text) > tweetLimit {
				t.Fatalf("%s: %d characters on twitter", p.ID, utf8.RuneCountInString(p.Text))
			}
			for _, h := range p.Hashtags {
				if !strings.Contains(text, "#"+h) {
					t.Fatalf("%s: hashtag %q not in the text", p.ID, h)
				}
			}
		}
	}
}

// TestOffenderPostsDistinct checks an offender never repeats a template.
func TestOffenderPostsDistinct(t *testing.T) {
	w := defaultWorld()
	seen := map[string]bool{}
	for _, r := range w.Inappropriate() {
		if !r.InScope {
			continue
		}
		p, _, _ := w.Post(r.Platform, r.PostID)
		k := r.AccountID + "\x00" + p.Text + "\x00" + p.RepostText
		if seen[k] {
			t.Errorf("%s posted %q twice", r.AccountID, p.Text)
		}
		seen[k] = true
	}
}

// TestEveryTemplateRenders fills every template in every bank for a range
// of personas and checks that no slot is left unfilled.
func TestEveryTemplateRenders(t *testing.T) {
	w := defaultWorld()
	var personas []*persona
	for i := 0; i < len(w.gen); i += 97 {
		personas = append(personas, &w.gen[i].p)
	}
	check := func(where string, ph phrase) {
		t.Helper()
		for k, p := range personas {
			r := newRNG(uint64(k))
			s := lex.text(ph, p, &r)
			if s == "" || strings.ContainsAny(s, "{}") || strings.Contains(s, "  ") || strings.Contains(s, "the the ") {
				t.Errorf("%s renders %q", where, s)
				return
			}
		}
	}
	banks := map[string]map[string][]phrase{"ordinary": ordinaryP, "lookalike": lookalikeP, "badRepost": badRepostP}
	for name, bank := range banks {
		for k, phs := range bank {
			for i, ph := range phs {
				check(name+"/"+k+"/"+strconv.Itoa(i), ph)
			}
		}
	}
	for name, bank := range map[string]map[string][]badPhrase{"bad": badP, "dual": dualP} {
		for k, phs := range bank {
			for i, b := range phs {
				check(name+"/"+k+"/"+strconv.Itoa(i), b.ph)
				if b.cats[0] != k {
					t.Errorf("%s/%s/%d: primary %s", name, k, i, b.cats[0])
				}
			}
		}
	}
	for i, ph := range append(append([]phrase{}, foreignP...), repostCorpP...) {
		check("foreign+repost/"+strconv.Itoa(i), ph)
	}
	for _, c := range Categories {
		if len(badP[c]) < 10 {
			t.Errorf("category %s has only %d templates", c, len(badP[c]))
		}
	}
	for _, k := range Kinds[1:] {
		if k != KindOtherUK && k != KindForeign && len(lookalikeP[k]) == 0 {
			t.Errorf("no posts for kind %s", k)
		}
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("word ", 100)
	got := clip(long, 280)
	if utf8.RuneCountInString(got) > 280 || !strings.HasSuffix(got, "…") {
		t.Errorf("clip = %d chars %q", utf8.RuneCountInString(got), got[len(got)-10:])
	}
	if clip("short", 280) != "short" {
		t.Error("clip changed a short text")
	}
	if got := hashtags("a #one, #two! and #one again", "rt #Three_3"); !reflect.DeepEqual(got, []string{"one", "two", "Three_3"}) {
		t.Errorf("hashtags = %v", got)
	}
}

func TestFarFuture(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Scale = 0.01
	w := New(cfg)
	w.AdvanceTo(epoch.AddDate(40, 0, 0))
	a := w.Accounts(Twitter)[0]
	tl := w.Timeline(a.Platform, a.ID)
	for _, p := range tl[:5] {
		if _, _, ok := w.Post(p.Platform, p.ID); !ok {
			t.Fatalf("post %s created %v cannot be found", p.ID, p.Created)
		}
	}
}
