package jobs

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/salescrm/crm/internal/slots"
)

// Fair is the worker middleware that keeps a queue fair between companies:
// a company may run at most its queue's PerCompany jobs at once in this
// process. A job whose company is at its limit is snoozed briefly, without
// running and without using up an attempt, and its worker takes the next
// job, so the rest of the queue's workers stay free for other companies.
//
// Why it works with River's fetch order (priority, scheduled_at, id): a
// snoozed job gets a later scheduled_at, so it goes behind every job that
// was waiting when it was snoozed, another company's included. A company
// with a backlog of N jobs therefore delays another company's job by one
// pass over the part of that backlog ahead of it, at MaxWorkers-PerCompany
// jobs per fetch (milliseconds each), never by the backlog's run time.
// The snooze grows with the job's snoozes (up to maxFairSnooze, with
// jitter) so a large backlog is not re-fetched in a tight loop.
//
// Limits: the count is per process (slots.Limiter), so with S servers a
// company may run S×PerCompany jobs of a queue at once (the queue has
// S×MaxWorkers); it is still a share, not the whole queue. A job that
// carries no company_id is not limited (platform jobs).
type Fair struct {
	river.MiddlewareDefaults
	limits map[string]*slots.Limiter[uuid.UUID]
}

// maxFairSnooze bounds how long a job waits behind its own company's jobs
// before it looks again.
const maxFairSnooze = 10 * time.Second

// NewFair returns the middleware for queues.
func NewFair(queues map[string]Queue) *Fair {
	f := &Fair{limits: map[string]*slots.Limiter[uuid.UUID]{}}
	for name, q := range queues {
		if q.PerCompany > 0 {
			f.limits[name] = slots.New[uuid.UUID](q.PerCompany)
		}
	}
	return f
}

// Work implements rivertype.WorkerMiddleware.
func (f *Fair) Work(ctx context.Context, job *rivertype.JobRow, doInner func(context.Context) error) error {
	l := f.limits[job.Queue]
	if l == nil {
		return doInner(ctx)
	}
	company, ok := companyOf(job.EncodedArgs)
	if !ok {
		return doInner(ctx)
	}
	release, ok := l.TryAcquire(company)
	if !ok {
		return river.JobSnooze(fairSnooze(snoozes(job)))
	}
	defer release()
	return doInner(ctx)
}

// Running is how many jobs of queue the company runs in this process now.
func (f *Fair) Running(queue string, company uuid.UUID) int {
	if l := f.limits[queue]; l != nil {
		return l.Held(company)
	}
	return 0
}

// fairSnooze is 1s plus half a second per earlier snooze, at most
// maxFairSnooze, ±20%.
func fairSnooze(n int) time.Duration {
	d := min(time.Second+time.Duration(n)*500*time.Millisecond, maxFairSnooze)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}

// snoozes reads River's snooze count from the job's metadata.
func snoozes(job *rivertype.JobRow) int {
	var m struct {
		Snoozes int `json:"snoozes"`
	}
	_ = json.Unmarshal(job.Metadata, &m)
	return m.Snoozes
}
