package sim

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// acct is what a generated world keeps per account beyond its public
// fields: the persona its posts are written from, the seed of its timeline,
// and where its inappropriate posts fall.
type acct struct {
	p    persona
	seed uint64
	n    int32     // posts in the year before Start
	bad  []badSlot // in-scope inappropriate posts, by position
}

// badSlot places one inappropriate post in a timeline.
type badSlot struct {
	pos     int32
	primary string
	dual    bool // draw from the two-category bank
	repost  bool // a share of someone else's post
}

// event is an account change at a point in time.
type event struct {
	at  int64 // unix seconds
	idx int32
	to  AccountState // Protected, Suspended, Deleted, or "" for a rename
}

// Seed salts: each use of randomness draws from its own stream.
const (
	saltWorld uint64 = iota + 1
	saltAccount
	saltTimes
	saltText
	saltFateDel
	saltFateEdit
	saltAfter
	saltLookBad
	saltAccountFate
	saltRename
)

// build is the generator's working state.
type build struct {
	cfg   Config
	r     rng
	recs  []rec
	start time.Time
}

// rec is one account before it is indexed.
type rec struct {
	platform string
	p        persona
	pr       profile
	truth    Truth
	n        int
	bad      []badSlot
	corp     int // team index for corporate accounts, -1 for a main account
}

// New builds the world cfg describes. It panics if cfg does not Validate:
// callers that take a config from users validate it first.
func New(cfg Config) *World {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	b := &build{cfg: cfg, r: newRNG(mix(uint64(cfg.Seed), saltWorld, 0)), start: cfg.Start.UTC().Truncate(time.Second)}
	n := cfg.scaled(cfg.Serving)
	for _, k := range Kinds[1:] {
		n += cfg.scaled(cfg.LookAlikes[k])
	}
	b.recs = make([]rec, 0, n) // sized once: at 10x, regrowth was most of New's garbage
	b.serving()
	b.offenders()
	b.lookalikes()
	return b.world()
}

// serving creates the in-scope profiles: forces by size, platforms by
// share, roles and how much of the force each bio gives away.
func (b *build) serving() {
	n := b.cfg.scaled(b.cfg.Serving)
	w := make([]float64, len(forces))
	for i, f := range forces {
		w[i] = float64(f.weight)
	}
	perForce := apportion(n, w)
	var fs []int
	for f, k := range perForce {
		for range k {
			fs = append(fs, f)
		}
	}
	shuffle(&b.r, fs)
	tw := int(math.Round(float64(n) * b.cfg.TwitterShare))
	for i, f := range fs {
		platform := Facebook
		if i < tw {
			platform = Twitter
		}
		p := b.person(KindOfficer, f)
		p.role = []string{RoleOfficer, RoleSpecial, RolePCSO, RoleStaff}[b.r.weighted([]int{72, 9, 9, 10})]
		cue := b.r.weighted([]int{30, 25, 25, 20})
		if forces[f].noTown && cue == cueTown {
			cue = cueShort
		}
		p.named = cue == cueFull || cue == cueShort
		pr, force := officerProfile(&p, cue, platform, &b.r)
		b.recs = append(b.recs, rec{platform: platform, p: p, pr: pr, corp: -1,
			truth: Truth{Kind: KindOfficer, Status: statusServing, Role: p.role, Force: force, InScope: true, HomeForce: forces[f].name},
			n:     b.postCount(b.cfg.PostsPerProfile)})
	}
}

// person draws a persona's private details.
func (b *build) person(kind string, f int) persona {
	r := &b.r
	p := persona{kind: kind, force: f, other: -1, female: r.chance(0.38)}
	if p.female {
		p.first = pick(r, femaleFirst)
	} else {
		p.first = pick(r, maleFirst)
	}
	p.last = pick(r, surnames)
	if f >= 0 {
		p.town = pick(r, forces[f].towns)
		p.footy = pick(r, forces[f].footy)
	} else {
		p.footy = "the local side"
	}
	if r.chance(0.5) {
		p.partner = pick(r, femaleFirst)
	} else {
		p.partner = pick(r, maleFirst)
	}
	if r.chance(0.5) {
		p.kid = pick(r, femaleFirst)
	} else {
		p.kid = pick(r, maleFirst)
	}
	p.dog = pick(r, dogNames)
	return p
}

