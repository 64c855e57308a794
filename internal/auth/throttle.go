package auth

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/salescrm/crm/internal/db/dbq"
	"github.com/salescrm/crm/internal/errs"
)

// ThrottleLimits bound guesses at a secret within a window. Counters live in
// PostgreSQL so every app server agrees.
//
// A login from a browser that has signed in to that account before (it holds
// a device cookie signed for the email) is counted on that device alone, so
// nobody can lock a person out of their usual browser by failing logins
// from elsewhere. Any other login is counted per email and address together
// (a small allowance: one attacker at one address), per email from every
// address (larger: a distributed guess), and per address across emails (so
// one address cannot try many accounts). A shared office address that is
// throttled still lets in everyone whose browser has signed in before.
type ThrottleLimits struct {
	PerEmailAddress int // untrusted guesses at one email from one address
	PerEmail        int // untrusted guesses at one email from all addresses
	PerIP           int // untrusted guesses from one address at any email
	PerDevice       int // guesses from a browser that signed in to the email before
	PerCode         int // wrong two-step codes per account
	Window          time.Duration
	SignupsPerIP    int // sign-ups and new accounts from invites, per address
	SignupWindow    time.Duration
	// BadSecretsPerIP bounds wrong invite links, session cookies and API
	// tokens per address: they cannot be guessed (256 bits), but trying
	// costs us work and fills logs.
	BadSecretsPerIP int
}

// DefaultThrottle is the production policy.
var DefaultThrottle = ThrottleLimits{PerEmailAddress: 5, PerEmail: 50, PerIP: 20, PerDevice: 10, PerCode: 5,
	Window: 15 * time.Minute, SignupsPerIP: 10, SignupWindow: time.Hour, BadSecretsPerIP: 100}

// throttleKey is one counter an attempt is recorded on.
type throttleKey struct {
	key    string
	limit  int
	window time.Duration
}

// attempt is one recorded guess. Its keys were incremented before the secret
// was checked; Succeeded takes the guess back off the counters that must not
// punish a right answer and clears those that a right answer proves safe.
type attempt struct {
	s    *Service
	keys []throttleKey
	// clear lists the keys a success resets (the email+address pair, the device).
	clear []string
}

// record counts one attempt on every key first and only then compares with
// the limits, in one statement per key (INSERT … ON CONFLICT DO UPDATE …
// RETURNING, serialised by the row lock), so concurrent guesses see each
// other: N parallel wrong guesses cannot all pass a check made before any of
// them was counted. A throttled attempt is refused before the secret is
// looked at.
func (s *Service) record(ctx context.Context, keys []throttleKey, clear ...string) (*attempt, error) {
	now := s.now()
	q := s.db.Platform()
	var retry time.Duration
	for _, k := range keys {
		row, err := q.HitThrottle(ctx, dbq.HitThrottleParams{Key: k.key, Now: now, WindowFloor: now.Add(-k.window)})
		if err != nil {
			return nil, fmt.Errorf("record attempt: %w", err)
		}
		if int(row.Hits) > k.limit {
			retry = max(retry, row.WindowStart.Add(k.window).Sub(now))
		}
	}
	if retry > 0 {
		return nil, &errs.Error{Code: errs.Throttled, Message: "too many attempts; try again later", RetryAfter: max(retry, time.Second)}
	}
	return &attempt{s: s, keys: keys, clear: clear}, nil
}

// Succeeded takes the attempt back off its counters: a right answer is not a guess.
func (a *attempt) Succeeded(ctx context.Context) error {
	q := a.s.db.Platform()
	for _, k := range a.keys {
		if err := q.UndoThrottle(ctx, k.key); err != nil {
			return fmt.Errorf("undo attempt: %w", err)
		}
	}
	for _, k := range a.clear {
		if err := q.ClearThrottle(ctx, k); err != nil {
			return fmt.Errorf("clear throttle: %w", err)
		}
	}
	return nil
}

// loginKeys are the counters of a login attempt for email from cl; device is
// the id of a device cookie the browser holds for this email, or "".
func (s *Service) loginKeys(email string, cl Client, device string) ([]throttleKey, []string) {
	t := s.Throttle
	if device != "" {
		k := "device:" + device
		return []throttleKey{{k, t.PerDevice, t.Window}}, []string{k}
	}
	pair := "email_ip:" + email + "|" + cl.IP
	return []throttleKey{{pair, t.PerEmailAddress, t.Window}, {"email:" + email, t.PerEmail, t.Window},
		{"ip:" + cl.IP, t.PerIP, t.Window}}, []string{pair}
}

// secretKeys count wrong secrets (links, cookies, tokens) from one address.
func (s *Service) secretKeys(cl Client) []throttleKey {
	return []throttleKey{{"secret:" + cl.IP, s.Throttle.BadSecretsPerIP, s.Throttle.Window}}
}

// refuseSecret records a wrong secret from cl and answers err, or 429 once
// the address has sent too many. Right secrets cost nothing: only failures
// are written, so the request path of a valid session stays one query.
func (s *Service) refuseSecret(ctx context.Context, cl Client, err error) error {
	if _, terr := s.record(ctx, s.secretKeys(cl)); terr != nil {
		return terr
	}
	return err
}

// signupKeys count the accounts made from one address.
func (s *Service) signupKeys(cl Client) []throttleKey {
	return []throttleKey{{"signup:" + cl.IP, s.Throttle.SignupsPerIP, s.Throttle.SignupWindow}}
}

// checkPassword is the one function that checks a password: every path that
// does (login, password change, turning two-step sign-in off) comes through
// it. It records the attempt on keys before hashing, refuses it when any key
// is over its limit (errs.Throttled), hashes in a bounded slot (errs.Unavailable
// when none frees up), and answers errs.Unauthorized with message for a wrong
// password or an unknown account (hash ""), which take as long as a right one.
func (s *Service) checkPassword(ctx context.Context, keys []throttleKey, clear []string, hash, password, message string) error {
	a, err := s.record(ctx, keys, clear...)
	if err != nil {
		return err
	}
	ok, err := s.hasher.Verify(ctx, password, hash)
	if err != nil {
		return fmt.Errorf("verify password: %w", err)
	}
	if !ok {
		return errs.E(errs.Unauthorized, "%s", message)
	}
	return a.Succeeded(ctx)
}

// Prune deletes expired sessions and throttle counters past every window.
func (s *Service) Prune(ctx context.Context) error {
	if _, err := s.db.Platform().DeleteExpiredSessions(ctx, s.now()); err != nil {
		return fmt.Errorf("prune sessions: %w", err)
	}
	window := max(s.Throttle.Window, s.Throttle.SignupWindow)
	if _, err := s.db.Platform().PruneThrottle(ctx, s.now().Add(-window)); err != nil {
		return fmt.Errorf("prune throttle: %w", err)
	}
	return nil
}

func normalizeEmailLoose(email string) string { return strings.ToLower(strings.TrimSpace(email)) }
