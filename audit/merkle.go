package audit

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/bits"
	"sort"
)

// This file is the pure Merkle tree of RFC 6962 §2.1 (SHA-256): no database,
// no clock, so it is tested against the published Certificate Transparency
// vectors and any other RFC 6962 implementation can check our roots and proofs.

// The domain-separation prefixes of RFC 6962 §2.1: a leaf can never be passed
// off as an interior node, which closes the second-preimage attack on the tree.
const (
	leafPrefix = 0x00
	nodePrefix = 0x01
)

// hash is one node of the tree. A fixed-size array keeps hashing free of
// allocations, which matters when Verify rebuilds a tree of millions of leaves.
type hash = [sha256.Size]byte

// emptyRoot is MTH({}) = SHA-256 of the empty string.
func emptyRoot() hash { return sha256.Sum256(nil) }

// hashLeaf is MTH({d}) = SHA-256(0x00 || d).
func hashLeaf(d []byte) hash {
	h := sha256.New()
	h.Write([]byte{leafPrefix})
	h.Write(d)
	var out hash
	h.Sum(out[:0])
	return out
}

// hashChildren is SHA-256(0x01 || left || right).
func hashChildren(left, right hash) hash {
	var b [1 + 2*sha256.Size]byte
	b[0] = nodePrefix
	copy(b[1:], left[:])
	copy(b[1+sha256.Size:], right[:])
	return sha256.Sum256(b[:])
}

// splitPoint is RFC 6962's k for a tree of n > 1 leaves: the largest power of
// two smaller than n. (Not the midpoint: that builds a different tree.)
func splitPoint(n uint64) uint64 { return 1 << (bits.Len64(n-1) - 1) }

// compactRange is the right edge of a tree of size leaves: the roots of the
// perfect subtrees its leaves decompose into, one per set bit of size, the
// largest (leftmost) first. It is all an append needs, so an append costs
// O(log n) hashes and the head row stays O(log n) bytes.
type compactRange struct {
	size  uint64
	nodes []hash
}

// append adds the next leaf, merging equal-sized subtrees as a binary counter
// carries: one merge per trailing one bit of the old size.
func (c *compactRange) append(leaf hash) {
	h := leaf
	for s := c.size; s&1 == 1; s >>= 1 {
		last := len(c.nodes) - 1
		h = hashChildren(c.nodes[last], h)
		c.nodes = c.nodes[:last]
	}
	c.nodes = append(c.nodes, h)
	c.size++
}

// root is MTH of the leaves appended so far. Folding the subtrees from the
// right gives exactly RFC 6962's shape, because its split point always falls
// on the boundary of the largest subtree.
func (c *compactRange) root() hash {
	if c.size == 0 {
		return emptyRoot()
	}
	r := c.nodes[len(c.nodes)-1]
	for i := len(c.nodes) - 2; i >= 0; i-- {
		r = hashChildren(c.nodes[i], r)
	}
	return r
}

// reset empties c, keeping its storage.
func (c *compactRange) reset() {
	c.size = 0
	c.nodes = c.nodes[:0]
}

// marshal concatenates the nodes, as stored in audit_head.frontier.
func (c *compactRange) marshal() []byte {
	b := make([]byte, 0, len(c.nodes)*sha256.Size)
	for _, n := range c.nodes {
		b = append(b, n[:]...)
	}
	return b
}

// unmarshalCompactRange reads a frontier stored by marshal for a tree of size
// leaves, refusing one whose length does not fit the size.
func unmarshalCompactRange(size uint64, b []byte) (compactRange, error) {
	want := bits.OnesCount64(size)
	if len(b) != want*sha256.Size {
		return compactRange{}, fmt.Errorf("frontier of %d bytes for a tree of %d leaves, want %d", len(b), size, want*sha256.Size)
	}
	c := compactRange{size: size, nodes: make([]hash, want)}
	for i := range c.nodes {
		copy(c.nodes[i][:], b[i*sha256.Size:])
	}
	return c, nil
}

// span is the leaves [lo, hi) of a tree.
type span struct{ lo, hi uint64 }

// inclusionSpans lists the leaf ranges whose tree hashes make up the audit
// path PATH(index, D[0:size]) of RFC 6962 §2.1.1, nearest the leaf first.
// Walking down from the root, each step keeps the half holding the leaf and
// records the other half as a sibling.
func inclusionSpans(index, size uint64) []span {
	var path []span
	lo, hi := uint64(0), size
	for hi-lo > 1 {
		k := splitPoint(hi - lo)
		if index < lo+k {
			path = append(path, span{lo + k, hi})
			hi = lo + k
		} else {
			path = append(path, span{lo, lo + k})
			lo += k
		}
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

// proofBuilder computes the audit path of one leaf from all the leaves of the
// tree fed in order, holding only O(log n) hashes: the siblings are disjoint
// ranges that, with the leaf itself, cover the tree left to right.
type proofBuilder struct {
	index  uint64
	next   uint64 // index of the next leaf add expects
	order  []int  // positions in path of the spans, sorted by lo
	path   []span // the spans, nearest the leaf first
	hashes []hash // the spans' tree hashes, as path
	cur    int    // position in order of the span being hashed
	acc    compactRange
}

func newProofBuilder(index, size uint64) *proofBuilder {
	p := &proofBuilder{index: index, path: inclusionSpans(index, size)}
	p.hashes = make([]hash, len(p.path))
	p.order = make([]int, len(p.path))
	for i := range p.order {
		p.order[i] = i
	}
	sort.Slice(p.order, func(a, b int) bool { return p.path[p.order[a]].lo < p.path[p.order[b]].lo })
	return p
}

// add feeds the next leaf of the tree.
func (p *proofBuilder) add(leaf hash) {
	i := p.next
	p.next++
	if i == p.index || p.cur >= len(p.order) {
		return
	}
	p.acc.append(leaf)
	if pos := p.order[p.cur]; i+1 == p.path[pos].hi {
		p.hashes[pos] = p.acc.root()
		p.acc.reset()
		p.cur++
	}
}

// proof returns the audit path once every leaf has been added.
func (p *proofBuilder) proof() [][]byte {
	out := make([][]byte, len(p.hashes))
	for i := range p.hashes {
		out[i] = bytes.Clone(p.hashes[i][:])
	}
	return out
}

// VerifyInclusion reports whether proof shows that the leaf with leafHash is
// entry seq (counted from 1) of the log whose tree of size entries has root.
// It is the check of RFC 9162 §2.1.3.2 over RFC 6962 audit paths, and needs
// nothing but its arguments, so a citizen's receipt can be checked anywhere.
func VerifyInclusion(leafHash []byte, seq, size int64, proof [][]byte, root []byte) bool {
	if seq < 1 || seq > size || len(leafHash) != sha256.Size || len(root) != sha256.Size {
		return false
	}
	fn, sn := uint64(seq-1), uint64(size-1)
	var r hash
	copy(r[:], leafHash)
	for _, p := range proof {
		if sn == 0 || len(p) != sha256.Size {
			return false
		}
		var sib hash
		copy(sib[:], p)
		if fn&1 == 1 || fn == sn {
			r = hashChildren(sib, r)
			// A right-edge node with no sibling at this level: climb until
			// the node is a right child again.
			for fn&1 == 0 && fn != 0 {
				fn >>= 1
				sn >>= 1
			}
		} else {
			r = hashChildren(r, sib)
		}
		fn >>= 1
		sn >>= 1
	}
	return sn == 0 && bytes.Equal(r[:], root)
}
