package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/salescrm/crm/internal/errs"
)

// PasswordParams are the argon2id parameters. Tests use cheaper ones.
type PasswordParams struct {
	Memory      uint32 // KiB
	Iterations  uint32
	Parallelism uint8
	SaltLength  uint32
	KeyLength   uint32
}

// DefaultPasswordParams follow RFC 9106's second recommendation, scaled to
// the machine: 64 MiB, 1 pass, all cores up to 4.
func DefaultPasswordParams() *PasswordParams {
	return &PasswordParams{Memory: 64 * 1024, Iterations: 1, Parallelism: uint8(min(runtime.NumCPU(), 4)),
		SaltLength: 16, KeyLength: 32}
}

// errBadHash is a stored hash this code cannot read.
var errBadHash = errors.New("auth: stored password hash is not a readable argon2id hash")

// Hasher hashes and verifies passwords in a bounded number of slots. Each
// argon2id computation takes Memory KiB for its duration, so without a bound
// enough parallel logins or sign-ups exhaust the server's memory; with one, a
// request that cannot get a slot within Wait answers 503 with Retry-After.
type Hasher struct {
	params *PasswordParams
	slots  chan struct{}
	wait   time.Duration
	// dummy is verified against when the email is unknown, with the same
	// parameters as real hashes, so the answer takes as long either way.
	dummy string
}

// NewHasher returns a hasher with the given parameters and slots (0: one per CPU).
func NewHasher(p *PasswordParams, slots int, wait time.Duration) *Hasher {
	if slots <= 0 {
		slots = runtime.NumCPU()
	}
	if wait <= 0 {
		wait = 2 * time.Second
	}
	h := &Hasher{params: p, slots: make(chan struct{}, slots), wait: wait}
	h.dummy = encodeHash(p, make([]byte, p.SaltLength), argon2.IDKey([]byte("not the password"),
		make([]byte, p.SaltLength), p.Iterations, p.Memory, p.Parallelism, p.KeyLength))
	return h
}

// errBusy answers a request that found every hashing slot taken.
var errBusy = &errs.Error{Code: errs.Unavailable, Message: "the server is busy; try again in a moment", RetryAfter: 2 * time.Second}

func (h *Hasher) acquire(ctx context.Context) (func(), error) {
	t := time.NewTimer(h.wait)
	defer t.Stop()
	select {
	case h.slots <- struct{}{}:
		return func() { <-h.slots }, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Hash returns the PHC-encoded argon2id hash of password
// ("$argon2id$v=19$m=…,t=…,p=…$salt$key", the format stored hashes use).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	release, err := h.acquire(ctx)
	if err != nil {
		return "", err
	}
	defer release()
	salt := make([]byte, h.params.SaltLength)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	p := h.params
	return encodeHash(p, salt, argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, p.KeyLength)), nil
}

// Verify reports whether password matches the stored hash; an empty hash
// (unknown email) is checked against the dummy hash and never matches.
func (h *Hasher) Verify(ctx context.Context, password, hash string) (bool, error) {
	known := hash != ""
	if !known {
		hash = h.dummy
	}
	p, salt, key, err := decodeHash(hash)
	if err != nil {
		return false, err
	}
	release, err := h.acquire(ctx)
	if err != nil {
		return false, err
	}
	defer release()
	got := argon2.IDKey([]byte(password), salt, p.Iterations, p.Memory, p.Parallelism, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1 && known, nil
}

func encodeHash(p *PasswordParams, salt, key []byte) string {
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Iterations, p.Parallelism,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

func decodeHash(hash string) (*PasswordParams, []byte, []byte, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return nil, nil, nil, errBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return nil, nil, nil, errBadHash
	}
	p := &PasswordParams{}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Iterations, &p.Parallelism); err != nil {
		return nil, nil, nil, errBadHash
	}
	// Bounds keep a corrupted or planted hash from asking for unbounded memory.
	if p.Memory == 0 || p.Memory > 1<<20 || p.Iterations == 0 || p.Iterations > 16 || p.Parallelism == 0 {
		return nil, nil, nil, errBadHash
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return nil, nil, nil, errBadHash
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 128 {
		return nil, nil, nil, errBadHash
	}
	return p, salt, key, nil
}
