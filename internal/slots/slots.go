// Package slots bounds how much of one kind of expensive work each company
// (or each queue and company) runs at once, so that one company cannot take
// what all of them share: CSV exports hold a slot while they stream, and the
// jobs' fairness middleware holds one per running job. Later expensive work
// (reports, thumbnails) takes a Limiter of its own.
//
// The count is kept in this process. With several app servers each one
// allows Max, so a company may run Max times the number of servers at once:
// still bounded, and nothing is shared that could be lost or leak when a
// server stops (docs/operations.md).
package slots

import (
	"sync"
	"time"

	"github.com/salescrm/crm/internal/errs"
)

// Limiter allows at most Max holders per key at once. The zero value is not
// usable; make one with New.
type Limiter[K comparable] struct {
	max  int
	mu   sync.Mutex
	held map[K]int
}

// New returns a limiter of n slots per key (at least 1).
func New[K comparable](n int) *Limiter[K] {
	return &Limiter[K]{max: max(n, 1), held: map[K]int{}}
}

// Max is the number of slots per key.
func (l *Limiter[K]) Max() int { return l.max }

// TryAcquire takes a slot for key without waiting. When ok, release must be
// called exactly once (calling it again does nothing).
func (l *Limiter[K]) TryAcquire(key K) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[key] >= l.max {
		return nil, false
	}
	l.held[key]++
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			defer l.mu.Unlock()
			if l.held[key]--; l.held[key] <= 0 {
				delete(l.held, key) // the map holds only keys at work
			}
		})
	}, true
}

// Take is TryAcquire for a caller that answers a full limiter with 429: a
// Throttled error carrying message and Retry-After.
func (l *Limiter[K]) Take(key K, retryAfter time.Duration, message string) (release func(), err error) {
	release, ok := l.TryAcquire(key)
	if !ok {
		return nil, &errs.Error{Code: errs.Throttled, Message: message, RetryAfter: retryAfter}
	}
	return release, nil
}

// Held is how many slots key holds now.
func (l *Limiter[K]) Held(key K) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held[key]
}
