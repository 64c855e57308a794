package app

import (
	"time"

	"github.com/riverqueue/river"

	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/imports"
)

// registerWorkers adds every domain package's job workers. Each tenant job's
// arguments carry company_id and its worker opens the company's tenant
// transaction.
func registerWorkers(a *App) {
	river.AddWorker(a.Workers, &auth.PruneWorker{Service: a.Auth})
	river.AddWorker(a.Workers, &imports.Worker{Service: a.Imports})
}

// periodicJobs are run by whichever server is River's leader.
func periodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(10*time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return auth.PruneArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
}
