// Package secrets encrypts a company's provider secrets (Twilio auth token,
// SMTP password) at rest with AES-256-GCM under the server key
// (CRM_SECRET_KEY), per DESIGN.md §3.8. The key id is stored beside the
// ciphertext so keys can rotate: Seal always uses the current key, Open uses
// whichever key the value names. The company id is the additional
// authenticated data, so a sealed value copied to another company's row
// does not open.
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
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
}

// NewBox returns a box sealing with the key named currentID; old keys (id →
// 32-byte key) still open values sealed under them.
func NewBox(currentID string, current []byte, old map[string][]byte) (*Box, error) {
	b := &Box{current: currentID, aeads: map[string]cipher.AEAD{}}
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
