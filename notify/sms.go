package notify

import (
	"unicode/utf16"

	"github.com/okno/okno"
)

// Data codings of SMPP 3.4 (5.2.19) that Okno sends.
const (
	codingGSM7 byte = 0x00 // the SMSC default alphabet: GSM 03.38, one septet per octet
	codingUCS2 byte = 0x08 // UCS-2 (UTF-16 big-endian on every modern SMSC)
)

// Capacity of one message and of one part of a concatenated message, in
// septets (GSM 03.38) or UTF-16 code units (UCS-2): a part loses room to
// the six-octet user data header.
const (
	gsmSingle  = 160
	gsmPart    = 153
	ucs2Single = 70
	ucs2Part   = 67
)

// maxSMSParts bounds one message. Notifications are a line or two; a
// longer text is a template bug, and operators bill every part.
const maxSMSParts = 10

// gsmEscape starts a character of the GSM 03.38 extension table.
const gsmEscape = 0x1B

// gsmBasic is the GSM 03.38 default alphabet: a character's septet is its
// index. 0x1B is the escape to the extension table, never a character.
var gsmBasic = []rune("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")

// gsmExtension maps the characters of the extension table to the septet
// that follows the escape; each costs two septets.
var gsmExtension = map[rune]byte{
	'\f': 0x0A, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2F,
	'[': 0x3C, '~': 0x3D, ']': 0x3E, '|': 0x40, '€': 0x65,
}

// gsmCode maps the characters of the default alphabet to their septets.
var gsmCode = func() map[rune]byte {
	m := make(map[rune]byte, len(gsmBasic))
	for i, r := range gsmBasic {
		if r != gsmEscape {
			m[r] = byte(i)
		}
	}
	return m
}()

// smsMessage is a text encoded for submit_sm: its data coding and the
// short_message of each part, user data header included when there are
// several.
type smsMessage struct {
	Coding byte
	Parts  [][]byte
}

// UDH returns whether the parts carry a user data header (esm_class 0x40).
func (m smsMessage) UDH() bool { return len(m.Parts) > 1 }

// SMSParts is how many SMS a text takes: 1 for up to 160 GSM characters or
// 70 others, more for longer texts. Templates and their tests use it to keep
// SMS bodies short; it is 0 for an empty text.
func SMSParts(text string) int {
	if text == "" {
		return 0
	}
	units, gsm := smsUnits(text)
	if gsm {
		return len(splitUnits(units, gsmSingle, gsmPart))
	}
	return len(splitUnits(units, ucs2Single, ucs2Part))
}

// encodeSMS encodes text in GSM 03.38 when every character has a place in
// it, else in UCS-2, and splits it into parts that never cut an escape
// sequence or a surrogate pair. ref is the concatenation reference that
// ties the parts together on the handset.
func encodeSMS(text string, ref byte) (smsMessage, error) {
	if text == "" {
		return smsMessage{}, okno.Errorf(okno.EINVALID, "notify.sms_empty")
	}
	units, gsm := smsUnits(text)
	msg := smsMessage{Coding: codingUCS2}
	single, part := ucs2Single, ucs2Part
	if gsm {
		msg.Coding, single, part = codingGSM7, gsmSingle, gsmPart
	}
	chunks := splitUnits(units, single, part)
	if len(chunks) > maxSMSParts {
		return smsMessage{}, okno.Errorf(okno.EINVALID, "notify.sms_too_long", maxSMSParts)
	}
	for i, chunk := range chunks {
		var b []byte
		if len(chunks) > 1 {
			// IEI 0x00: concatenated short messages, 8-bit reference.
			b = append(b, 0x05, 0x00, 0x03, ref, byte(len(chunks)), byte(i+1))
		}
		for _, u := range chunk {
			b = append(b, u.bytes...)
		}
		msg.Parts = append(msg.Parts, b)
	}
	return msg, nil
}

// smsUnit is one character's encoding; its length is what it costs: one or
// two septets (GSM), one or two code units (UCS-2: two octets each).
type smsUnit struct {
	bytes []byte
	cost  int
}

// smsUnits encodes text character by character, in GSM 03.38 when every
// character fits (gsm true), else in UCS-2.
func smsUnits(text string) (units []smsUnit, gsm bool) {
	if units, ok := gsmUnits(text); ok {
		return units, true
	}
	for _, r := range text {
		var b []byte
		for _, u := range utf16.Encode([]rune{r}) {
			b = append(b, byte(u>>8), byte(u))
		}
		units = append(units, smsUnit{bytes: b, cost: len(b) / 2})
	}
	return units, false
}

func gsmUnits(text string) ([]smsUnit, bool) {
	var units []smsUnit
	for _, r := range text {
		if c, ok := gsmCode[r]; ok {
			units = append(units, smsUnit{bytes: []byte{c}, cost: 1})
		} else if c, ok := gsmExtension[r]; ok {
			units = append(units, smsUnit{bytes: []byte{gsmEscape, c}, cost: 2})
		} else {
			return nil, false
		}
	}
	return units, true
}

// splitUnits keeps units whole in one message of at most single, or parts
// of at most part.
func splitUnits(units []smsUnit, single, part int) [][]smsUnit {
	total := 0
	for _, u := range units {
		total += u.cost
	}
	if total <= single {
		return [][]smsUnit{units}
	}
	var chunks [][]smsUnit
	start, size := 0, 0
	for i, u := range units {
		if size+u.cost > part {
			chunks = append(chunks, units[start:i])
			start, size = i, 0
		}
		size += u.cost
	}
	return append(chunks, units[start:])
}
