package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/classify"
	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/identify"
	"github.com/psd-tools/exposure/store"
)

// Identifier decides whether a profile is in scope.
type Identifier interface {
	Identify(identify.Profile) identify.Result
}

// Classifier flags a post's text.
type Classifier interface {
	Classify(text string) classify.Result
}

// Progress receives a running job's counts; the command line draws a bar
// on a terminal and logs events elsewhere. Implementations must be safe
// for concurrent use.
type Progress interface {
	Phase(name string, total int)
	Add(profiles, posts, flagged int)
	Note(msg string)
}

type nopProgress struct{}

func (nopProgress) Phase(string, int) {}
func (nopProgress) Add(int, int, int) {}
func (nopProgress) Note(string)       {}

// SweepOptions configure a sweep.
type SweepOptions struct {
	Operator  string
	Authority string
	// ConfigHash identifies the configuration; an unfinished sweep with the
	// same hash is resumed rather than started again.
	ConfigHash string
	// IncludeReposts also classifies the text a profile reposted; by default
	// only the officer's own words are flagged.
	IncludeReposts bool
	ToolVersion    string
	RulesVersion   string
	// Workers is the number of profiles read at once per platform
	// (default 1). Politeness limits live in the sources.
	Workers  int
	Progress Progress
	Log      zerolog.Logger
	// Now is the capture clock (default time.Now).
	Now func() time.Time
}

// Sweeper runs sweeps.
type Sweeper struct {
	DB       *store.DB
	Sources  []crawler.Source
	Identify Identifier
	Classify Classifier
}

// maxFieldBytes caps the profile and post text kept from a source; scraped
// text is hostile and a megabyte bio is not evidence of anything.
const maxFieldBytes = 1 << 20

