package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

// TokenPrefix starts every bearer token, so a leaked one is recognisable
// (secret scanners, log review) and never mistaken for a session value.
const TokenPrefix = "dzv_"

// newSecret returns 32 random bytes, URL-safe base64, after prefix.
func newSecret(prefix string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("new secret: %w", err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// secretHash is what the store keeps of a token or session value. SHA-256
// and no slow hash: the secret has 256 random bits, so there is nothing to
// guess from a stolen hash that a slow hash would protect, and every API
// request looks its token up by this hash (an argon2 per request would cost
// 90 ms of CPU each).
func secretHash(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// sameSecret compares two secrets in constant time.
func sameSecret(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