// postCount draws how many posts an account made in the year before Start:
// log-normal around the mean, as posting is heavy-tailed.
func (b *build) postCount(mean float64) int {
	if mean <= 0 {
		return 0
	}
	const sigma = 0.55
	n := int(math.Round(mean * math.Exp(sigma*b.r.norm()-sigma*sigma/2)))
	return min(max(n, 3), maxPosts/2)
}

// offenders picks the in-scope profiles that posted inappropriate content
// and places that content: exact counts per category and platform.
func (b *build) offenders() {
	cats := []string{}
	for _, c := range Categories {
		for range b.cfg.scaled(b.cfg.Inappropriate[c]) {
			cats = append(cats, c)
		}
	}
	total := len(cats)
	if total == 0 {
		return
	}
	shuffle(&b.r, cats)
	badTw := int(math.Round(float64(total) * b.cfg.InappropriateTwitterShare))
	offenders := min(b.cfg.scaled(b.cfg.Offenders), total)
	offTw := int(math.Round(float64(offenders) * float64(badTw) / float64(total)))
	if badTw > 0 {
		offTw = max(offTw, 1)
	}
	offTw = min(offTw, badTw)
	offFb := min(offenders-offTw, total-badTw)
	if total-badTw > 0 {
		offFb = max(offFb, 1)
	}

	var tw, fb []int
	for i := range b.recs {
		if b.recs[i].platform == Twitter {
			tw = append(tw, i)
		} else {
			fb = append(fb, i)
		}
	}
	// If a platform has too few profiles, its posts move to the other.
	if offTw > len(tw) {
		offTw = len(tw)
	}
	if offFb > len(fb) {
		offFb = len(fb)
	}
	if offTw == 0 {
		badTw = 0
	}
	if offFb == 0 {
		badTw = total
	}
	next := 0
	for _, side := range []struct {
		idx  []int
		offs int
		bad  int
	}{{tw, offTw, badTw}, {fb, offFb, total - badTw}} {
		if side.offs == 0 {
			continue
		}
		shuffle(&b.r, side.idx)
		chosen := side.idx[:side.offs]
		// Offenders lean towards one category: sort this platform's pool
		// by category with noise, so that the consecutive runs handed to
		// each offender are mostly, not only, of one kind.
		pool := cats[next : next+side.bad]
		keys := make([]float64, len(pool))
		for i := range pool {
			keys[i] = float64(catIndex(pool[i])) + 1.6*b.r.float()
		}
		sort.Stable(byKey{pool, keys})
		// Every offender has at least one post; the rest follow a
		// heavy tail, so a few profiles carry many.
		w := make([]float64, len(chosen))
		for i := range w {
			w[i] = math.Exp(1.1 * b.r.norm())
		}
		extra := apportion(side.bad-side.offs, w)
		for i, ri := range chosen {
			k := 1 + extra[i]
			b.recs[ri].bad = b.placeBad(&b.recs[ri], cats[next:next+k])
			next += k
		}
	}
}

// placeBad spreads an offender's inappropriate posts through its timeline.
func (b *build) placeBad(rc *rec, cats []string) []badSlot {
	r := &b.r
	rc.n = max(rc.n, 4*len(cats)+6)
	pos := make(map[int32]bool, len(cats))
	slots := make([]badSlot, 0, len(cats))
	for _, c := range cats {
		var at int32
		for {
			at = int32(r.intn(rc.n))
			if !pos[at] {
				break
			}
		}
		pos[at] = true
		s := badSlot{pos: at, primary: c}
		switch {
		case r.chance(b.cfg.MultiCategoryShare) && len(dualP[c]) > 0:
			s.dual = true
		case r.chance(b.cfg.BadRepostShare):
			s.repost = true
		}
		slots = append(slots, s)
	}
	sort.Slice(slots, func(i, j int) bool { return slots[i].pos < slots[j].pos })
	return slots
}

