package audit

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The Certificate Transparency reference tree (RFC 6962 test data, as used by
// every CT implementation): eight leaves, the root of each prefix, and audit
// paths. A log whose roots differ from these proves nothing to anyone else.
var referenceLeaves = []string{
	"",
	"00",
	"10",
	"2021",
	"3031",
	"40414243",
	"5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
}

// referenceRoots[n] is the root of the first n reference leaves.
var referenceRoots = []string{
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}

func referenceLeafHashes(t *testing.T) []hash {
	t.Helper()
	var hs []hash
	for _, s := range referenceLeaves {
		d, err := hex.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		hs = append(hs, hashLeaf(d))
	}
	return hs
}

func hexes(hs [][]byte) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, hex.EncodeToString(h))
	}
	return out
}

func TestRootsMatchRFC6962Reference(t *testing.T) {
	leaves := referenceLeafHashes(t)
	var c compactRange
	for n := 0; n <= len(leaves); n++ {
		if n > 0 {
			c.append(leaves[n-1])
		}
		got := c.root()
		if diff := cmp.Diff(referenceRoots[n], hex.EncodeToString(got[:])); diff != "" {
			t.Errorf("root of %d leaves (-want +got):\n%s", n, diff)
		}
	}
}

func TestAuditPathsMatchRFC6962Reference(t *testing.T) {
	tests := []struct {
		index, size uint64
		want        []string
	}{
		{0, 1, []string{}},
		{0, 8, []string{
			"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
		}},
		{5, 8, []string{
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
			"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
			"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
		}},
		{2, 3, []string{
			"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
		}},
		{1, 5, []string{
			"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
			"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
			"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		}},
	}
	leaves := referenceLeafHashes(t)
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_of_%d", tt.index, tt.size), func(t *testing.T) {
			proof := buildProof(leaves[:tt.size], tt.index)
			if diff := cmp.Diff(tt.want, hexes(proof)); diff != "" {
				t.Fatalf("audit path (-want +got):\n%s", diff)
			}
			root, _ := hex.DecodeString(referenceRoots[tt.size])
			leaf := leaves[tt.index]
			if !VerifyInclusion(leaf[:], int64(tt.index)+1, int64(tt.size), proof, root) {
				t.Fatal("VerifyInclusion rejects the reference path")
			}
		})
	}
}

// buildProof feeds leaves to a proofBuilder, as Proof does from the table.
func buildProof(leaves []hash, index uint64) [][]byte {
	pb := newProofBuilder(index, uint64(len(leaves)))
	for _, l := range leaves {
		pb.add(l)
	}
	return pb.proof()
}

// mth and path are RFC 6962 §2.1 and §2.1.1 transcribed literally (recursive,
// O(n) per call): an independent oracle for the streaming code.
func mth(d []hash) hash {
	switch len(d) {
	case 0:
		return emptyRoot()
	case 1:
		return d[0]
	}
	k := splitPoint(uint64(len(d)))
	return hashChildren(mth(d[:k]), mth(d[k:]))
}

func path(m uint64, d []hash) [][]byte {
	if len(d) <= 1 {
		return [][]byte{}
	}
	k := splitPoint(uint64(len(d)))
	if m < k {
		r := mth(d[k:])
		return append(path(m, d[:k]), r[:])
	}
	l := mth(d[:k])
	return append(path(m-k, d[k:]), l[:])
}

func TestInclusionEveryLeafOfEverySize(t *testing.T) {
	var leaves []hash
	for i := range 70 {
		leaves = append(leaves, hashLeaf([]byte{byte(i), byte(i * 7)}))
	}
	var c compactRange
	for n := 1; n <= len(leaves); n++ {
		d := leaves[:n]
		c.append(d[n-1])
		root := c.root()
		if want := mth(d); root != want {
			t.Fatalf("size %d: compact range root %x, RFC 6962 MTH %x", n, root, want)
		}
		for i := range n {
			proof := buildProof(d, uint64(i))
			if diff := cmp.Diff(hexes(path(uint64(i), d)), hexes(proof)); diff != "" {
				t.Fatalf("leaf %d of %d: audit path (-want +got):\n%s", i, n, diff)
			}
			seq, size := int64(i)+1, int64(n)
			if !VerifyInclusion(d[i][:], seq, size, proof, root[:]) {
				t.Fatalf("leaf %d of %d: valid proof rejected", i, n)
			}
			other := hashLeaf([]byte("other"))
			// Not among the mutations: size ± 1. The root, not the proof,
			// binds the size (a checkpoint signs both), and neighbouring
			// sizes often give a leaf the same path shape.
			for name, bad := range map[string]bool{
				"seq - 1":       seq > 1 && VerifyInclusion(d[i][:], seq-1, size, proof, root[:]),
				"seq + 1":       seq < size && VerifyInclusion(d[i][:], seq+1, size, proof, root[:]),
				"seq 0":         VerifyInclusion(d[i][:], 0, size, proof, root[:]),
				"seq past size": VerifyInclusion(d[i][:], size+1, size, proof, root[:]),
				"size * 2":      VerifyInclusion(d[i][:], seq, size*2, proof, root[:]),
				"other leaf":    VerifyInclusion(other[:], seq, size, proof, root[:]),
				"other root":    VerifyInclusion(d[i][:], seq, size, proof, other[:]),
				"extra node":    VerifyInclusion(d[i][:], seq, size, append(proof[:len(proof):len(proof)], other[:]), root[:]),
				"node dropped":  len(proof) > 0 && VerifyInclusion(d[i][:], seq, size, proof[:len(proof)-1], root[:]),
				"node flipped":  len(proof) > 0 && VerifyInclusion(d[i][:], seq, size, flipped(proof, 0), root[:]),
			} {
				if bad {
					t.Errorf("leaf %d of %d: proof with %s accepted", i, n, name)
				}
			}
		}
	}
}

// flipped returns a copy of proof with one bit of node i changed.
func flipped(proof [][]byte, i int) [][]byte {
	out := make([][]byte, len(proof))
	for j := range proof {
		out[j] = bytes.Clone(proof[j])
	}
	out[i][0] ^= 1
	return out
}

func TestSplitPointIsTheLargestPowerOfTwoBelow(t *testing.T) {
	for n, want := range map[uint64]uint64{2: 1, 3: 2, 4: 2, 5: 4, 8: 4, 9: 8, 1000: 512, 1 << 40: 1 << 39, 1<<40 + 1: 1 << 40} {
		if got := splitPoint(n); got != want {
			t.Errorf("splitPoint(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestCompactRangeRoundTrip(t *testing.T) {
	var c compactRange
	for i := range 13 {
		c.append(hashLeaf([]byte{byte(i)}))
	}
	got, err := unmarshalCompactRange(c.size, c.marshal())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c.nodes, got.nodes); diff != "" {
		t.Fatalf("nodes (-want +got):\n%s", diff)
	}
	// 13 = 0b1101 has three subtrees; a frontier of two cannot be right.
	if _, err := unmarshalCompactRange(13, c.marshal()[32:]); err == nil {
		t.Fatal("a frontier too short for its size was accepted")
	}
}
