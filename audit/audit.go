// Package audit keeps Okno's tamper-evident audit log: every state-changing
// action appends an entry — who, what, when, which object, digests of its
// state before and after — as a leaf of an RFC 6962 Merkle tree, in the same
// transaction as the change. Signed checkpoints (Ed25519) commit to the tree;
// Verify proves that the rows and the checkpoints agree and names the first
// bad entry when they do not.
//
// Entries never hold personal data: only references and digests.
package audit

import (
	"context"
	"time"

	"github.com/okno/okno/sqldb"
)

// Entry is one audited action. Append fills Seq and At.
type Entry struct {
	Seq        int64
	At         time.Time
	Actor      string // okno.Actor.Ref(): "citizen:12", "staff:3@org:7", "system"
	Action     string // dotted verb: "identity.signup", "org.update", "case.transition"
	ObjectType string // "user", "organisation", "case"
	ObjectID   string
	Before     []byte // SHA-256 digest of the object's state before (nil when created); see Digest
	After      []byte // SHA-256 digest after (nil when deleted)
}

// Appender is what a feature needs to audit its actions; *Log implements it.
// Features declare it as a dependency instead of importing *Log's internals.
type Appender interface {
	Append(ctx context.Context, tx *sqldb.Tx, e Entry) (int64, error)
}
