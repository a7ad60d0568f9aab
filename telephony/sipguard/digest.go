package sipguard

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/icholy/digest"
)

// authenticate checks r's digest credentials (RFC 2617, RFC 8760 for
// SHA-256) against the users' HA1 values. diago's DigestAuthServer is not
// used: it needs the plain password, knows MD5 only and keeps every nonce
// it issues in a map, which a flood of unauthenticated INVITEs would grow.
// Nonces here are stateless instead: a timestamp and an HMAC over it and
// the source address, so a challenge costs no memory and is only good from
// the address it was sent to. The hashing itself is icholy/digest's.
func (g *Guard) authenticate(r Request, now time.Time) (string, Verdict) {
	if !digest.IsDigest(r.Authorization) {
		return "", g.challenge(r.Source, now, false)
	}
	cred, err := digest.ParseCredentials(r.Authorization)
	if err != nil {
		return "", Verdict{Code: 400, Reason: "Bad Request (malformed Authorization)", Rule: RuleAuth}
	}
	alg := strings.ToUpper(cred.Algorithm)
	if alg == "" {
		alg = MD5
	}
	if cred.Realm != g.cfg.Realm || !slices.Contains(g.cfg.Algorithms, alg) {
		return "", g.challenge(r.Source, now, false)
	}
	switch g.checkNonce(cred.Nonce, r.Source, now) {
	case nonceForged:
		return "", g.challenge(r.Source, now, false)
	case nonceStale:
		return "", g.challenge(r.Source, now, true)
	}
	forbidden := Verdict{Code: 403, Reason: "Forbidden", Rule: RuleAuth}
	u, ok := g.users[cred.Username]
	if !ok || cred.Userhash || (cred.QOP != "" && cred.QOP != "auth") || !slices.Contains(r.URIs, cred.URI) {
		return "", forbidden
	}
	ha1 := u.HA1MD5
	if alg == SHA256 {
		ha1 = u.HA1SHA256
	}
	chal := &digest.Challenge{Realm: cred.Realm, Nonce: cred.Nonce, Algorithm: alg}
	if cred.QOP != "" {
		chal.QOP = []string{cred.QOP}
	}
	want, err := digest.Digest(chal, digest.Options{
		Method: r.Method, URI: cred.URI, Username: cred.Username, A1: strings.ToLower(ha1),
		Cnonce: cred.Cnonce, Count: cred.Nc,
	})
	if err != nil || subtle.ConstantTimeCompare([]byte(want.Response), []byte(strings.ToLower(cred.Response))) != 1 {
		return "", forbidden
	}
	return u.Name, Verdict{}
}

// challenge is a 401 offering every configured algorithm, preferred first.
func (g *Guard) challenge(src netip.Addr, now time.Time, stale bool) Verdict {
	nonce := g.nonce(src, now)
	v := Verdict{Code: 401, Reason: "Unauthorized", Rule: RuleAuth}
	for _, alg := range g.cfg.Algorithms {
		c := digest.Challenge{Realm: g.cfg.Realm, Nonce: nonce, Algorithm: alg, QOP: []string{"auth"}, Stale: stale}
		v.Challenge = append(v.Challenge, c.String())
	}
	return v
}

const macSize = 16

func (g *Guard) mac(ts []byte, src netip.Addr) []byte {
	m := hmac.New(sha256.New, g.secret[:])
	m.Write(ts)
	a := src.As16()
	m.Write(a[:])
	return m.Sum(nil)[:macSize]
}

func (g *Guard) nonce(src netip.Addr, now time.Time) string {
	ts := binary.BigEndian.AppendUint64(nil, uint64(now.UnixNano()))
	return base64.RawURLEncoding.EncodeToString(append(ts, g.mac(ts, src)...))
}

type nonceState int

const (
	nonceOK nonceState = iota
	nonceForged
	nonceStale
)

func (g *Guard) checkNonce(nonce string, src netip.Addr, now time.Time) nonceState {
	b, err := base64.RawURLEncoding.DecodeString(nonce)
	if err != nil || len(b) != 8+macSize || !hmac.Equal(b[8:], g.mac(b[:8], src)) {
		return nonceForged
	}
	issued := time.Unix(0, int64(binary.BigEndian.Uint64(b[:8])))
	if now.Sub(issued) > g.cfg.NonceTTL || issued.After(now.Add(time.Minute)) {
		return nonceStale
	}
	return nonceOK
}
