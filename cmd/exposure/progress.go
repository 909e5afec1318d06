package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/schollz/progressbar/v3"

	"github.com/psd-tools/exposure/crawler"
	"github.com/psd-tools/exposure/pipeline"
)

// progress shows a long job's counts: a bar with counts and rate on a
// terminal, structured log events every few seconds otherwise. It is also
// the sources' Observer, so rate-limit waits appear where the user looks.
type progress struct {
	mu      sync.Mutex
	w       io.Writer
	log     zerolog.Logger
	bar     *progressbar.ProgressBar
	tty     bool
	phase   string
	total   int
	done    int
	posts   int
	flagged int
	start   time.Time
	lastLog time.Time
}

var (
	_ pipeline.Progress = (*progress)(nil)
	_ crawler.Observer  = (*progress)(nil)
)

func (a *app) newProgress() *progress {
	p := &progress{w: a.stderr, log: a.log}
	if f, ok := a.stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		p.tty = true
	}
	return p
}

func (p *progress) Phase(name string, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finishBar()
	p.phase, p.total, p.done, p.posts, p.flagged = name, total, 0, 0, 0
	p.start, p.lastLog = time.Now(), time.Now()
	if p.tty {
		max := int64(total)
		if total == 0 {
			max = -1 // spinner: the total is not known yet
		}
		p.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(p.w),
			progressbar.OptionSetDescription(fmt.Sprintf("%-9s", name)),
			progressbar.OptionShowCount(),
			progressbar.OptionSetWidth(30),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionSetRenderBlankState(true),
		)
	} else {
		p.log.Info().Str("phase", name).Int("total", total).Msg("phase started")
	}
}

func (p *progress) Add(profiles, posts, flagged int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done += profiles
	p.posts += posts
	p.flagged += flagged
	if p.bar != nil {
		rate := float64(p.posts) / max(time.Since(p.start).Seconds(), 0.001)
		desc := fmt.Sprintf("%-9s", p.phase)
		if p.posts > 0 {
			desc = fmt.Sprintf("%-9s %d posts (%.0f/s), %d flagged", p.phase, p.posts, rate, p.flagged)
		}
		p.bar.Describe(desc)
		if profiles > 0 {
			_ = p.bar.Add(profiles)
		} else {
			_ = p.bar.Add(0)
		}
		return
	}
	if time.Since(p.lastLog) >= 5*time.Second {
		p.lastLog = time.Now()
		p.log.Info().Str("phase", p.phase).Int("done", p.done).Int("total", p.total).
			Int("posts", p.posts).Int("flagged", p.flagged).Msg("progress")
	}
}

func (p *progress) Note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar != nil {
		_ = p.bar.Clear()
		fmt.Fprintln(p.w, msg)
		_ = p.bar.RenderBlank()
		return
	}
	p.log.Info().Str("phase", p.phase).Msg(msg)
}

// Waiting reports a rate-limit pause.
func (p *progress) Waiting(platform, endpoint string, until time.Time) {
	p.Note(fmt.Sprintf("rate limited on %s %s, resuming at %s", platform, endpoint, until.Local().Format("15:04:05")))
}

// Retrying reports a bounded retry (debug level: retries are routine).
func (p *progress) Retrying(platform, op string, attempt int, err error) {
	p.log.Debug().Str("platform", platform).Str("op", op).Int("attempt", attempt).Err(err).Msg("retrying")
}

// Finish removes the bar.
func (p *progress) Finish() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.finishBar()
	if !p.tty && p.phase != "" {
		p.log.Info().Str("phase", p.phase).Int("done", p.done).Int("posts", p.posts).Int("flagged", p.flagged).
			Dur("took", time.Since(p.start)).Msg("phase finished")
	}
	p.phase = ""
}

func (p *progress) finishBar() {
	if p.bar != nil {
		_ = p.bar.Finish()
		p.bar = nil
	}
}
