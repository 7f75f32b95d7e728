package complaint

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// subsetTrueType keeps, of a TrueType font, only the outlines of the
// glyphs a document uses (and the glyphs they are composed of): every
// other glyph is left empty, so glyph numbers do not change and the PDF
// can keep addressing glyphs by their number (CIDToGIDMap Identity). The
// outlines are nearly all of the Go font, so a history embeds about a
// fifth of it. Other tables are copied as they are.
func subsetTrueType(font []byte, used []uint16) ([]byte, error) {
	tables, err := sfntTables(font)
	if err != nil {
		return nil, err
	}
	head, loca, glyf, maxp := tables["head"], tables["loca"], tables["glyf"], tables["maxp"]
	if head == nil || loca == nil || glyf == nil || maxp == nil || len(head) < 54 || len(maxp) < 6 {
		return nil, errors.New("complaint: font lacks head, loca, glyf or maxp")
	}
	numGlyphs := int(binary.BigEndian.Uint16(maxp[4:]))
	long := binary.BigEndian.Uint16(head[50:]) == 1
	bounds := func(gid int) (int, int, error) {
		var a, b int
		if long {
			if len(loca) < 4*(gid+2) {
				return 0, 0, errors.New("complaint: font's loca is short")
			}
			a, b = int(binary.BigEndian.Uint32(loca[4*gid:])), int(binary.BigEndian.Uint32(loca[4*gid+4:]))
		} else {
			if len(loca) < 2*(gid+2) {
				return 0, 0, errors.New("complaint: font's loca is short")
			}
			a, b = 2*int(binary.BigEndian.Uint16(loca[2*gid:])), 2*int(binary.BigEndian.Uint16(loca[2*gid+2:]))
		}
		if a > b || b > len(glyf) {
			return 0, 0, fmt.Errorf("complaint: font's glyph %d is out of bounds", gid)
		}
		return a, b, nil
	}
	keep := map[int]bool{0: true} // .notdef
	queue := []int{0}
	for _, g := range used {
		if int(g) < numGlyphs && !keep[int(g)] {
			keep[int(g)] = true
			queue = append(queue, int(g))
		}
	}
	for len(queue) > 0 {
		gid := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		a, b, err := bounds(gid)
		if err != nil {
			return nil, err
		}
		for _, c := range components(glyf[a:b]) {
			if c < numGlyphs && !keep[c] {
				keep[c] = true
				queue = append(queue, c)
			}
		}
	}
	newGlyf := []byte{}
	newLoca := make([]byte, 4*(numGlyphs+1))
	for gid := range numGlyphs {
		binary.BigEndian.PutUint32(newLoca[4*gid:], uint32(len(newGlyf)))
		if !keep[gid] {
			continue
		}
		a, b, err := bounds(gid)
		if err != nil {
			return nil, err
		}
		newGlyf = append(newGlyf, glyf[a:b]...)
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
	}
	binary.BigEndian.PutUint32(newLoca[4*numGlyphs:], uint32(len(newGlyf)))
	newHead := slices.Clone(head)
	binary.BigEndian.PutUint16(newHead[50:], 1) // long loca offsets
	tables["head"], tables["loca"], tables["glyf"] = newHead, newLoca, newGlyf
	return writeSFNT(tables), nil
}

// components lists the glyphs a composite glyph is made of; a simple
// glyph (or a malformed one) has none.
func components(g []byte) []int {
	const (
		argsAreWords  = 0x0001
		haveScale     = 0x0008
		moreComponent = 0x0020
		haveXYScale   = 0x0040
		haveTwoByTwo  = 0x0080
	)
	if len(g) < 10 || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil
	}
	var out []int
	for p := 10; p+4 <= len(g); {
		flags := binary.BigEndian.Uint16(g[p:])
		out = append(out, int(binary.BigEndian.Uint16(g[p+2:])))
		p += 4
		if flags&argsAreWords != 0 {
			p += 4
		} else {
			p += 2
		}
		switch {
		case flags&haveScale != 0:
			p += 2
		case flags&haveXYScale != 0:
			p += 4
		case flags&haveTwoByTwo != 0:
			p += 8
		}
		if flags&moreComponent == 0 {
			break
		}
	}
	return out
}

// sfntTables reads a font's table directory.
func sfntTables(font []byte) (map[string][]byte, error) {
	if len(font) < 12 {
		return nil, errors.New("complaint: font too short")
	}
	n := int(binary.BigEndian.Uint16(font[4:]))
	if len(font) < 12+16*n {
		return nil, errors.New("complaint: font's table directory is short")
	}
	out := make(map[string][]byte, n)
	for i := range n {
		e := font[12+16*i:]
		off, size := int(binary.BigEndian.Uint32(e[8:])), int(binary.BigEndian.Uint32(e[12:]))
		if off < 0 || size < 0 || off+size > len(font) {
			return nil, fmt.Errorf("complaint: font's table %q is out of bounds", e[:4])
		}
		out[string(e[:4])] = font[off : off+size]
	}
	return out, nil
}

// writeSFNT writes tables as a TrueType font: the directory in tag
// order, each table 4-byte aligned with its checksum, and the head
// table's checksum adjustment.
func writeSFNT(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	for t := range tables {
		tags = append(tags, t)
	}
	slices.Sort(tags)
	n := len(tags)
	search := 1
	log2 := 0
	for search*2 <= n {
		search *= 2
		log2++
	}
	out := make([]byte, 12+16*n)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(search*16))
	binary.BigEndian.PutUint16(out[8:], uint16(log2))
	binary.BigEndian.PutUint16(out[10:], uint16(n*16-search*16))
	headAt := -1
	for i, t := range tags {
		data := tables[t]
		if t == "head" {
			data = slices.Clone(data)
			binary.BigEndian.PutUint32(data[8:], 0) // checksumAdjustment, set below
			headAt = len(out)
		}
		e := out[12+16*i:]
		copy(e, t)
		binary.BigEndian.PutUint32(e[4:], checksum(data))
		binary.BigEndian.PutUint32(e[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(e[12:], uint32(len(data)))
		out = append(out, data...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	if headAt >= 0 {
		binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-checksum(out))
	}
	return out
}

// checksum is the TrueType table checksum: the sum of big-endian 32-bit
// words, the last one padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
