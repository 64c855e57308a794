// Package cursor makes the opaque ?cursor= values of keyset-paginated lists:
// a list's position (its sort value and the last id) as URL-safe base64 of
// JSON. Opaque to clients; each list validates what it decodes.
package cursor

import (
	"encoding/base64"
	"encoding/json"
)

// Encode returns the cursor for position v (a small struct).
func Encode(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // positions are plain structs; they always marshal
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// Decode reads a cursor made by Encode into v.
func Decode(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}