// lookalikes creates the out-of-scope accounts.
func (b *build) lookalikes() {
	fw := make([]int, len(forces))
	for i, f := range forces {
		fw[i] = f.weight
	}
	for _, kind := range Kinds[1:] {
		n := b.cfg.scaled(b.cfg.LookAlikes[kind])
		if kind == KindCorporate {
			b.corporate(n)
			continue
		}
		for range n {
			platform := Facebook
			if b.r.chance(b.cfg.TwitterShare) {
				platform = Twitter
			}
			f := b.r.weighted(fw)
			var p persona
			switch kind {
			case KindOtherUK, KindForeign:
				p = b.person(kind, -1)
				p.other = b.otherForce(kind == KindOtherUK)
				p.town = pick(&b.r, otherForces[p.other].towns)
				if fs := otherForces[p.other].footy; len(fs) > 0 {
					p.footy = pick(&b.r, fs)
				} else {
					p.footy = "the local side"
				}
				p.named = true
			default:
				p = b.person(kind, f)
				p.named = true
			}
			pr, t := lookalikeProfile(&p, platform, &b.r)
			b.recs = append(b.recs, rec{platform: platform, p: p, pr: pr, truth: t, corp: -1,
				n: b.postCount(b.cfg.PostsPerLookAlike * kindPosts[kind])})
		}
	}
}

// kindPosts scales PostsPerLookAlike by how much each kind posts.
var kindPosts = map[string]float64{
	KindCorporate: 2.5, KindFormer: 1, KindFamily: 0.8, KindFan: 0.8, KindRecruiter: 0.7, KindTrainer: 0.5,
	KindJournalist: 2, KindLawyer: 0.8, KindOtherUK: 1.5, KindForeign: 1.2, KindParody: 1, KindCivilian: 0.5,
}

func (b *build) otherForce(uk bool) int {
	for {
		i := b.r.intn(len(otherForces))
		if otherForces[i].uk == uk {
			return i
		}
	}
}

// corporate creates each force's main accounts on both platforms, then
// team and station accounts up to n in all.
func (b *build) corporate(n int) {
	made := 0
	for _, platform := range Platforms {
		for f := range forces {
			if made >= n {
				return
			}
			p := b.person(KindCorporate, f)
			pr, t := corporateProfile(f, -1, platform, &p, &b.r)
			b.recs = append(b.recs, rec{platform: platform, p: p, pr: pr, truth: t, corp: -1,
				n: b.postCount(b.cfg.PostsPerLookAlike * kindPosts[KindCorporate])})
			made++
		}
	}
	fw := make([]int, len(forces))
	for i, f := range forces {
		fw[i] = f.weight
	}
	for ; made < n; made++ {
		platform := Facebook
		if b.r.chance(0.7) {
			platform = Twitter
		}
		f := b.r.weighted(fw)
		p := b.person(KindCorporate, f)
		team := b.r.intn(len(corpTeams))
		pr, t := corporateProfile(f, team, platform, &p, &b.r)
		b.recs = append(b.recs, rec{platform: platform, p: p, pr: pr, truth: t, corp: team,
			n: b.postCount(b.cfg.PostsPerLookAlike * kindPosts[KindCorporate])})
	}
}

