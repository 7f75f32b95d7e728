package identity

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"golang.org/x/crypto/argon2"
)

// Argon2Params is the cost of an argon2id password hash. Each hash records
// its own parameters (PHC string format), so the defaults can be raised
// later: old hashes still verify and are re-hashed at the next sign-in.
type Argon2Params struct {
	Time    uint32 // passes over memory
	Memory  uint32 // KiB
	Threads uint8
}

// DefaultArgon2 follows the OWASP Password Storage Cheat Sheet's first
// argon2id configuration: 19 MiB, 2 passes, 1 lane.
var DefaultArgon2 = Argon2Params{Time: 2, Memory: 19 * 1024, Threads: 1}

const (
	saltLen = 16
	hashLen = 32
	// MinPasswordLen is the shortest password accepted, in characters.
	MinPasswordLen = 8
	// maxPasswordLen stops a megabyte "password" from being a cheap way to
	// burn CPU; no real password is longer.
	maxPasswordLen = 256
)

// bannedPasswords are the commonest passwords of Russian-speaking users that
// pass the length rule (from public breach frequency lists), compared
// lower-cased. A short list stops the first guesses of every attacker; the
// lockout handles the rest.
var bannedPasswords = map[string]bool{
	"12345678": true, "123456789": true, "1234567890": true, "87654321": true,
	"11111111": true, "00000000": true, "12341234": true, "11223344": true,
	"123123123": true, "12344321": true, "qwertyui": true, "qwerty123": true,
	"qwertyuiop": true, "1q2w3e4r": true, "1q2w3e4r5t": true, "zaq12wsx": true,
	"password": true, "password1": true, "iloveyou": true, "asdfghjk": true,
	"abcd1234": true, "qwerty12": true, "1qaz2wsx": true, "йцукенгш": true,
	"пароль123": true, "gosuslugi": true, "госуслуги": true, "okno1234": true,
	"q1w2e3r4": true, "marina123": true, "natasha1": true, "dragon12": true,
}

// checkPassword applies the password policy; field names the form field
// that reports the problem.
func checkPassword(pw, field string) error {
	var fe okno.FieldErrors
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLen:
		fe.Add(field, "identity.password_short", MinPasswordLen)
	case n > maxPasswordLen:
		fe.Add(field, "identity.password_long", maxPasswordLen)
	case bannedPasswords[strings.ToLower(pw)]:
		fe.Add(field, "identity.password_common")
	}
	return fe.Err()
}

// hashPassword returns the PHC string of pw:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
func (s *Service) hashPassword(pw string) (string, error) {
	salt, err := s.random(saltLen)
	if err != nil {
		return "", err
	}
	p := s.opts.Password
	s.hashing <- struct{}{}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, hashLen)
	<-s.hashing
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

// verifyPassword reports whether pw matches the PHC string, comparing in
// constant time, and whether the hash is weaker than the current parameters
// and should be replaced.
func (s *Service) verifyPassword(encoded, pw string) (ok, rehash bool, err error) {
	p, salt, want, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	s.hashing <- struct{}{}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	<-s.hashing
	cur := s.opts.Password
	weaker := p.Time < cur.Time || p.Memory < cur.Memory || p.Threads < cur.Threads
	return subtle.ConstantTimeCompare(got, want) == 1, weaker, nil
}

var errPHC = errors.New("identity: malformed password hash")

func parsePHC(s string) (Argon2Params, []byte, []byte, error) {
	var p Argon2Params
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, errPHC
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, errPHC
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) < 16 {
		return p, nil, nil, errPHC
	}
	return p, salt, key, nil
}
