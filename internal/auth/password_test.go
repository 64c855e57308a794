package auth

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/salescrm/crm/internal/errs"
)

var cheap = &PasswordParams{Memory: 1024, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func TestHashVerifyRoundTrip(t *testing.T) {
	h := NewHasher(cheap, 2, time.Second)
	ctx := context.Background()
	hash, err := h.Hash(ctx, "correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := h.Verify(ctx, "correct horse battery", hash); err != nil || !ok {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, err := h.Verify(ctx, "wrong horse battery", hash); err != nil || ok {
		t.Fatalf("wrong password: %v %v", ok, err)
	}
	// The unknown-email path never matches, whatever the password.
	if ok, err := h.Verify(ctx, "not the password", ""); err != nil || ok {
		t.Fatalf("dummy: %v %v", ok, err)
	}
}

// Hashes written by github.com/alexedwards/argon2id (which this package
// replaced) keep verifying: same PHC encoding, same algorithm.
func TestStoredHashesKeepVerifying(t *testing.T) {
	h := NewHasher(DefaultPasswordParams(), 1, time.Second)
	for pw, hash := range map[string]string{
		"correct horse battery": "$argon2id$v=19$m=1024,t=2,p=1$h18EnJAhFegtw50c10SYrA$dSNbVOpfBBvACeQYJ1ZzSwTjEIaWsmb+6hiAfCy8XUY",
		"demo-password":         "$argon2id$v=19$m=65536,t=1,p=2$Qaee/bPmyK+LLkgyhiyrEA$vyh3lAWu7qd0nmuzqCoZsmEjBFaLHUkaSkXAFD2aYbg",
	} {
		if ok, err := h.Verify(context.Background(), pw, hash); err != nil || !ok {
			t.Errorf("%s: %v %v", hash, ok, err)
		}
		if ok, _ := h.Verify(context.Background(), pw+"x", hash); ok {
			t.Errorf("%s verified a wrong password", hash)
		}
	}
}

func TestDummyHashUsesTheRealParameters(t *testing.T) {
	h := NewHasher(DefaultPasswordParams(), 1, time.Second)
	p, _, _, err := decodeHash(h.dummy)
	if err != nil {
		t.Fatal(err)
	}
	if *p != (PasswordParams{Memory: h.params.Memory, Iterations: h.params.Iterations, Parallelism: h.params.Parallelism}) {
		t.Fatalf("dummy params %+v, real %+v", p, h.params)
	}
}

func TestHashesThatAskTooMuchAreRefused(t *testing.T) {
	for _, bad := range []string{"plain", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdA$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=1024,t=1000,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5"} {
		if _, err := NewHasher(cheap, 1, time.Second).Verify(context.Background(), "x", bad); !errors.Is(err, errBadHash) {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

// With every slot taken, a hash waits at most the wait and then answers
// "unavailable" (503 with Retry-After), instead of taking more memory.
func TestSlotsAreBounded(t *testing.T) {
	h := NewHasher(cheap, 2, 50*time.Millisecond)
	ctx := context.Background()
	var held []func()
	for range 2 {
		release, err := h.acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, release)
	}
	_, err := h.Hash(ctx, "x")
	var de *errs.Error
	if !errors.As(err, &de) || de.Code != errs.Unavailable || de.RetryAfter <= 0 {
		t.Fatalf("hash with no free slot: %v", err)
	}
	held[0]()
	if _, err := h.Hash(ctx, "x"); err != nil {
		t.Fatalf("hash after a slot freed: %v", err)
	}
	held[1]()

	// Many concurrent hashes never run more than the slots at once.
	var mu sync.Mutex
	running, peak := 0, 0
	var wg sync.WaitGroup
	h = NewHasher(cheap, 2, 10*time.Second)
	for range 20 {
		wg.Go(func() {
			release, err := h.acquire(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			running++
			peak = max(peak, running)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
			release()
		})
	}
	wg.Wait()
	if peak > 2 {
		t.Fatalf("%d hashes ran at once with 2 slots", peak)
	}
}
