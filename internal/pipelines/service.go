// Package pipelines owns sales pipelines and their ordered stages.
package pipelines

import "github.com/salescrm/crm/internal/db"

// Service manages pipelines.
type Service struct {
	db *db.DB
}

// NewService returns the service.
func NewService(d *db.DB) *Service { return &Service{db: d} }
