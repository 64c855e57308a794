// Package activities owns tasks, notes, logged calls and meetings, and the
// timelines of contacts and deals.
package activities

import "github.com/salescrm/crm/internal/db"

// Service manages activities.
type Service struct {
	db *db.DB
}

// NewService returns the service.
func NewService(d *db.DB) *Service { return &Service{db: d} }
