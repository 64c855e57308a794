package jobs

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

type goodArgs struct {
	CompanyID uuid.UUID `json:"company_id"`
}

func (goodArgs) Kind() string          { return "test.good" }
func (a goodArgs) TenantID() uuid.UUID { return a.CompanyID }

type badArgs struct {
	Company uuid.UUID `json:"company"`
}

func (badArgs) Kind() string          { return "test.bad" }
func (a badArgs) TenantID() uuid.UUID { return a.Company }

type goodWorker struct{ river.WorkerDefaults[goodArgs] }

func (goodWorker) Work(context.Context, *river.Job[goodArgs]) error { return nil }

type badWorker struct{ river.WorkerDefaults[badArgs] }

func (badWorker) Work(context.Context, *river.Job[badArgs]) error { return nil }

func TestTenantWorkersMustEncodeCompany(t *testing.T) {
	w := river.NewWorkers()
	AddTenantWorker(w, &goodWorker{})
	defer func() {
		if recover() == nil {
			t.Fatal("a tenant job kind without company_id was registered")
		}
	}()
	AddTenantWorker(w, &badWorker{})
}

// TestFairSnoozesBeyondTheShare checks the middleware alone: a company's
// jobs beyond its share are snoozed without running, another company's run.
func TestFairSnoozesBeyondTheShare(t *testing.T) {
	f := NewFair(map[string]Queue{"q": {MaxWorkers: 4, PerCompany: 1}})
	a, b := uuid.New(), uuid.New()
	job := func(c uuid.UUID) *rivertype.JobRow {
		return &rivertype.JobRow{Queue: "q", EncodedArgs: mustJSON(goodArgs{CompanyID: c}), Metadata: []byte(`{}`)}
	}
	hold, done := make(chan struct{}), make(chan error, 1)
	go func() {
		done <- f.Work(context.Background(), job(a), func(context.Context) error { <-hold; return nil })
	}()
	for f.Running("q", a) == 0 { // the first job takes A's slot
		time.Sleep(time.Millisecond)
	}
	ran := false
	err := f.Work(context.Background(), job(a), func(context.Context) error { ran = true; return nil })
	var snooze *rivertype.JobSnoozeError
	if ran || err == nil || !asSnooze(err, &snooze) || snooze.Duration <= 0 || snooze.Duration > maxFairSnooze {
		t.Fatalf("A's second job: ran %v, %v", ran, err)
	}
	if err := f.Work(context.Background(), job(b), func(context.Context) error { ran = true; return nil }); err != nil || !ran {
		t.Fatalf("B's job: ran %v, %v", ran, err)
	}
	close(hold)
	if err := <-done; err != nil || f.Running("q", a) != 0 {
		t.Fatalf("A's first job: %v, %d running", err, f.Running("q", a))
	}
}

func asSnooze(err error, target **rivertype.JobSnoozeError) bool { return errors.As(err, target) }
