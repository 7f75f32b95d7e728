// Package crashtest proves that Okno keeps what it acknowledged when its
// process dies at any moment. Its test builds the okno binary, loads the
// demo region, drives appeals through the JSON API and Open311 from many
// goroutines while it kills the server with SIGKILL and starts it again on
// the same data, and then checks every acknowledged request, the
// idempotency keys, the outbox and the audit log (docs/RELIABILITY.md).
//
// The package holds tests only; nothing may import it.
package crashtest
