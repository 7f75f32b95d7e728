package audit

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
)

var testNow = time.Date(2026, 11, 22, 9, 30, 15, 123456789, time.UTC)

// testClock returns a clock, safe for concurrent use, that moves on a second
// per reading, so every entry has its own time and no test sleeps.
func testClock() func() time.Time {
	var n atomic.Int64
	return func() time.Time { return testNow.Add(time.Duration(n.Add(1)) * time.Second) }
}

func testKey() ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, ed25519.SeedSize))
}

func testPub() ed25519.PublicKey { return testKey().Public().(ed25519.PublicKey) }

func newTestLog(db *sqldb.DB) *Log { return New(db, testKey(), testClock()) }

// testEntry is the i-th entry of a test log: a case moving on, with digests
// of its state before and after.
func testEntry(i int) Entry {
	return Entry{
		Actor:      "staff:3@org:7",
		Action:     "case.transition",
		ObjectType: "case",
		ObjectID:   strconv.Itoa(1000 + i),
		Before:     Digest(map[string]any{"state": "new", "n": i}),
		After:      Digest(map[string]any{"state": "review", "n": i}),
	}
}

// appendOne appends e in its own transaction.
func appendOne(t testing.TB, db *sqldb.DB, l *Log, e Entry) int64 {
	t.Helper()
	var seq int64
	err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
		var err error
		seq, err = l.Append(context.Background(), tx, e)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

func checkpoint(t testing.TB, l *Log) Checkpoint {
	t.Helper()
	cp, err := l.Checkpoint(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

func verify(t testing.TB, db *sqldb.DB) Report {
	t.Helper()
	r, err := Verify(context.Background(), db, testPub())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// readEntry reads entry seq back as stored.
func readEntry(t testing.TB, db *sqldb.DB, seq int64) Entry {
	t.Helper()
	e := Entry{Seq: seq}
	err := db.QueryRowContext(context.Background(), `SELECT at, actor, action, object_type, object_id, before_digest, after_digest
		FROM audit_entries WHERE seq = ?`, seq).Scan(&e.At, &e.Actor, &e.Action, &e.ObjectType, &e.ObjectID, &e.Before, &e.After)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func headSize(t testing.TB, db *sqldb.DB) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRowContext(context.Background(), `SELECT size FROM audit_head`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAppendStoresEntriesThatVerify(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		l := newTestLog(db)
		if diff := cmp.Diff(Report{OK: true}, verify(t, db)); diff != "" {
			t.Fatalf("empty log (-want +got):\n%s", diff)
		}
		var seqs []int64
		for i := range 10 {
			seqs = append(seqs, appendOne(t, db, l, testEntry(i)))
		}
		if diff := cmp.Diff([]int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, seqs); diff != "" {
			t.Fatalf("seqs (-want +got):\n%s", diff)
		}
		want := testEntry(3)
		want.Seq, want.At = 4, testNow.Add(4*time.Second).Truncate(time.Microsecond)
		got := readEntry(t, db, 4)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("entry 4 as stored (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(Report{Entries: 10, OK: true}, verify(t, db)); diff != "" {
			t.Fatalf("before checkpoint (-want +got):\n%s", diff)
		}
		checkpoint(t, l)
		if diff := cmp.Diff(Report{Entries: 10, Checkpoints: 1, OK: true}, verify(t, db)); diff != "" {
			t.Fatalf("after checkpoint (-want +got):\n%s", diff)
		}
	})
}

func TestAppendRefusesWhatItMustNotStore(t *testing.T) {
	long := strings.Repeat("x", maxRefLen+1)
	tests := map[string]func(e *Entry){
		"no actor":              func(e *Entry) { e.Actor = "" },
		"no action":             func(e *Entry) { e.Action = "" },
		"no object type":        func(e *Entry) { e.ObjectType = "" },
		"long object id":        func(e *Entry) { e.ObjectID = long },
		"NUL in actor":          func(e *Entry) { e.Actor = "staff:\x003" },
		"invalid UTF-8":         func(e *Entry) { e.ObjectID = "\xff" },
		"plaintext, not digest": func(e *Entry) { e.After = []byte("Иванов Иван, паспорт 4510 123456") },
	}
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		l := newTestLog(db)
		for name, mutate := range tests {
			e := testEntry(1)
			mutate(&e)
			err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
				_, err := l.Append(context.Background(), tx, e)
				return err
			})
			if err == nil {
				t.Errorf("%s: Append accepted %+v", name, e)
			}
		}
		if n := headSize(t, db); n != 0 {
			t.Fatalf("head size after refused appends = %d, want 0", n)
		}
	})
}

