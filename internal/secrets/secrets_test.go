package secrets

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/uuid"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func TestSealOpenRotateAndRefuse(t *testing.T) {
	a, c := uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7())
	old, err := NewBox("k1", key(1), nil)
	if err != nil {
		t.Fatal(err)
	}
	sealed, err := old.Seal(a, "twilio-auth-token")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "twilio") || !strings.HasPrefix(sealed, "v1:k1:") {
		t.Fatalf("sealed value %q", sealed)
	}
	again, _ := old.Seal(a, "twilio-auth-token")
	if again == sealed {
		t.Fatal("two seals of one value are equal: the nonce is not random")
	}
	if got, err := old.Open(a, sealed); err != nil || got != "twilio-auth-token" {
		t.Fatalf("open: %q %v", got, err)
	}
	// Bound to the company: another company's row cannot use it.
	if _, err := old.Open(c, sealed); !errors.Is(err, ErrCannotOpen) {
		t.Fatalf("opened for another company: %v", err)
	}
	// Tampering is detected.
	b := []byte(sealed)
	b[len(b)-3] ^= 1
	if _, err := old.Open(a, string(b)); !errors.Is(err, ErrCannotOpen) {
		t.Fatalf("opened a tampered value: %v", err)
	}
	// After rotation, old values still open and new ones use the new key.
	rotated, err := NewBox("k2", key(2), map[string][]byte{"k1": key(1)})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open(a, sealed); err != nil || got != "twilio-auth-token" || !rotated.NeedsRotation(sealed) {
		t.Fatalf("open after rotation: %q %v", got, err)
	}
	fresh, _ := rotated.Seal(a, "x")
	if !strings.HasPrefix(fresh, "v1:k2:") || rotated.NeedsRotation(fresh) {
		t.Fatalf("fresh value %q", fresh)
	}
	// A box without the old key refuses.
	only2, _ := NewBox("k2", key(2), nil)
	for _, v := range []string{sealed, "garbage", "v1:k2:!!", "v2:k2:AAAA", ""} {
		if _, err := only2.Open(a, v); !errors.Is(err, ErrCannotOpen) {
			t.Errorf("opened %q: %v", v, err)
		}
	}
	if _, err := NewBox("k:1", key(1), nil); err == nil {
		t.Error("a key id with ':' was accepted")
	}
	if _, err := NewBox("k1", key(1)[:16], nil); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}
