package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

// tamperLog is the log every tampering case starts from: eight entries,
// checkpoints at sizes 3 and 6, and the head row as it was at size 3.
type tamperLog struct {
	db     *sqldb.DB
	head3  head
	cpNote map[int64]string
}

func newTamperLog(t *testing.T, db *sqldb.DB) *tamperLog {
	t.Helper()
	l := newTestLog(db)
	tl := &tamperLog{db: db, cpNote: map[int64]string{}}
	for i := range 8 {
		appendOne(t, db, l, testEntry(i))
		if i == 2 || i == 5 {
			cp := checkpoint(t, l)
			tl.cpNote[cp.Size] = cp.Note
		}
		if i == 2 {
			err := db.QueryRowContext(context.Background(), `SELECT size, frontier, root FROM audit_head`).
				Scan(&tl.head3.size, &tl.head3.frontier, &tl.head3.root)
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	return tl
}

// exec runs SQL as an intruder with database access would.
func (tl *tamperLog) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := tl.db.ExecContext(context.Background(), q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// forge rewrites entry seq's action and its leaf hash to match, as an
// intruder who knows the leaf format would.
func (tl *tamperLog) forge(t *testing.T, seq int64) {
	t.Helper()
	e := readEntry(t, tl.db, seq)
	e.Action = "case.close"
	tl.exec(t, `UPDATE audit_entries SET action = ?, leaf_hash = ? WHERE seq = ?`, e.Action, LeafHash(e), seq)
}

func TestVerifyNamesTampering(t *testing.T) {
	tests := []struct {
		name    string
		tamper  func(t *testing.T, tl *tamperLog)
		want    Report
		problem string // a phrase Problem must contain
	}{
		{
			name:   "intact",
			tamper: func(t *testing.T, tl *tamperLog) {},
			want:   Report{Entries: 8, Checkpoints: 2, OK: true},
		},
		{
			name: "action edited",
			tamper: func(t *testing.T, tl *tamperLog) {
				tl.exec(t, `UPDATE audit_entries SET action = 'case.close' WHERE seq = 5`)
			},
			want:    Report{Entries: 4, Checkpoints: 1, FirstBad: 5},
			problem: "entry 5 does not match its leaf hash",
		},
		{
			name: "object edited",
			tamper: func(t *testing.T, tl *tamperLog) {
				tl.exec(t, `UPDATE audit_entries SET object_type = 'user', object_id = '1' WHERE seq = 2`)
			},
			want:    Report{Entries: 1, FirstBad: 2},
			problem: "entry 2 does not match its leaf hash",
		},
		{
			name: "time edited",
			tamper: func(t *testing.T, tl *tamperLog) {
				tl.exec(t, `UPDATE audit_entries SET at = ? WHERE seq = 8`, sqldb.Now(testNow))
			},
			want:    Report{Entries: 7, Checkpoints: 2, FirstBad: 8},
			problem: "entry 8 does not match its leaf hash",
		},
		{
			name: "digest removed",
			tamper: func(t *testing.T, tl *tamperLog) {
				tl.exec(t, `UPDATE audit_entries SET before_digest = NULL WHERE seq = 1`)
			},
			want:    Report{FirstBad: 1},
			problem: "entry 1 does not match its leaf hash",
		},
		{
			name: "row deleted",
			tamper: func(t *testing.T, tl *tamperLog) {
				tl.exec(t, `DELETE FROM audit_entries WHERE seq = 4`)
			},
			want:    Report{Entries: 3, Checkpoints: 1, FirstBad: 4},
			problem: "entry 4 is missing",
		},
		{
			name: "last row deleted",
			tamper: func(t *testing.T, tl *tamperLog) {
				tl.exec(t, `DELETE FROM audit_entries WHERE seq = 8`)
			},
			want:    Report{Entries: 7, Checkpoints: 2, FirstBad: 8},
			problem: "entries 8 to 8 are missing",
		},
		{
			name: "two rows swapped",
			tamper: func(t *testing.T, tl *tamperLog) {
				// Through a free seq: both engines check the key row by row.
				tl.exec(t, `UPDATE audit_entries SET seq = -1 WHERE seq = 2`)
				tl.exec(t, `UPDATE audit_entries SET seq = 2 WHERE seq = 7`)
				tl.exec(t, `UPDATE audit_entries SET seq = 7 WHERE seq = -1`)
			},
			want:    Report{Entries: 1, FirstBad: 2},
			problem: "entry 2 does not match its leaf hash",
		},
		{
			name:    "content and leaf hash rewritten before a checkpoint",
			tamper:  func(t *testing.T, tl *tamperLog) { tl.forge(t, 5) },
			want:    Report{Entries: 6, Checkpoints: 1, FirstBad: 4},
			problem: "entries 4 to 6 do not match signed checkpoint 6",
		},
		{
			name:    "content and leaf hash rewritten after the last checkpoint",
			tamper:  func(t *testing.T, tl *tamperLog) { tl.forge(t, 7) },
			want:    Report{Entries: 8, Checkpoints: 2, FirstBad: 7},
			problem: "entries 7 to 8 do not match the head's root",
		},
		{
			name: "checkpoint signature altered",
			tamper: func(t *testing.T, tl *tamperLog) {
				tl.exec(t, `UPDATE audit_checkpoints SET note = ? WHERE size = 6`, flipSignatureBit(t, tl.cpNote[6]))
			},
			want:    Report{Entries: 6, Checkpoints: 1},
			problem: "checkpoint 6: signature does not verify",
		},
		{
			name: "checkpoint re-signed by another key",
			tamper: func(t *testing.T, tl *tamperLog) {
				other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, ed25519.SeedSize))
				tl.exec(t, `UPDATE audit_checkpoints SET note = ? WHERE size = 3`, signCheckpoint(other, 3, make([]byte, 32)))
			},
			want:    Report{Entries: 3},
			problem: "checkpoint 3: no signature by the audit key",
		},
		{
			name: "log cut back, head and all",
			tamper: func(t *testing.T, tl *tamperLog) {
				tl.exec(t, `DELETE FROM audit_entries WHERE seq > 3`)
				tl.exec(t, `UPDATE audit_head SET size = ?, frontier = ?, root = ?`, tl.head3.size, tl.head3.frontier, tl.head3.root)
			},
			want:    Report{Entries: 3, Checkpoints: 1, FirstBad: 4},
			problem: "checkpoint 6 is beyond the head",
		},
		{
			name: "head frontier altered",
			tamper: func(t *testing.T, tl *tamperLog) {
				tl.exec(t, `UPDATE audit_head SET frontier = ?`, make([]byte, 32))
			},
			want:    Report{Entries: 8, Checkpoints: 2},
			problem: "frontier does not match",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // each case has its own databases; PostgreSQL's take a while to create
			storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
				tl := newTamperLog(t, db)
				tt.tamper(t, tl)
				got := verify(t, db)
				if diff := cmp.Diff(tt.want, got, cmpopts.IgnoreFields(Report{}, "Problem")); diff != "" {
					t.Errorf("report (-want +got):\n%s\nproblem: %s", diff, got.Problem)
				}
				if !strings.Contains(got.Problem, tt.problem) || (tt.problem == "") != got.OK {
					t.Errorf("problem = %q, want one containing %q", got.Problem, tt.problem)
				}
			})
		})
	}
}

// flipSignatureBit changes one bit of the Ed25519 signature in note, leaving
// its key hash alone, so the note still names our key but does not verify.
func flipSignatureBit(t *testing.T, note string) string {
	t.Helper()
	i := strings.LastIndex(note, " ")
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(note[i+1:]))
	if err != nil {
		t.Fatal(err)
	}
	sig[4+10] ^= 0x40
	return note[:i+1] + base64.StdEncoding.EncodeToString(sig) + "\n"
}

func TestVerifyRejectsAnotherKey(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		l := newTestLog(db)
		appendOne(t, db, l, testEntry(1))
		checkpoint(t, l)
		other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, ed25519.SeedSize)).Public().(ed25519.PublicKey)
		got, err := Verify(context.Background(), db, other)
		if err != nil {
			t.Fatal(err)
		}
		if got.OK || !strings.Contains(got.Problem, "no signature by the audit key") {
			t.Fatalf("Verify with another key = %+v, want it to find no signature by that key", got)
		}
	})
}
