package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters, stored with every hash (PHC
// string) so they can be raised later without invalidating old passwords.
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32
	KeyLen  uint32
}

// DefaultArgon2 is RFC 9106's second recommended option (64 MiB) with two
// lanes for a 2-core server and three passes: about 90 ms per hash there
// (auth's BenchmarkHashPassword), slow for a guesser, invisible to a person
// logging in. Hashes run at most two at a time (Service), so a burst of
// logins costs at most 128 MiB and never starves calls of both cores.
var DefaultArgon2 = Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// ErrBadHash means a stored password hash cannot be read.
var ErrBadHash = errors.New("password hash: not an argon2id PHC string")

var b64 = base64.RawStdEncoding

// HashPassword returns the argon2id PHC string of password with a fresh
// random salt: $argon2id$v=19$m=65536,t=3,p=2$SALT$HASH.
func HashPassword(password string, p Argon2Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword says whether password matches the PHC string encoded, in
// constant time over the derived key. An unreadable hash is ErrBadHash.
func VerifyPassword(encoded, password string) (bool, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return false, ErrBadHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false, ErrBadHash
	}
	var p Argon2Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Memory < 8 || p.Memory > 1<<22 || p.Time < 1 || p.Time > 64 || p.Threads < 1 {
		// Bounds: a tampered row must not make one login allocate 4 GiB or spin.
		return false, ErrBadHash
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return false, ErrBadHash
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false, ErrBadHash
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
