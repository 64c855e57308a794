package app

import (
	"time"

	"github.com/riverqueue/river"

	"github.com/salescrm/crm/internal/auth"
	"github.com/salescrm/crm/internal/calls"
	"github.com/salescrm/crm/internal/imports"
	"github.com/salescrm/crm/internal/jobs"
	"github.com/salescrm/crm/internal/sms"
	"github.com/salescrm/crm/internal/trash"
)

// registerWorkers adds every domain package's job workers. Each tenant job's
// arguments carry company_id and its worker opens the company's tenant
// transaction.
func registerWorkers(a *App) {
	jobs.AddPlatformWorker(a.Workers, &auth.PruneWorker{Service: a.Auth})
	jobs.AddTenantWorker(a.Workers, &imports.Worker{Service: a.Imports})
	jobs.AddPlatformWorker(a.Workers, &imports.ExpireWorker{Service: a.Imports})
	jobs.AddTenantWorker(a.Workers, &sms.SendWorker{Service: a.SMS})
	jobs.AddTenantWorker(a.Workers, &sms.SimulateWorker{Service: a.SMS})
	jobs.AddTenantWorker(a.Workers, &calls.SimulateWorker{Service: a.Calls})
	jobs.AddPlatformWorker(a.Workers, &trash.SweepWorker{Service: a.Trash})
	jobs.AddTenantWorker(a.Workers, &trash.PurgeWorker{Service: a.Trash})
}

// periodicJobs are run by whichever server is River's leader.
func periodicJobs() []*river.PeriodicJob {
	return []*river.PeriodicJob{
		river.NewPeriodicJob(river.PeriodicInterval(10*time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return auth.PruneArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return imports.ExpireArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
		// The trash keeps deleted records for 30 days; a daily sweep queues
		// each company's purge. RunOnStart, since a leader that restarts
		// more often than daily would otherwise never reach the interval.
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour),
			func() (river.JobArgs, *river.InsertOpts) { return trash.SweepArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true}),
	}
}
