package telephony

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"regexp"
	"sync"

	"github.com/google/uuid"
	"github.com/nyaruka/phonenumbers"

	"github.com/salescrm/crm/internal/db"
	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// Simulated numbers come from the North American fictional range: in every
// area code, 555-0100 through 555-0199 are reserved for fiction and never
// assigned to a subscriber, so a simulated number can never be somebody's
// real Twilio number (docs/decisions.md).
var simulatedRE = regexp.MustCompile(`^\+1[2-9][0-9]{2}55501[0-9]{2}$`)

// IsSimulatedNumber reports whether e164 is in the simulated range.
func IsSimulatedNumber(e164 string) bool { return simulatedRE.MatchString(e164) }

// MaxSimulatedNumbers bounds the simulated numbers of one company: the range
// is shared by every company on the platform.
const MaxSimulatedNumbers = 10

// simulatedAreaCodes are the US area codes where libphonenumber reads
// NPA-555-01XX as a valid US number (so the numbers format, search and pass
// the country allowlist like any US number): about 300 area codes, 100
// numbers each.
var simulatedAreaCodes = sync.OnceValue(func() []string {
	var out []string
	for npa := 201; npa <= 989; npa++ {
		n, err := phonenumbers.Parse(fmt.Sprintf("+1%d5550100", npa), "US")
		if err == nil && phonenumbers.IsValidNumber(n) && phonenumbers.GetRegionCodeForNumber(n) == "US" {
			out = append(out, fmt.Sprint(npa))
		}
	}
	return out
})

func randomInt(n int) int {
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return int(v.Int64())
}

// ErrNoSimulatedNumber is a full simulated range (or a company at its cap).
var ErrNoSimulatedNumber = errs.E(errs.Conflict, "no simulated number is free right now; remove one of the company's simulated numbers, or try again")

// allocateSimulated claims a free simulated number for the company: random
// picks, each claimed with the route table's primary key deciding, so
// concurrent allocations never get the same number.
func (s *Service) allocateSimulated(ctx context.Context, q *db.Q, companyID uuid.UUID) (string, error) {
	n, err := q.CountPhoneNumbers(ctx, companyID)
	if err != nil {
		return "", fmt.Errorf("count numbers: %w", err)
	}
	if n >= MaxSimulatedNumbers {
		return "", errs.E(errs.Conflict, "a company on the simulator has at most %d numbers", MaxSimulatedNumbers)
	}
	codes := simulatedAreaCodes()
	for range 40 {
		num := fmt.Sprintf("+1%s55501%02d", codes[randomInt(len(codes))], randomInt(100))
		claimed, err := q.ClaimRoute(ctx, dbq.ClaimRouteParams{Number: num, CompanyID: companyID, AccountSid: ""})
		if err != nil {
			return "", fmt.Errorf("claim route %s: %w", num, err)
		}
		if claimed == 1 {
			return num, nil
		}
	}
	return "", ErrNoSimulatedNumber
}