// world shuffles the accounts into their final order, gives them ids,
// unique handles, creation times and follows, and plans their changes.
func (b *build) world() *World {
	r := &b.r
	// Corporate main accounts keep their real handles: they go first in
	// the uniqueness pass, then everyone else in a shuffled order.
	order := make([]int, len(b.recs))
	for i := range order {
		order[i] = i
	}
	shuffle(r, order)
	cfg := b.cfg
	w := &World{cfg: cfg, start: b.start, now: b.start}
	w.gen = make([]acct, len(b.recs))
	accounts := make([]*Account, len(b.recs))
	store := make([]Account, len(b.recs)) // one allocation for all
	taken := make(map[ref]bool, len(b.recs))
	first := b.start.AddDate(-1, 0, 0).Add(-30 * 24 * time.Hour)
	earliest := time.Date(2009, 1, 1, 0, 0, 0, 0, time.UTC)

	for pass := 0; pass < 2; pass++ {
		for idx, ri := range order {
			rc := &b.recs[ri]
			isMain := rc.truth.Kind == KindCorporate && rc.corp < 0
			if isMain != (pass == 0) {
				continue
			}
			a := &store[idx]
			a.Platform = rc.platform
			a.Handle = unique(rc.pr.handle, rc.platform, taken, r)
			a.Name, a.Bio, a.Location = rc.pr.name, rc.pr.bio, rc.pr.location
			span := first.Sub(earliest)
			if isMain {
				span /= 4 // forces joined early
			}
			a.Created = earliest.Add(time.Duration(r.float() * float64(span))).Truncate(time.Second)
			a.State = Active
			a.Truth = rc.truth
			if rc.platform == Twitter {
				a.ID = accountNum(a.Created, idx)
			} else {
				a.ID = a.Handle
			}
			accounts[idx] = a
			w.gen[idx] = acct{p: rc.p, seed: mix(uint64(cfg.Seed), saltAccount, uint64(idx)), n: int32(rc.n), bad: rc.bad}
		}
	}
	w.index(accounts, nil)
	b.follow(w, order)
	w.planChanges()
	return w
}

// unique returns handle, or a variant of it not yet taken on platform.
func unique(handle, platform string, taken map[ref]bool, r *rng) string {
	h := handle
	for tries := 0; ; tries++ {
		k := handleKey(platform, h)
		if !taken[k] && h != "" {
			taken[k] = true
			return h
		}
		suffix := fmt.Sprint(r.between(1, 99+tries*50))
		if platform == Facebook {
			h = handle + "." + suffix
			continue
		}
		base := handle
		if len(base)+len(suffix) > 15 {
			base = base[:15-len(suffix)]
		}
		h = base + suffix
	}
}

// follow wires up who follows whom: most officers, families, fans, press
// and former officers follow their force's main account on their platform;
// officers also follow team accounts in their town.
func (b *build) follow(w *World, order []int) {
	r := &b.r
	main := map[string]int32{}    // platform/force → index
	teams := map[string][]int32{} // platform/force/town → team accounts
	for i, a := range w.accounts {
		if a.Truth.Kind != KindCorporate {
			continue
		}
		g := &w.gen[i]
		if b.recs[order[i]].corp < 0 {
			main[a.Platform+"/"+forces[g.p.force].name] = int32(i)
		} else {
			k := a.Platform + "/" + forces[g.p.force].name + "/" + g.p.town
			teams[k] = append(teams[k], int32(i))
		}
	}
	chance := map[string]float64{KindOfficer: 0.8, KindFamily: 0.6, KindFan: 0.5, KindJournalist: 0.7, KindFormer: 0.5, KindLawyer: 0.3, KindRecruiter: 0.3}
	w.followers = map[int32][]int32{}
	for i, a := range w.accounts {
		g := &w.gen[i]
		c := chance[a.Truth.Kind]
		if c == 0 || g.p.force < 0 {
			continue
		}
		if m, ok := main[a.Platform+"/"+forces[g.p.force].name]; ok && r.chance(c) {
			a.Following = append(a.Following, w.accounts[m].ID)
			w.followers[m] = append(w.followers[m], int32(i))
		}
		if a.Truth.Kind == KindOfficer {
			for _, t := range teams[a.Platform+"/"+forces[g.p.force].name+"/"+g.p.town] {
				if r.chance(0.6) {
					a.Following = append(a.Following, w.accounts[t].ID)
					w.followers[t] = append(w.followers[t], int32(i))
				}
			}
		}
	}
}

// byKey sorts categories by a parallel slice of keys.
type byKey struct {
	cats []string
	keys []float64
}

func (s byKey) Len() int           { return len(s.cats) }
func (s byKey) Less(i, j int) bool { return s.keys[i] < s.keys[j] }
func (s byKey) Swap(i, j int) {
	s.cats[i], s.cats[j] = s.cats[j], s.cats[i]
	s.keys[i], s.keys[j] = s.keys[j], s.keys[i]
}

func catIndex(c string) int {
	for i, x := range Categories {
		if x == c {
			return i
		}
	}
	return len(Categories)
}