// Run sweeps every source once, resuming an interrupted sweep with the same
// configuration. It returns the finished sweep. If ctx ends, the sweep is
// left running (resumable) and ctx's error is returned.
func (s *Sweeper) Run(ctx context.Context, opt SweepOptions) (store.Sweep, error) {
	if opt.Progress == nil {
		opt.Progress = nopProgress{}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if strings.TrimSpace(opt.Authority) == "" {
		return store.Sweep{}, errors.New("sweep: no authority reference: viewing public profiles repeatedly needs an authority or documented policy basis; set 'authority' in the sweep config")
	}
	if strings.TrimSpace(opt.Operator) == "" {
		return store.Sweep{}, errors.New("sweep: no operator: set 'operator' in the sweep config")
	}
	sw, resumed, err := s.DB.Unfinished(opt.ConfigHash)
	if err != nil {
		return sw, err
	}
	if resumed {
		opt.Log.Info().Uint64("sweep", sw.ID).Msg("resuming interrupted sweep")
		opt.Progress.Note(fmt.Sprintf("resuming sweep %d", sw.ID))
	} else {
		// A new sweep discovers from the start: state a source kept to
		// resume an interrupted discovery (visited pages, graph cursors)
		// belongs to the sweeps before, whose candidates were theirs.
		for _, src := range s.Sources {
			if f, ok := src.(crawlForgetter); ok {
				if err := f.ForgetCrawl(); err != nil {
					return sw, fmt.Errorf("sweep: %s: forget the last discovery: %w", src.Name(), err)
				}
			}
		}
		if sw, err = s.DB.BeginSweep(store.SweepStart{Operator: opt.Operator, Authority: opt.Authority,
			ConfigHash: opt.ConfigHash, RulesVersion: opt.RulesVersion}); err != nil {
			return sw, err
		}
	}
	for _, src := range s.Sources {
		if p, ok := src.(sweepPrimer); ok {
			p.PrimeSweep(ctx)
		}
	}
	if !sw.Discovered {
		if err := s.discover(ctx, sw.ID, opt); err != nil {
			return sw, err
		}
	}
	if err := s.process(ctx, sw.ID, opt); err != nil {
		return sw, err
	}
	return s.DB.FinishSweep(sw.ID, "")
}

// crawlForgetter is implemented by sources that keep discovery progress in
// the store so that an interrupted sweep resumes its discovery where it
// stopped (crawler/html's visited pages, crawler/twitter's graph cursors).
type crawlForgetter interface{ ForgetCrawl() error }

// sweepPrimer is implemented by sources that can learn their rate-limit
// budgets before their first request (crawler/twitter asks
// rate_limit_status), so that a window an earlier run exhausted is waited
// for instead of being met with a 429. Priming cannot fail a sweep: a
// source that cannot prime learns its budgets from its first responses.
type sweepPrimer interface{ PrimeSweep(context.Context) }

// discover asks every source for candidates, all sources at once, and
// checkpoints them. Discovery is repeatable: candidates already
// checkpointed are skipped, so a repeated discovery adds no duplicates.
func (s *Sweeper) discover(ctx context.Context, sweepID uint64, opt SweepOptions) error {
	opt.Progress.Phase("discover", 0)
	var wg sync.WaitGroup
	errs := make([]error, len(s.Sources))
	for i, src := range s.Sources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.discoverOne(ctx, sweepID, src, opt)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return s.DB.MarkDiscovered(sweepID)
}

// discoverOne runs one source's discovery, checkpointing each candidate
// before yield returns: a source may record its progress as soon as yield
// returns (the HTML source's visited pages, the Twitter source's graph
// cursors), so a candidate held in memory past that point would be lost
// to a kill, its page never fetched again on resume. A checkpoint costs
// one small transaction; at the platforms' rate limits discovery yields a
// few candidates a second.
//
// A source that fails part way still yields what it found; the failure is
// logged, shown and recorded with the sweep, not fatal, so other
// platforms are still swept. Only a store error is returned.
func (s *Sweeper) discoverOne(ctx context.Context, sweepID uint64, src crawler.Source, opt SweepOptions) error {
	var storeErr error
	n := 0
	err := src.Discover(ctx, func(p crawler.Profile) error {
		if p.ID == "" || strings.IndexByte(p.ID, 0) >= 0 || strings.IndexByte(p.Platform, 0) >= 0 {
			return nil // unusable as a key; nothing to follow up
		}
		p.Platform = src.Name()
		raw, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if _, err := s.DB.AddCandidates(sweepID, []store.Checkpoint{{Platform: p.Platform, ID: p.ID, Candidate: raw}}); err != nil {
			storeErr = err
			return err
		}
		n++
		opt.Progress.Add(0, 0, 0)
		return nil
	})
	switch {
	case storeErr != nil:
		return storeErr
	case ctx.Err() != nil:
		return ctx.Err()
	}
	err, gone := splitUnavailable(err)
	unavailable := strings.Join(gone, "; ")
	if len(gone) > 0 {
		opt.Log.Warn().Str("platform", src.Name()).Strs("accounts", gone).Msg("seed accounts unavailable: correct the seed list")
		opt.Progress.Note(fmt.Sprintf("%s: %d seed accounts unavailable (correct the seed list): %s", src.Name(), len(gone), firstLine(unavailable)))
	}
	if err != nil {
		opt.Log.Warn().Str("platform", src.Name()).Err(err).Int("candidates", n).Msg("discovery incomplete")
		opt.Progress.Note(fmt.Sprintf("%s: discovery incomplete after %d candidates: %s", src.Name(), n, firstLine(err.Error())))
		return s.DB.NoteDiscovery(sweepID, src.Name(), firstLine(err.Error()), unavailable)
	}
	opt.Log.Info().Str("platform", src.Name()).Int("candidates", n).Msg("discovery done")
	return s.DB.NoteDiscovery(sweepID, src.Name(), "", unavailable)
}

// splitUnavailable takes out of a discovery error (often several joined)
// the parts that say an account discovery started from is gone, suspended
// or protected. Those are facts about the seed list, not failures: trying
// again next sweep finds the same. Each is described as what the source
// was doing ("followers of @X", the text before the first ": ") and the
// account's state.
func splitUnavailable(err error) (rest error, unavailable []string) {
	if err == nil {
		return nil, nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var others []error
		for _, e := range j.Unwrap() {
			r, u := splitUnavailable(e)
			unavailable = append(unavailable, u...)
			if r != nil {
				others = append(others, r)
			}
		}
		return errors.Join(others...), unavailable
	}
	if st, ok := crawler.AccountStateOf(err); ok {
		what, _, _ := strings.Cut(err.Error(), ": ")
		return nil, []string{fmt.Sprintf("%s (%s)", what, st)}
	}
	return err, nil
}

// pageSize is how many pending candidates a platform's feeder reads from
// the store at a time: the sweep holds a page per platform in memory, not
// every candidate (with its discovered profile) of the sweep.
const pageSize = 256

// process handles every pending candidate, with opt.Workers goroutines
// per platform (sources are safe for concurrent use).
func (s *Sweeper) process(ctx context.Context, sweepID uint64, opt SweepOptions) error {
	bySource := map[string]crawler.Source{}
	for _, src := range s.Sources {
		bySource[src.Name()] = src
	}
	counts, err := s.DB.PendingCount(sweepID)
	if err != nil {
		return err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	workers := max(opt.Workers, 1)
	opt.Progress.Phase("sweep", total)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var wg sync.WaitGroup
	for platform, n := range counts {
		src, ok := bySource[platform]
		if !ok {
			opt.Progress.Note(fmt.Sprintf("%d candidates on %s left pending: no source configured for it", n, platform))
			continue
		}
		work := make(chan store.Checkpoint)
		go func() {
			defer close(work)
			// Candidates are read a page at a time after the last one
			// handed out; those the workers finish meanwhile are marked
			// done, those that fail stay pending for the next run.
			after := ""
			for {
				page, err := s.DB.PendingPage(sweepID, platform, after, pageSize)
				if err != nil {
					cancel(err)
					return
				}
				for _, c := range page {
					select {
					case work <- c:
					case <-ctx.Done():
						return
					}
				}
				if len(page) < pageSize {
					return
				}
				after = page[len(page)-1].ID
			}
		}()
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := s.work(ctx, sweepID, src, work, opt); err != nil {
					cancel(err)
				}
			}()
		}
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// work processes candidates from one platform's queue until it is empty or
// ctx ends, committing results in batches. Results already complete are
// committed even when stopping.
func (s *Sweeper) work(ctx context.Context, sweepID uint64, src crawler.Source, queue <-chan store.Checkpoint, opt SweepOptions) error {
	b := batcher{db: s.DB, sweepID: sweepID}
	var failed error
	for c := range queue {
		if ctx.Err() != nil {
			break
		}
		r, err := s.one(ctx, src, c, opt)
		if err != nil {
			failed = err
			break
		}
		if err := b.add(r); err != nil {
			return err
		}
	}
	if err := b.flush(); err != nil {
		return err
	}
	if failed != nil && ctx.Err() == nil {
		return failed
	}
	return nil
}

// batcher groups profile results into one store transaction per batch (or
// per flushEvery), so that a sweep's thousands of quick rejections do not
// each pay for an fsync. A crash loses at most the open batch, whose
// checkpoints are still pending and are simply redone.
type batcher struct {
	db      *store.DB
	sweepID uint64
	pending []store.ProfileResult
	posts   int
	since   time.Time
}

const (
	batchProfiles = 64
	batchPosts    = 2000
	flushEvery    = 250 * time.Millisecond
)

func (b *batcher) add(r store.ProfileResult) error {
	if len(b.pending) == 0 {
		b.since = time.Now()
	}
	b.pending = append(b.pending, r)
	b.posts += len(r.Posts)
	if len(b.pending) >= batchProfiles || b.posts >= batchPosts || time.Since(b.since) >= flushEvery {
		return b.flush()
	}
	return nil
}

func (b *batcher) flush() error {
	if len(b.pending) == 0 {
		return nil
	}
	err := b.db.CommitProfiles(b.sweepID, b.pending)
	b.pending, b.posts = b.pending[:0], 0
	return err
}

// one processes a single candidate and returns everything learnt about it,
// to be committed in one transaction.
func (s *Sweeper) one(ctx context.Context, src crawler.Source, c store.Checkpoint, opt SweepOptions) (store.ProfileResult, error) {
	var prof crawler.Profile
	if err := json.Unmarshal(c.Candidate, &prof); err != nil || prof.ID == "" {
		prof = crawler.Profile{Platform: c.Platform, ID: c.ID}
	}
	prof.Platform = src.Name()
	prof.Name, prof.Bio, prof.Location, prof.Handle = capText(prof.Name), capText(prof.Bio), capText(prof.Location), capText(prof.Handle)
	id := s.Identify.Identify(identify.Profile{ID: prof.ID, Handle: prof.Handle, Name: prof.Name, Bio: prof.Bio, Location: prof.Location})
	res := store.ProfileResult{Platform: prof.Platform, ID: prof.ID, Status: string(id.Status), Reason: id.Reason}
	if !id.InScope {
		opt.Progress.Add(1, 0, 0)
		return res, nil
	}
	now := opt.Now().UTC()
	force := id.Force
	if force == "" {
		force = "unknown"
	}
	p := &store.Profile{Platform: prof.Platform, ID: prof.ID, Handle: prof.Handle, Name: prof.Name, Bio: prof.Bio,
		Location: prof.Location, URL: prof.URL, Status: string(id.Status), Role: string(id.Role), Force: force,
		InScope: true, Evidence: id.Evidence, Protected: prof.Protected, Via: prof.Via, FirstSeen: now, LastSeen: now}
	var cursor string
	if old, err := s.DB.Profile(prof.Platform, prof.ID); err == nil {
		cursor = old.Cursor
	} else if !errors.Is(err, store.ErrNotFound) {
		return res, err
	}
	p.Cursor = cursor
	res.Profile = p
	if prof.Protected {
		opt.Progress.Add(1, 0, 0)
		return res, nil
	}
	snap := store.Snapshot{Handle: p.Handle, Name: p.Name, Bio: p.Bio, Location: p.Location, URL: p.URL,
		Force: p.Force, Role: p.Role, Evidence: p.Evidence}
	var profPayload *store.Payload
	var profRaw []byte
	if prof.Raw != nil {
		profPayload, profRaw = payloadOf(prof.Raw)
	}
	flagged := 0
	next, err := src.Posts(ctx, prof, cursor, func(post crawler.Post) error {
		res.PostsRead++
		text := capText(post.Text)
		r := s.Classify.Classify(text)
		var spans []store.Span
		cats := r.Categories
		for _, e := range r.Evidence {
			spans = append(spans, store.Span{Category: string(e.Category), Start: e.Start, End: e.End, Text: e.Text, Reason: e.Reason})
		}
		if opt.IncludeReposts && post.Repost && post.RepostText != "" {
			rr := s.Classify.Classify(capText(post.RepostText))
			cats = mergeCats(cats, rr.Categories)
			for _, e := range rr.Evidence {
				spans = append(spans, store.Span{Category: string(e.Category), Start: e.Start, End: e.End, Text: e.Text, Reason: "in reposted text: " + e.Reason})
			}
			for c, v := range rr.Scores {
				if v > r.Scores[c] {
					r.Scores[c] = v
				}
			}
		}
		if len(cats) == 0 {
			return nil // not kept: SPEC.md data protection
		}
		flagged++
		scores := make(map[string]float64, len(r.Scores))
		for c, v := range r.Scores {
			scores[string(c)] = v
		}
		strs := make([]string, len(cats))
		for i, c := range cats {
			strs[i] = string(c)
		}
		cp := store.Captured{
			Post: store.Post{Platform: p.Platform, ID: post.ID, ProfileID: p.ID, Text: text, URL: post.URL,
				Created: post.Created.UTC(), Repost: post.Repost, RepostText: capText(post.RepostText),
				CapturedAt: now, Profile: snap, ToolVersion: opt.ToolVersion, RulesVersion: opt.RulesVersion,
				ProfilePayload: profPayload},
			Flag:       store.Flag{Force: force, Categories: strs, Scores: scores, Evidence: spans},
			ProfileRaw: profRaw,
		}
		if post.Raw != nil {
			cp.Post.Payload, cp.Raw = payloadOf(post.Raw)
			cp.Post.CapturedAt = post.Raw.FetchedAt.UTC()
			if cp.Post.CapturedAt.IsZero() {
				cp.Post.CapturedAt = now
			}
		}
		res.Posts = append(res.Posts, cp)
		return nil
	})
	if st, ok := crawler.AccountStateOf(err); ok && ctx.Err() == nil {
		// The account went private, was suspended or deleted since it was
		// discovered: record that, keep nothing half-read, move on.
		p.AccountState = string(st)
		p.Protected = st == crawler.StateAccountProtected
		opt.Progress.Add(1, res.PostsRead, 0)
		res.Posts, res.PostsRead = nil, 0
		return res, nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
		// Whatever the failure, nothing about this profile is stored: the
		// checkpoint stays pending with the reason, the cursor does not
		// move, and the next run fetches it again.
		reason := err.Error()
		opt.Log.Warn().Str("platform", p.Platform).Str("profile", p.ID).Err(err).Msg("profile left for the next run")
		opt.Progress.Add(1, res.PostsRead, 0)
		return store.ProfileResult{Platform: p.Platform, ID: p.ID, Err: reason}, nil
	}
	if next != "" {
		p.Cursor = next
	}
	p.PostsSeen = res.PostsRead
	opt.Progress.Add(1, res.PostsRead, flagged)
	return res, nil
}

// firstLine keeps a joined error summary-sized: its first line, and how
// many more there were.
func firstLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	out := lines[0]
	if len(out) > 300 {
		out = out[:300] + "…"
	}
	if len(lines) > 1 {
		out += fmt.Sprintf(" (and %d more)", len(lines)-1)
	}
	return out
}

func mergeCats(a, b []classify.Category) []classify.Category {
	out := append([]classify.Category{}, a...)
	for _, c := range b {
		found := false
		for _, x := range out {
			found = found || x == c
		}
		if !found {
			out = append(out, c)
		}
	}
	return out
}

func payloadOf(c *crawler.Capture) (*store.Payload, []byte) {
	return &store.Payload{URL: c.URL, Status: c.Status, ContentType: c.ContentType, Header: c.Header,
		FetchedAt: c.FetchedAt.UTC()}, c.Body
}

// capText truncates text to maxFieldBytes on a UTF-8 boundary.
func capText(s string) string {
	if len(s) <= maxFieldBytes {
		return s
	}
	cut := maxFieldBytes
	for cut > 0 && cut > maxFieldBytes-4 && (s[cut]&0xC0) == 0x80 {
		cut--
	}
	return s[:cut]
}
