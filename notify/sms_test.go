package notify

import (
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/okno/okno"
)

// gsmDecode is the inverse of the GSM 03.38 encoding, for the tests.
func gsmDecode(t testing.TB, b []byte) string {
	t.Helper()
	ext := map[byte]rune{}
	for r, c := range gsmExtension {
		ext[c] = r
	}
	var s strings.Builder
	for i := 0; i < len(b); i++ {
		if b[i] != gsmEscape {
			s.WriteRune(gsmBasic[b[i]])
			continue
		}
		i++
		if i == len(b) {
			t.Fatalf("escape at the end of a part: % x", b)
		}
		r, ok := ext[b[i]]
		if !ok {
			t.Fatalf("unknown escape 0x%02x", b[i])
		}
		s.WriteRune(r)
	}
	return s.String()
}

// ucs2Decode decodes UTF-16 big-endian, failing on a part that ends in the
// middle of a surrogate pair.
func ucs2Decode(t testing.TB, b []byte) string {
	t.Helper()
	if len(b)%2 != 0 {
		t.Fatalf("odd UCS-2 length %d", len(b))
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	if n := len(u); n > 0 && utf16.IsSurrogate(rune(u[n-1])) && u[n-1] < 0xDC00 {
		t.Fatalf("part ends with a high surrogate")
	}
	if len(u) > 0 && u[0] >= 0xDC00 && u[0] <= 0xDFFF {
		t.Fatalf("part starts with a low surrogate")
	}
	return string(utf16.Decode(u))
}

// reassemble checks the parts' headers and sizes and returns the text.
func reassemble(t testing.TB, m smsMessage, ref byte) string {
	t.Helper()
	single, part := gsmSingle, gsmPart
	decode := gsmDecode
	if m.Coding == codingUCS2 {
		single, part, decode = 2*ucs2Single, 2*ucs2Part, ucs2Decode
	}
	if len(m.Parts) == 1 {
		if len(m.Parts[0]) > single {
			t.Fatalf("single message of %d octets, more than %d", len(m.Parts[0]), single)
		}
		return decode(t, m.Parts[0])
	}
	var s strings.Builder
	for i, p := range m.Parts {
		want := []byte{0x05, 0x00, 0x03, ref, byte(len(m.Parts)), byte(i + 1)}
		if len(p) < 6 || string(p[:6]) != string(want) {
			t.Fatalf("part %d header % x, want % x", i+1, p[:min(6, len(p))], want)
		}
		if len(p)-6 > part {
			t.Fatalf("part %d carries %d octets, more than %d", i+1, len(p)-6, part)
		}
		s.WriteString(decode(t, p[6:]))
	}
	return s.String()
}

func TestEncodeSMS(t *testing.T) {
	cyr := func(n int) string { return strings.Repeat("я", n) }
	lat := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name    string
		text    string
		coding  byte
		payload []int // octets of text per part, headers left out
	}{
		{"one Latin", "Code 482913", codingGSM7, []int{11}},
		{"160 Latin", lat(160), codingGSM7, []int{160}},
		{"161 Latin", lat(161), codingGSM7, []int{153, 8}},
		{"306 Latin", lat(306), codingGSM7, []int{153, 153}},
		{"GSM specials", "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà", codingGSM7, []int{64}},
		{"escapes count double", strings.Repeat("€", 80), codingGSM7, []int{160}},
		{"81 euros split", strings.Repeat("€", 81), codingGSM7, []int{152, 10}},
		{"escape not cut", lat(152) + "€" + lat(10), codingGSM7, []int{152, 12}},
		{"70 Cyrillic", cyr(70), codingUCS2, []int{140}},
		{"71 Cyrillic", cyr(71), codingUCS2, []int{134, 8}},
		{"134 Cyrillic", cyr(134), codingUCS2, []int{134, 134}},
		{"135 Cyrillic", cyr(135), codingUCS2, []int{134, 134, 2}},
		{"ё is not GSM", "ёлка", codingUCS2, []int{8}},
		{"one Cyrillic letter makes all UCS-2", lat(100) + "ж", codingUCS2, []int{134, 68}},
		{"emoji is a surrogate pair", "😀", codingUCS2, []int{4}},
		{"69 + emoji overflows", cyr(69) + "😀", codingUCS2, []int{134, 8}},
		{"emoji not cut", cyr(66) + "😀" + cyr(10), codingUCS2, []int{132, 24}},
		{"emoji fits exactly", cyr(65) + "😀" + cyr(10), codingUCS2, []int{134, 20}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := encodeSMS(tt.text, 42)
			if err != nil {
				t.Fatal(err)
			}
			if m.Coding != tt.coding {
				t.Errorf("coding = %d, want %d", m.Coding, tt.coding)
			}
			var got []int
			for _, p := range m.Parts {
				n := len(p)
				if m.UDH() {
					n -= 6
				}
				got = append(got, n)
			}
			if diff := cmp.Diff(tt.payload, got); diff != "" {
				t.Errorf("part sizes (-want +got):\n%s", diff)
			}
			if got := SMSParts(tt.text); got != len(tt.payload) {
				t.Errorf("SMSParts = %d, want %d", got, len(tt.payload))
			}
			if got := reassemble(t, m, 42); got != tt.text {
				t.Errorf("reassembled %q, want %q", got, tt.text)
			}
		})
	}
}

func TestEncodeSMSRefuses(t *testing.T) {
	for name, text := range map[string]string{
		"empty":    "",
		"too long": strings.Repeat("a", gsmPart*maxSMSParts+1),
	} {
		if _, err := encodeSMS(text, 1); !okno.IsCode(err, okno.EINVALID) {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
	if _, err := encodeSMS(strings.Repeat("a", gsmPart*maxSMSParts), 1); err != nil {
		t.Errorf("the longest message: %v", err)
	}
}

func FuzzEncodeSMS(f *testing.F) {
	for _, s := range []string{"Код 482913", strings.Repeat("я", 71), strings.Repeat("a", 152) + "€b", strings.Repeat("ж", 66) + "😀", "a\x00b", "{[~]}"} {
		f.Add(s, byte(7))
	}
	f.Fuzz(func(t *testing.T, text string, ref byte) {
		if !utf8.ValidString(text) {
			t.Skip() // texts come from templates and are valid UTF-8
		}
		m, err := encodeSMS(text, ref)
		if err != nil {
			if text != "" && SMSParts(text) <= maxSMSParts {
				t.Fatalf("encodeSMS(%q): %v", text, err)
			}
			return
		}
		if len(m.Parts) != SMSParts(text) {
			t.Fatalf("%d parts, SMSParts says %d", len(m.Parts), SMSParts(text))
		}
		if got := reassemble(t, m, ref); got != text {
			t.Fatalf("reassembled %q, want %q", got, text)
		}
	})
}
