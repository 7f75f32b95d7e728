package sqldb

import (
	"context"
	"math/bits"
	"strings"
)

// Multi-row statements for bulk work (importing history): one INSERT with
// many rows costs one parse and one round trip instead of one per row.

// MaxParams bounds the parameters of one statement: PostgreSQL takes up to
// 65,535, while SQLite's pure-Go driver binds parameters in time quadratic
// in their number, so a few hundred is fastest there.
func MaxParams(q Querier) int {
	if q.Dialect() == Postgres {
		return 16000
	}
	return 300
}

// Span is a run of rows: N rows from From.
type Span struct{ From, N int }

// Chunks splits n rows into runs of at most max rows. Runs that are not
// full are powers of two, so that however batches fall, statements come
// in few shapes (few texts to rebind and for PostgreSQL to cache).
func Chunks(n, max int) []Span {
	if max < 1 {
		max = 1
	}
	var out []Span
	from := 0
	for n-from >= max {
		out = append(out, Span{from, max})
		from += max
	}
	for rest := n - from; rest > 0; rest = n - from {
		k := 1 << (bits.Len(uint(rest)) - 1)
		out = append(out, Span{from, k})
		from += k
	}
	return out
}

// Placeholders is n groups of cols "?" each: "(?, ?), (?, ?)", or n bare
// "?" when cols is 1 (for IN lists).
func Placeholders(n, cols int) string {
	one := "?"
	if cols > 1 {
		one = "(?" + strings.Repeat(", ?", cols-1) + ")"
	}
	var b strings.Builder
	b.Grow(n * (len(one) + 2))
	for k := range n {
		if k > 0 {
			b.WriteString(", ")
		}
		b.WriteString(one)
	}
	return b.String()
}

// InsertRows runs head ("INSERT INTO t (a, b) VALUES ") followed by as many
// rows of cols values as one statement may carry, until args is spent.
func InsertRows(ctx context.Context, tx *Tx, head string, cols int, args []any) error {
	for _, c := range Chunks(len(args)/cols, MaxParams(tx)/cols) {
		if _, err := tx.ExecContext(ctx, head+Placeholders(c.N, cols), args[c.From*cols:(c.From+c.N)*cols]...); err != nil {
			return err
		}
	}
	return nil
}
