// Package secrets encrypts a company's provider secrets (Twilio auth token,
// SMTP password) at rest with AES-256-GCM under the server key
// (CRM_SECRET_KEY), per DESIGN.md §3.8. The key id is stored beside the
// ciphertext so keys can rotate: Seal always uses the current key, Open uses
// whichever key the value names. The company id is the additional
// authenticated data, so a sealed value copied to another company's row
// does not open.
package secrets

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/google/uuid"
)

// ErrCannotOpen is returned for a value that is malformed, sealed under an
// unknown key, tampered with, or sealed for another company.
var ErrCannotOpen = errors.New("secrets: cannot open sealed value")

// Box seals and opens values.
type Box struct {
	current string
	aeads   map[string]cipher.AEAD
	macKeys map[string][]byte // per key id, derived for signing (never the encryption key itself)
}

// NewBox returns a box sealing with the key named currentID; old keys (id →
// 32-byte key) still open values sealed under them.
func NewBox(currentID string, current []byte, old map[string][]byte) (*Box, error) {
	b := &Box{current: currentID, aeads: map[string]cipher.AEAD{}, macKeys: map[string][]byte{}}
	add := func(id string, key []byte) error {
		if id == "" || strings.Contains(id, ":") {
			return fmt.Errorf("secrets: key id %q must be non-empty and without ':'", id)
		}
		if len(key) != 32 {
			return fmt.Errorf("secrets: key %q must be 32 bytes", id)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return err
		}
		b.aeads[id] = aead
		m := hmac.New(sha256.New, key)
		m.Write([]byte("crm signing key v1"))
		b.macKeys[id] = m.Sum(nil)
		return nil
	}
	for id, key := range old {
		if err := add(id, key); err != nil {
			return nil, err
		}
	}
	if err := add(currentID, current); err != nil {
		return nil, err
	}
	return b, nil
}

// Seal encrypts plaintext for a company: "v1:<key id>:<base64(nonce|ciphertext)>".
func (b *Box) Seal(companyID uuid.UUID, plaintext string) (string, error) {
	aead := b.aeads[b.current]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("secrets: nonce: %w", err)
	}
	sealed := aead.Seal(nonce, nonce, []byte(plaintext), companyID[:])
	return "v1:" + b.current + ":" + base64.RawStdEncoding.EncodeToString(sealed), nil
}

// Open decrypts a value sealed for the company.
func (b *Box) Open(companyID uuid.UUID, value string) (string, error) {
	parts := strings.SplitN(value, ":", 3)
	if len(parts) != 3 || parts[0] != "v1" {
		return "", ErrCannotOpen
	}
	aead, ok := b.aeads[parts[1]]
	if !ok {
		return "", ErrCannotOpen
	}
	raw, err := base64.RawStdEncoding.DecodeString(parts[2])
	if err != nil || len(raw) < aead.NonceSize() {
		return "", ErrCannotOpen
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], companyID[:])
	if err != nil {
		return "", ErrCannotOpen
	}
	return string(plain), nil
}

// NeedsRotation reports whether a value is sealed under an old key.
func (b *Box) NeedsRotation(value string) bool {
	parts := strings.SplitN(value, ":", 3)
	return len(parts) != 3 || parts[1] != b.current
}

// KeyID returns the id a sealed value names, or "" when it is malformed.
func KeyID(value string) string {
	parts := strings.SplitN(value, ":", 3)
	if len(parts) != 3 || parts[0] != "v1" {
		return ""
	}
	return parts[1]
}

// Has reports whether the box holds the key with id.
func (b *Box) Has(id string) bool { _, ok := b.aeads[id]; return ok }

// Current is the id of the key new values are sealed under.
func (b *Box) Current() string { return b.current }

// Reseal opens value and seals it again under the current key.
func (b *Box) Reseal(companyID uuid.UUID, value string) (string, error) {
	plain, err := b.Open(companyID, value)
	if err != nil {
		return "", err
	}
	return b.Seal(companyID, plain)
}

// Sign returns an HMAC-SHA256 of msg for purpose under a key derived from
// the current key: "<key id>.<base64url mac>". Purposes keep a signature
// made for one use (a device cookie) from being valid for another.
func (b *Box) Sign(purpose string, msg []byte) string {
	return b.current + "." + base64.RawURLEncoding.EncodeToString(b.mac(b.current, purpose, msg))
}

// Verify checks a signature made by Sign, under the current or an old key.
func (b *Box) Verify(purpose string, msg []byte, sig string) bool {
	id, enc, ok := strings.Cut(sig, ".")
	if !ok {
		return false
	}
	if _, known := b.macKeys[id]; !known {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(enc)
	return err == nil && hmac.Equal(got, b.mac(id, purpose, msg))
}

func (b *Box) mac(id, purpose string, msg []byte) []byte {
	m := hmac.New(sha256.New, b.macKeys[id])
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(msg)
	return m.Sum(nil)
}

// A Holder is a package that keeps sealed values in its tables. The server
// checks every holder's key ids at start (a value under a key it does not
// have would fail at the first use, say every webhook of a company), and
// `crm secrets rotate` re-seals every holder's values under the current key.
type Holder interface {
	// Name says what the values are ("Twilio auth tokens").
	Name() string
	// KeyIDs counts the stored values per key id ("" for malformed ones).
	KeyIDs(ctx context.Context) (map[string]int, error)
	// Reseal re-seals every value not under the current key, calling
	// progress after each one, and returns how many it re-sealed.
	Reseal(ctx context.Context, progress func()) (int, error)
}

// CheckKeys fails when any holder has a value sealed under a key id the box
// lacks, naming the holder, the key id and how many values.
func CheckKeys(ctx context.Context, b *Box, holders []Holder) error {
	var missing []string
	for _, h := range holders {
		ids, err := h.KeyIDs(ctx)
		if err != nil {
			return fmt.Errorf("read %s: %w", h.Name(), err)
		}
		for id, n := range ids {
			if !b.Has(id) {
				missing = append(missing, fmt.Sprintf("%d %s sealed under key %q", n, h.Name(), id))
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return fmt.Errorf("secrets: %s; give that key in CRM_SECRET_KEYS_OLD (id:key), or CRM_SECRET_KEY", strings.Join(missing, "; "))
	}
	return nil
}
