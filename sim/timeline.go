package sim

import (
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Posting hours: busiest in the evening, with a night-shift trickle.
var hourWeights = []int{3, 3, 2, 2, 2, 2, 3, 5, 6, 6, 6, 7, 8, 7, 6, 6, 7, 8, 9, 10, 10, 9, 7, 5}

const (
	yearSeconds = 365 * 24 * 3600
	daySeconds  = 24 * 3600
	tweetLimit  = 280
)

// times returns the creation times (unix seconds, ascending, distinct) of
// account ai's posts up to now: n in the year before the start, drawn from
// the account's seed, then, if the world is ongoing, a Poisson stream at the
// same rate from the start on, until the account is suspended or deleted.
// Neither part depends on the clock except in where it is cut, so a post
// keeps its time and index whatever the sequence of Advance calls.
func (w *World) times(ai int, now time.Time) []int64 {
	g := &w.gen[ai]
	start := w.start.Unix()
	out := make([]int64, 0, int(g.n)+4)
	r := newRNG(mix(g.seed, saltTimes, 0))
	from := start - yearSeconds
	for range g.n {
		day := int64(r.intn(365))
		hour := int64(r.weighted(hourWeights))
		t := from + day*daySeconds + hour*3600 + int64(r.intn(3600))
		out = append(out, t)
	}
	slices.Sort(out)
	for i := 1; i < len(out); i++ {
		if out[i] <= out[i-1] {
			out[i] = out[i-1] + 1
		}
	}
	if !w.cfg.Ongoing || g.n == 0 || !now.After(w.start) {
		return out
	}
	ra := newRNG(mix(g.seed, saltAfter, 0))
	rate := float64(g.n) / yearSeconds // posts per second
	end := now.Unix()
	// Ids hold 30 bits of seconds: the clock can run past 2040, the
	// posting cannot.
	end = min(end, epoch.Unix()+1<<(63-timeShift)-1)
	if a := w.accounts[ai]; a.State == Deleted || a.State == Suspended {
		end = min(end, a.ChangedAt.Unix()) // gone accounts stop posting
	}
	t := float64(start)
	if len(out) > 0 && out[len(out)-1] >= start {
		t = float64(out[len(out)-1])
	}
	for len(out) < maxPosts {
		t += expo(ra.float(), rate)
		ts := int64(math.Ceil(t))
		if ts > end {
			break
		}
		if len(out) > 0 && ts <= out[len(out)-1] {
			ts = out[len(out)-1] + 1
		}
		out = append(out, ts)
	}
	return out
}

// timeline returns account ai's posts as of now, newest first. The fakes
// ask for the same timeline many times in a row (a page of tweets embeds
// its author, whose post count needs the timeline), so recent renders are
// kept in a small direct-mapped cache; callers always get their own copy.
func (w *World) timeline(ai int) []Post {
	now := w.now.Unix()
	c := &w.cache
	c.mu.Lock()
	s := &c.slots[ai%len(c.slots)]
	if s.posts != nil && s.ai == ai && s.now == now {
		out := slices.Clone(s.posts)
		c.mu.Unlock()
		return out
	}
	c.mu.Unlock()
	ts := w.times(ai, w.now)
	out := make([]Post, len(ts))
	for k := range ts {
		i := len(ts) - 1 - k
		out[k] = w.render(ai, i, ts[i])
	}
	c.mu.Lock()
	*s = tlSlot{ai: ai, now: now, posts: slices.Clone(out)}
	c.mu.Unlock()
	return out
}

// tlCache holds recently rendered timelines, one slot per account index
// modulo its size: a few MB at most, whatever the world's scale.
type tlCache struct {
	mu    sync.Mutex
	slots [128]tlSlot
}

type tlSlot struct {
	ai    int
	now   int64
	posts []Post
}

// post renders one post of account ai, checking that id names it.
func (w *World) post(ai, i int, id string) (Post, bool) {
	ts := w.times(ai, w.now)
	if i >= len(ts) || postID(ts[i], ai, i) != id {
		return Post{}, false
	}
	return w.render(ai, i, ts[i]), true
}

// render writes post i of account ai, created at sec, with its state as of
// the world's clock.
func (w *World) render(ai, i int, sec int64) Post {
	a := w.accounts[ai]
	g := &w.gen[ai]
	p := Post{
		Platform:  a.Platform,
		ID:        postID(sec, ai, i),
		AccountID: a.ID,
		Created:   time.Unix(sec, 0).UTC(),
		State:     Live,
	}
	r := newRNG(mix(g.seed, saltText, uint64(i)))
	flagged := false
	switch j, ok := g.badAt(i); {
	case ok:
		s := g.bad[j]
		w.writeBad(&p, g, s, g.ordinal(j), &r)
		flagged = true
	case i < int(g.n) && w.lookalikeBad(g, i):
		w.writeBad(&p, g, badSlot{primary: pick(&r, lookBadCats[g.p.kind])}, r.intn(1<<20), &r)
	default:
		w.writeOrdinary(&p, g, &r)
	}
	if a.Platform == Twitter {
		p.Text = clip(p.Text, tweetLimit)
	}
	p.Hashtags = hashtags(p.Text, p.RepostText)

	del, edit := w.fate(g, i, sec, flagged)
	now := w.now.Unix()
	switch {
	case del <= now:
		p.State, p.ChangedAt = Removed, time.Unix(del, 0).UTC()
	case edit <= now:
		p.State, p.ChangedAt = Edited, time.Unix(edit, 0).UTC()
		p.EditedText = editText(p, flagged, &r)
	}
	return p
}

// badAt returns the index in g.bad of the inappropriate post at position
// i of the timeline, if there is one.
func (g *acct) badAt(i int) (int, bool) {
	if i >= int(g.n) {
		return 0, false
	}
	return slices.BinarySearchFunc(g.bad, int32(i), func(s badSlot, pos int32) int { return int(s.pos - pos) })
}

// ordinal counts the account's earlier inappropriate posts of the same
// kind as g.bad[j], offset by the account's seed: consecutive ordinals pick
// consecutive templates, so an offender never posts the same one twice
// until the bank runs out.
func (g *acct) ordinal(j int) int {
	s := g.bad[j]
	n := int(fmix(g.seed^0x0bad) % 1024)
	for _, t := range g.bad[:j] {
		if t.primary == s.primary && t.dual == s.dual && t.repost == s.repost {
			n++
		}
	}
	return n
}

// lookBadCats are the categories look-alikes' breaches fall in: former
// officers and police families moan, fans get political, officers of other
// forces do everything serving officers do.
var lookBadCats = map[string][]string{
	KindFormer:  {Negativity, Negativity, Political, Offensive},
	KindFamily:  {Negativity, Negativity, Offensive},
	KindFan:     {Political, Political, Offensive},
	KindOtherUK: {Offensive, Procedure, Negativity, Political},
}

// lookalikeBad reports whether post i of a look-alike breaches standards,
// from a hash alone so that statistics need not render the post.
func (w *World) lookalikeBad(g *acct, i int) bool {
	if lookBadCats[g.p.kind] == nil || w.cfg.LookAlikeInappropriate <= 0 {
		return false
	}
	r := newRNG(mix(g.seed, saltLookBad, uint64(i)))
	return r.float() < w.cfg.LookAlikeInappropriate
}

// writeBad writes an inappropriate post of slot s's kind, using the n-th
// template of the bank (modulo its size).
func (w *World) writeBad(p *Post, g *acct, s badSlot, n int, r *rng) {
	switch {
	case s.dual && len(dualP[s.primary]) > 0:
		t := dualP[s.primary][n%len(dualP[s.primary])]
		p.Text, p.Categories = lex.text(t.ph, &g.p, r), t.cats
	case s.repost && len(badRepostP[s.primary]) > 0:
		p.Repost = true
		p.RepostText = lex.text(badRepostP[s.primary][n%len(badRepostP[s.primary])], &g.p, r)
		p.RepostAuthor = pick(r, badRepostAuthors)
		p.Text = pick(r, badRepostComment)
		p.Categories = catSlice(s.primary)
	default:
		t := badP[s.primary][n%len(badP[s.primary])]
		p.Text, p.Categories = lex.text(t.ph, &g.p, r), t.cats
	}
}

func (w *World) writeOrdinary(p *Post, g *acct, r *rng) {
	pp := &g.p
	switch pp.kind {
	case KindOfficer, KindOtherUK:
		if r.chance(w.cfg.RepostShare) && pp.force >= 0 {
			p.Repost = true
			p.RepostAuthor = forces[pp.force].tw
			if p.Platform == Facebook {
				p.RepostAuthor = forces[pp.force].fb
			}
			text := lex.text(pick(r, repostCorpP), pp, r)
			// The shared post is the force's own: drop the "@handle: ".
			if k := strings.Index(text, ": "); k > 0 && strings.HasPrefix(text, "@") {
				text = text[k+2:]
			}
			p.RepostText = text
			p.Text = pick(r, repostComment)
			return
		}
		tt := topicWeights[teamTopics[pp.team]]
		if pp.kind == KindOtherUK {
			tt = topicWeights["default"]
		}
		topic := tt.names[r.weighted(tt.weights)]
		p.Text = lex.text(pick(r, ordinaryP[topic]), pp, r)
		if r.chance(0.12) {
			p.Text += " " + lex.text(pick(r, suffixP), pp, r)
		}
	case KindForeign:
		if r.chance(0.8) {
			p.Text = lex.text(pick(r, foreignP), pp, r)
		} else {
			p.Text = lex.text(pick(r, ordinaryP["family"]), pp, r)
		}
	default:
		bank := lookalikeP[pp.kind]
		if pp.kind != KindCorporate && r.chance(0.15) {
			bank = ordinaryP[pick(r, []string{"life", "sport", "family"})]
		}
		p.Text = lex.text(pick(r, bank), pp, r)
	}
}

var suffixP = lex.parseAll([]string{"{tag}", "{ftag}", "{emoji}"})

// fate returns when post i (created at sec) is deleted and when it is
// edited, in unix seconds (math.MaxInt64 for never). Both are drawn once
// from the post's hash, so the clock only decides whether they have
// happened yet.
func (w *World) fate(g *acct, i int, sec int64, flagged bool) (del, edit int64) {
	rates := &w.cfg.Ordinary
	if flagged {
		rates = &w.cfg.Flagged
	}
	base := max(sec, w.start.Unix())
	rd := newRNG(mix(g.seed, saltFateDel, uint64(i)))
	re := newRNG(mix(g.seed, saltFateEdit, uint64(i)))
	return at(base, expo(rd.float(), perSecond(rates.PostDeleted))), at(base, expo(re.float(), perSecond(rates.PostEdited)))
}

// at adds a duration in seconds to base, saturating at "never".
func at(base int64, secs float64) int64 {
	if math.IsInf(secs, 1) || secs > float64(math.MaxInt64/2) {
		return math.MaxInt64
	}
	return base + int64(math.Ceil(secs))
}

// editText is what a post says after it is edited: an apology or a
// rewrite for an inappropriate post, a small correction for any other.
func editText(p Post, flagged bool, r *rng) string {
	if flagged {
		return pick(r, retract)
	}
	return p.Text + pick(r, typoFix)
}

// clip cuts s to at most n characters at a word boundary, as a client
// would before posting.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n-1]
	cut := string(rs)
	if k := strings.LastIndexByte(cut, ' '); k > n/2 {
		cut = cut[:k]
	}
	return cut + "…"
}

// hashtags lists the #tags in the given texts, in order, without repeats.
func hashtags(texts ...string) []string {
	var out []string
	for _, t := range texts {
		for t != "" {
			k := strings.IndexByte(t, '#')
			if k < 0 {
				break
			}
			t = t[k+1:]
			end := strings.IndexFunc(t, func(c rune) bool {
				return !(c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
			})
			if end < 0 {
				end = len(t)
			}
			if end > 0 && !slices.Contains(out, t[:end]) {
				out = append(out, t[:end])
			}
			t = t[end:]
		}
	}
	return out
}
