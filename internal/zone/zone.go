// Package zone turns companies' time zone names into locations.
package zone

import (
	"sync"
	"time"
)

var locations sync.Map // zone name → *time.Location

// Location returns the named zone, loaded once per process (loading parses
// the zoneinfo file, and company zones are read on every request that
// works with days or quiet hours). An unknown name, "" and "Local" are UTC:
// a company's zone is checked when it is saved, so these do not occur.
func Location(name string) *time.Location {
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location)
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "" || name == "Local" {
		return time.UTC
	}
	locations.Store(name, loc)
	return loc
}
