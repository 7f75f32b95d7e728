package accrual

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
)

// ChangeKind is what an issuer's record does to a fine.
type ChangeKind string

// The change kinds, as ГИС ГМП has them.
const (
	ChangeNew     ChangeKind = "new"
	ChangeClarify ChangeKind = "clarify"
	ChangeAnnul   ChangeKind = "annul"
)

// Record is one change of a fine as an issuer sends it (one JSON line of a
// file, or one element of a push). Every record carries the fine's whole
// state, as ГИС ГМП's messages do, so changes may arrive in any order: Seq
// (or ChangedAt, when the issuer has no sequence) orders them.
type Record struct {
	UIN             string     `json:"uin"`
	Kind            ChangeKind `json:"kind"`
	Seq             int64      `json:"seq,omitempty"`
	ChangedAt       string     `json:"changed_at,omitempty"` // RFC 3339; orders changes when Seq is 0
	Licence         string     `json:"licence,omitempty"`
	STS             string     `json:"sts,omitempty"`
	Amount          int64      `json:"amount"` // kopecks
	DiscountPercent int64      `json:"discount_percent,omitempty"`
	DiscountAmount  int64      `json:"discount_amount,omitempty"` // kopecks
	DiscountUntil   string     `json:"discount_until,omitempty"`  // date (the last day) or RFC 3339 instant
	DecisionDate    string     `json:"decision_date"`             // date
	Article         string     `json:"article,omitempty"`         // e.g. "12.9.2"
	Place           string     `json:"place,omitempty"`
	Purpose         string     `json:"purpose,omitempty"`
}

// Limits on a record's text, in characters.
const (
	maxPurpose = 500
	maxArticle = 32
	maxPlace   = 300
)

// moscow is the zone dates in records are in: a discount "until 20
// January" lasts to the end of that day in Moscow.
var moscow = time.FixedZone("MSK", 3*60*60)

// change is a record checked and made ready to apply: documents
// normalised, blind-indexed and sealed.
type change struct {
	Kind     ChangeKind
	UIN      string
	Seq      int64
	Payer    Payer
	licence  []byte // blind indexes, nil when absent
	sts      []byte
	payerEnc []byte
	Amount   int64
	Discount Discount
	BillDate time.Time
	Article  string
	Place    string
	Purpose  string
}

// parseDate reads "2006-01-02" as the start of that day in Moscow.
func parseDate(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(time.DateOnly, s, moscow)
	return t, err == nil
}

// check validates r, naming fields after prefix ("records[3]." or ""),
// and returns the change it makes. Documents are not sealed yet.
func (r Record) check(prefix string, fe *okno.FieldErrors) change {
	c := change{Kind: r.Kind, UIN: r.UIN, Amount: r.Amount, Article: r.Article, Place: r.Place, Purpose: r.Purpose}
	if key := UINProblem(r.UIN); key != "" {
		fe.Add(prefix+"uin", key)
	}
	switch r.Kind {
	case ChangeNew, ChangeClarify, ChangeAnnul:
	default:
		fe.Add(prefix+"kind", "accrual.kind_unknown")
	}
	c.Seq = r.Seq
	switch {
	case r.Seq < 0:
		fe.Add(prefix+"seq", "accrual.seq_invalid")
	case r.Seq == 0 && r.ChangedAt == "":
		fe.Add(prefix+"seq", "accrual.seq_required")
	case r.Seq == 0:
		t, err := time.Parse(time.RFC3339Nano, r.ChangedAt)
		if err != nil || t.UnixMicro() <= 0 {
			fe.Add(prefix+"changed_at", "accrual.date_invalid")
		}
		c.Seq = t.UnixMicro()
	}
	checkAmount(prefix+"amount", r.Amount, fe)
	for _, d := range []struct {
		field, value string
		kind         DocKind
		into         *string
	}{{"licence", r.Licence, DocLicence, &c.Payer.Licence}, {"sts", r.STS, DocSTS, &c.Payer.STS}} {
		if d.value == "" {
			continue
		}
		n, ok := NormalizeDoc(d.value)
		if !ok {
			fe.Add(prefix+d.field, "accrual.doc_invalid")
		}
		*d.into = n
	}
	if r.Licence == "" && r.STS == "" {
		fe.Add(prefix+"licence", "accrual.doc_required")
	}
	var ok bool
	if c.BillDate, ok = parseDate(r.DecisionDate); !ok {
		fe.Add(prefix+"decision_date", "accrual.date_invalid")
	}
	c.Discount = r.discount(prefix, fe)
	for _, t := range []struct {
		field, value string
		max          int
	}{{"purpose", r.Purpose, maxPurpose}, {"article", r.Article, maxArticle}, {"place", r.Place, maxPlace}} {
		if !utf8.ValidString(t.value) || utf8.RuneCountInString(t.value) > t.max {
			fe.Add(prefix+t.field, "accrual.text_too_long", t.max)
		}
	}
	if c.Purpose == "" {
		c.Purpose = "Штраф"
		if r.Article != "" {
			c.Purpose += " по ст. " + r.Article + " КоАП РФ"
		}
	}
	return c
}

// discount reads the record's discount: a share or a fixed amount, never
// both, with its last day.
func (r Record) discount(prefix string, fe *okno.FieldErrors) Discount {
	if r.DiscountPercent == 0 && r.DiscountAmount == 0 {
		return Discount{}
	}
	d := Discount{Kind: DiscountPercent, Value: r.DiscountPercent}
	switch {
	case r.DiscountPercent != 0 && r.DiscountAmount != 0:
		fe.Add(prefix+"discount_amount", "accrual.discount_both")
	case r.DiscountPercent < 0 || r.DiscountPercent > 99:
		fe.Add(prefix+"discount_percent", "accrual.discount_percent")
	case r.DiscountAmount != 0:
		d = Discount{Kind: DiscountFixed, Value: r.DiscountAmount}
		if r.DiscountAmount < 0 || r.DiscountAmount >= r.Amount {
			fe.Add(prefix+"discount_amount", "accrual.discount_fixed")
		}
	}
	until, ok := parseUntil(r.DiscountUntil)
	if !ok {
		fe.Add(prefix+"discount_until", "accrual.discount_until")
	}
	d.Until = until
	return d
}

// parseUntil reads a discount's end: a date is its last day (the discount
// lasts to the end of it in Moscow), an RFC 3339 instant is the end itself.
func parseUntil(s string) (time.Time, bool) {
	if t, ok := parseDate(s); ok {
		return t.AddDate(0, 0, 1), true
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}

// checkAmount refuses amounts that are not positive or are absurd.
func checkAmount(field string, amount int64, fe *okno.FieldErrors) {
	switch {
	case amount <= 0:
		fe.Add(field, "accrual.amount_positive")
	case amount > MaxAmount:
		fe.Add(field, "accrual.amount_absurd", MaxAmount/100)
	}
}

// parseLine decodes one JSON line into a record; unknown fields are
// refused, so a misspelt field is reported rather than silently dropped.
func parseLine(line []byte) (Record, error) {
	var r Record
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return r, err
	}
	if dec.More() {
		return r, errors.New("accrual: trailing data after the record")
	}
	return r, nil
}

// fieldPrefix names element i of a push in field paths.
func fieldPrefix(i int) string { return "records[" + strconv.Itoa(i) + "]." }
