// Package deals owns deals, their stage history and the kanban board.
package deals

import "github.com/salescrm/crm/internal/db"

// Service manages deals.
type Service struct {
	db *db.DB
}

// NewService returns the service.
func NewService(d *db.DB) *Service { return &Service{db: d} }
