package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/store"
)

// RecheckOptions configure a recheck.
type RecheckOptions struct {
	// Due selects referred posts whose last check is older than this
	// (0 rechecks every referred post).
	Due time.Duration
	// Referral and Force narrow the recheck.
	Referral  string
	Force     string
	Operator  string
	Authority string
	// Batch is the number of posts per lookup call (default 100).
	Batch    int
	Progress Progress
	Log      zerolog.Logger
	Now      func() time.Time
}

// RecheckResult summarises a recheck.
type RecheckResult struct {
	Checked int
	ByState map[crawler.State]int
	// Skipped counts posts on platforms with no configured source.
	Skipped map[string]int
	// Changes lists the posts whose state differs from their last check.
	Changes []Change
	// Unknown counts the reasons of unknown checks, for the summary.
	Unknown map[string]int
}

// Change is a state change seen by a recheck.
type Change struct {
	Platform, PostID string
	From, To         string
}

// Rechecker re-fetches referred posts.
type Rechecker struct {
	DB      *store.DB
	Sources []crawler.Source
}

// recheckPrimer is sweepPrimer for a recheck's endpoints.
type recheckPrimer interface{ PrimeRecheck(context.Context) }

// Run rechecks the due referred posts, platform by platform in batches,
// appending one check per post. A failed lookup records unknown for its
// batch: a transient failure is never a removal.
func (r *Rechecker) Run(ctx context.Context, opt RecheckOptions) (RecheckResult, error) {
	res := RecheckResult{ByState: map[crawler.State]int{}, Skipped: map[string]int{}, Unknown: map[string]int{}}
	if opt.Progress == nil {
		opt.Progress = nopProgress{}
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Batch <= 0 {
		opt.Batch = 100
	}
	now := opt.Now().UTC()
	due, err := r.DB.Due(now.Add(-opt.Due))
	if err != nil {
		return res, err
	}
	if opt.Referral != "" {
		ref, err := r.DB.Referral(opt.Referral)
		if err != nil {
			return res, err
		}
		in := map[store.PostKey]bool{}
		for _, k := range ref.Posts {
			in[k] = true
		}
		due = filter(due, func(k store.PostKey) bool { return in[k] })
	}
	if opt.Force != "" {
		in := map[string]bool{}
		err := r.DB.ReferralsByForce(opt.Force, func(ref store.Referral) error {
			for _, k := range ref.Posts {
				in[k.Platform+"\x00"+k.PostID] = true
			}
			return nil
		})
		if err != nil {
			return res, err
		}
		due = filter(due, func(k store.PostKey) bool { return in[k.Platform+"\x00"+k.PostID] })
	}
	byPlatform := map[string][]store.PostKey{}
	for _, k := range due {
		byPlatform[k.Platform] = append(byPlatform[k.Platform], k)
	}
	sources := map[string]crawler.Source{}
	for _, s := range r.Sources {
		sources[s.Name()] = s
	}
	platforms := make([]string, 0, len(byPlatform))
	for p := range byPlatform {
		platforms = append(platforms, p)
	}
	sort.Strings(platforms)
	opt.Progress.Phase("recheck", len(due))
	// Platforms are rechecked side by side; within a platform, batches go
	// one after another and the source paces them within its limits.
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(platforms))
	for i, platform := range platforms {
		keys := byPlatform[platform]
		src, ok := sources[platform]
		if !ok {
			res.Skipped[platform] += len(keys)
			opt.Progress.Note(fmt.Sprintf("%d referred posts on %s not rechecked: no source configured for it", len(keys), platform))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if p, ok := src.(recheckPrimer); ok {
				p.PrimeRecheck(ctx)
			}
			for j := 0; j < len(keys); j += opt.Batch {
				end := min(j+opt.Batch, len(keys))
				if errs[i] = r.batch(ctx, src, keys[j:end], opt, &res, &mu); errs[i] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return res, err
		}
	}
	detail := map[string]string{"checked": fmt.Sprint(res.Checked), "authority": opt.Authority}
	for st, n := range res.ByState {
		detail[string(st)] = fmt.Sprint(n)
	}
	subject := "all due"
	if opt.Referral != "" {
		subject = opt.Referral
	} else if opt.Force != "" {
		subject = opt.Force
	}
	if _, err := r.DB.Audit(opt.Operator, store.ActRecheck, subject, detail); err != nil {
		return res, err
	}
	return res, nil
}

// batch rechecks one batch of one platform's posts; mu guards res.
func (r *Rechecker) batch(ctx context.Context, src crawler.Source, keys []store.PostKey, opt RecheckOptions, res *RecheckResult, mu *sync.Mutex) error {
	posts := make([]store.Post, 0, len(keys))
	refs := make([]crawler.PostRef, 0, len(keys))
	for _, k := range keys {
		p, err := r.DB.Post(k.Platform, k.PostID)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				continue // purged evidence: nothing to compare with
			}
			return err
		}
		posts = append(posts, p)
		refs = append(refs, crawler.PostRef{Platform: p.Platform, ID: p.ID, ProfileID: p.ProfileID, Handle: p.Profile.Handle, URL: p.URL})
	}
	checks, err := src.Lookup(ctx, refs)
	if ctx.Err() != nil {
		return ctx.Err() // stopping: record nothing for an unfinished batch
	}
	at := opt.Now().UTC()
	if err != nil || len(checks) != len(refs) {
		reason := "lookup failed"
		if err != nil {
			reason = err.Error()
		} else {
			reason = fmt.Sprintf("lookup returned %d answers for %d posts", len(checks), len(refs))
		}
		opt.Log.Warn().Str("platform", src.Name()).Int("posts", len(refs)).Str("reason", reason).Msg("recheck batch failed; recorded as unknown")
		checks = make([]crawler.Check, len(refs))
		for i, ref := range refs {
			checks[i] = crawler.Check{Ref: ref, State: crawler.StateUnknown, Reason: reason, At: at}
		}
	}
	batch := make([]store.NewCheck, 0, len(checks))
	mu.Lock()
	defer mu.Unlock()
	for i, c := range checks {
		p := posts[i]
		state := c.State
		if !state.Valid() {
			state = crawler.StateUnknown
		}
		text := ""
		if state == crawler.StateVisible || state == crawler.StateEdited {
			if c.Text != p.Text {
				state, text = crawler.StateEdited, c.Text
			} else {
				state = crawler.StateVisible
			}
		}
		if c.At.IsZero() {
			c.At = at
		}
		nc := store.NewCheck{Check: store.Check{Platform: p.Platform, PostID: p.ID, At: c.At, State: string(state),
			Text: text, Reason: c.Reason, Operator: opt.Operator, Authority: opt.Authority}}
		if c.Raw != nil {
			nc.Check.Payload, nc.Raw = payloadOf(c.Raw)
		}
		if last, ok, err := r.DB.LastCheck(p.Platform, p.ID); err == nil && ok && last.State != string(state) {
			res.Changes = append(res.Changes, Change{Platform: p.Platform, PostID: p.ID, From: last.State, To: string(state)})
		}
		batch = append(batch, nc)
		if state == crawler.StateUnknown {
			res.Unknown[firstLine(c.Reason)]++
		}
		res.ByState[state]++
		res.Checked++
	}
	if err := r.DB.AddChecks(opt.Operator, batch); err != nil {
		return err
	}
	opt.Progress.Add(len(batch), 0, 0)
	return nil
}

func filter(in []store.PostKey, keep func(store.PostKey) bool) []store.PostKey {
	out := in[:0]
	for _, k := range in {
		if keep(k) {
			out = append(out, k)
		}
	}
	return out
}