func TestRolledBackAppendLeavesNoTrace(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		l := newTestLog(db)
		appendOne(t, db, l, testEntry(1))
		boom := errors.New("boom")
		err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			if _, err := l.Append(ctx, tx, testEntry(2)); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v, want boom", err)
		}
		if n := headSize(t, db); n != 1 {
			t.Fatalf("head size after rollback = %d, want 1", n)
		}
		if seq := appendOne(t, db, l, testEntry(3)); seq != 2 {
			t.Fatalf("seq after rollback = %d, want 2", seq)
		}
		if diff := cmp.Diff(Report{Entries: 2, OK: true}, verify(t, db)); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
	})
}

func TestConcurrentAppendsAreTotallyOrdered(t *testing.T) {
	const writers, each = 8, 25
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		l := newTestLog(db)
		var (
			mu   sync.Mutex
			seqs []int64
			wg   sync.WaitGroup
		)
		for w := range writers {
			wg.Go(func() {
				for i := range each {
					var seq int64
					err := db.InTx(context.Background(), func(tx *sqldb.Tx) error {
						var err error
						seq, err = l.Append(context.Background(), tx, testEntry(w*each+i))
						return err
					})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					seqs = append(seqs, seq)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		slices.Sort(seqs)
		var want []int64
		for s := range int64(writers * each) {
			want = append(want, s+1)
		}
		if diff := cmp.Diff(want, seqs); diff != "" {
			t.Fatalf("seqs (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(Report{Entries: writers * each, OK: true}, verify(t, db)); diff != "" {
			t.Fatalf("(-want +got):\n%s", diff)
		}
	})
}

func TestCheckpointSignsOnlyWhenTheLogGrew(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		l := newTestLog(db)
		empty, er := checkpoint(t, l), emptyRoot()
		if empty.Size != 0 || !bytes.Equal(empty.Root, er[:]) {
			t.Fatalf("checkpoint of the empty log = %+v", empty)
		}
		for i := range 5 {
			appendOne(t, db, l, testEntry(i))
		}
		first := checkpoint(t, l)
		again := checkpoint(t, l)
		if diff := cmp.Diff(first, again); diff != "" {
			t.Fatalf("checkpoint of an unchanged log (-first +again):\n%s", diff)
		}
		wantBody := fmt.Sprintf("okno audit log\n5\n%s\n\n— okno-audit ", base64.StdEncoding.EncodeToString(first.Root))
		if !strings.HasPrefix(first.Note, wantBody) {
			t.Fatalf("note = %q, want it to start %q", first.Note, wantBody)
		}
		appendOne(t, db, l, testEntry(5))
		if next := checkpoint(t, l); next.Size != 6 {
			t.Fatalf("checkpoint after an append has size %d, want 6", next.Size)
		}
		var n int
		if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM audit_checkpoints`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 3 {
			t.Fatalf("%d checkpoints stored, want 3 (sizes 0, 5, 6)", n)
		}
	})
}

func TestProofsProveEveryEntryAgainstACheckpoint(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		l := newTestLog(db)
		for i := range 11 {
			appendOne(t, db, l, testEntry(i))
		}
		cp := checkpoint(t, l)
		appendOne(t, db, l, testEntry(11)) // proofs are against the checkpoint, not the head
		for seq := int64(1); seq <= cp.Size; seq++ {
			proof, err := l.Proof(ctx, seq, cp.Size)
			if err != nil {
				t.Fatal(err)
			}
			leafHash := LeafHash(readEntry(t, db, seq))
			if !VerifyInclusion(leafHash, seq, cp.Size, proof, cp.Root) {
				t.Errorf("entry %d: proof does not verify against checkpoint %d", seq, cp.Size)
			}
			other := LeafHash(readEntry(t, db, seq%cp.Size+1))
			if VerifyInclusion(other, seq, cp.Size, proof, cp.Root) {
				t.Errorf("entry %d: proof verifies another entry's leaf", seq)
			}
		}
		for _, tt := range []struct{ seq, size int64 }{{0, 5}, {6, 5}, {1, 13}} {
			if _, err := l.Proof(ctx, tt.seq, tt.size); !okno.IsCode(err, okno.EINVALID) {
				t.Errorf("Proof(%d, %d) err = %v, want invalid", tt.seq, tt.size, err)
			}
		}
	})
}
