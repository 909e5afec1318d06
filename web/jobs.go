package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/psd-tools/exposure/store"
)

// Job is a scheduled task the server runs in-process, such as the sweep or
// the recheck of due referrals. Run should return when ctx is cancelled.
type Job struct {
	Name  string
	Every time.Duration
	Run   func(ctx context.Context) error
}

// JobStatus is what the dashboard shows about a job.
type JobStatus struct {
	Name      string        `json:"name"`
	Every     time.Duration `json:"every"`
	Running   bool          `json:"running"`
	LastStart time.Time     `json:"last_start"`
	LastEnd   time.Time     `json:"last_end"`
	LastError string        `json:"last_error,omitempty"`
	Next      time.Time     `json:"next"`
	Runs      int           `json:"runs"` // runs by this process
}

// OK reports whether the last run finished without error.
func (s JobStatus) OK() bool { return !s.LastEnd.IsZero() && s.LastError == "" }

// retryAfter is how soon a failed run is tried again (or Every, if
// shorter): a failed sweep should not wait a week.
const retryAfter = time.Hour

// scheduler runs jobs on their schedules. The time of each job's last run
// is kept in kv.jobs, so a restarted server does not run a weekly sweep
// again straight away; a job that never ran is due at once.
type scheduler struct {
	kv   *store.KV
	log  zerolog.Logger
	now  func() time.Time
	jobs []Job

	mu     sync.Mutex
	status map[string]*JobStatus
	kick   map[string]chan struct{}
}

func newScheduler(db *store.DB, log zerolog.Logger, now func() time.Time, jobs []Job) (*scheduler, error) {
	s := &scheduler{kv: db.KV("jobs"), log: log, now: now, jobs: jobs,
		status: map[string]*JobStatus{}, kick: map[string]chan struct{}{}}
	for _, j := range jobs {
		if j.Name == "" || j.Every <= 0 || j.Run == nil {
			return nil, fmt.Errorf("job %q: needs a name, a positive interval and a Run function", j.Name)
		}
		if _, dup := s.status[j.Name]; dup {
			return nil, fmt.Errorf("job %q: defined twice", j.Name)
		}
		st := &JobStatus{Name: j.Name, Every: j.Every}
		raw, err := s.kv.Get([]byte(j.Name))
		if err != nil {
			return nil, err
		}
		if raw != nil {
			if err := json.Unmarshal(raw, st); err != nil {
				return nil, fmt.Errorf("job %q: bad history record: %w", j.Name, err)
			}
			st.Every, st.Running, st.Runs = j.Every, false, 0
		}
		st.Next = s.nextAfter(st, now())
		s.status[j.Name] = st
		s.kick[j.Name] = make(chan struct{}, 1)
	}
	return s, nil
}

// nextAfter is when a job is next due, given its history.
func (s *scheduler) nextAfter(st *JobStatus, now time.Time) time.Time {
	if st.LastStart.IsZero() {
		return now
	}
	if st.LastError != "" {
		return st.LastEnd.Add(min(st.Every, retryAfter))
	}
	return st.LastStart.Add(st.Every)
}

// run runs every job until ctx is cancelled, then waits for running jobs
// to return.
func (s *scheduler) run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range s.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.loop(ctx, j)
		}()
	}
	wg.Wait()
}

func (s *scheduler) loop(ctx context.Context, j Job) {
	for {
		s.mu.Lock()
		wait := s.status[j.Name].Next.Sub(s.now())
		s.mu.Unlock()
		t := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		case <-s.kick[j.Name]:
			t.Stop()
		}
		s.runOnce(ctx, j)
	}
}

func (s *scheduler) runOnce(ctx context.Context, j Job) {
	start := s.now()
	s.mu.Lock()
	st := s.status[j.Name]
	st.Running, st.LastStart = true, start
	s.mu.Unlock()
	log := s.log.With().Str("job", j.Name).Logger()
	log.Info().Msg("job started")
	err := safeRun(ctx, j)
	end := s.now()
	s.mu.Lock()
	st.Running, st.LastEnd, st.Runs = false, end, st.Runs+1
	st.LastError = ""
	if err != nil {
		st.LastError = err.Error()
	}
	st.Next = s.nextAfter(st, end)
	raw, _ := json.Marshal(st)
	s.mu.Unlock()
	ev := log.Info()
	if err != nil {
		ev = log.Error().Err(err)
	}
	ev.Dur("took", end.Sub(start)).Msg("job finished")
	if err := s.kv.Put([]byte(j.Name), raw); err != nil {
		log.Error().Err(err).Msg("job history not saved")
	}
}

// safeRun turns a panic in a job into an error, so one broken job does not
// take the web application down with it.
func safeRun(ctx context.Context, j Job) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return j.Run(ctx)
}

// ErrNoJob means a job name is not scheduled.
var ErrNoJob = errors.New("no such job")

// runNow asks a job to run at once; it is ignored while the job runs.
func (s *scheduler) runNow(name string) error {
	ch, ok := s.kick[name]
	if !ok {
		return ErrNoJob
	}
	s.mu.Lock()
	running := s.status[name].Running
	s.mu.Unlock()
	if running {
		return nil
	}
	select {
	case ch <- struct{}{}:
	default:
	}
	return nil
}

// statuses returns a copy of every job's status, by name.
func (s *scheduler) statuses() []JobStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]JobStatus, 0, len(s.status))
	for _, st := range s.status {
		out = append(out, *st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
