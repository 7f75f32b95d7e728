// Package vault encrypts personal data at rest (passport, СНИЛС, ИНН, phone,
// e-mail, address): AES-256-GCM under a fresh data key per record, the data
// key wrapped by a master key; HMAC-SHA-256 blind indexes let the database
// find a record by an exact value without holding it in plaintext. Master
// keys live in a key file in the data directory (made on first start) or in
// the file OKNO_MASTER_KEY_FILE names; rotation adds a new master key and
// rewraps every data key without re-encrypting the data.
//
// It must never log or return plaintext except to its caller.
package vault

// Sealer is what a feature needs to protect personal data; *Keyring implements it.
//
// aad binds a ciphertext to its place ("users.snils:42"), so a value copied to
// another row or column fails to open. domain separates blind indexes of
// different kinds of value ("email", "phone", "snils"); value is normalised by
// the caller first (lower-case e-mail, digits-only phone and СНИЛС).
type Sealer interface {
	Seal(plaintext []byte, aad string) ([]byte, error)
	Open(ciphertext []byte, aad string) ([]byte, error)
	BlindIndex(domain, value string) []byte
}
