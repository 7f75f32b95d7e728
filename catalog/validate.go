package catalog

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/calendar"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/identity"
)

// Limits of a card: generous for a real regulation's wording, bounded so
// that one edit cannot fill the database or the search index.
const (
	MaxTitle      = 300  // runes of a title
	MaxText       = 4000 // runes of a paragraph: a summary, a step, who may apply
	MaxListItems  = 50   // keywords, steps, documents, grounds, acts, offices, situations
	MaxKeyword    = 100  // runes of one keyword
	MaxName       = 300  // runes of a person's name or position, an office's address
	MaxURL        = 2000 // bytes of a legal act's address
	MaxFeeKopecks = 100_000_000_00
	MaxDirItems   = 5000 // items of one directory
	MaxPhotoBytes = 2 << 20
	maxRuleName   = 64
)

var (
	codeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{1,63}$`)
	nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`) // process and rule names
)

var (
	levels     = map[Level]bool{LevelFederal: true, LevelRegional: true, LevelMunicipal: true}
	recipients = map[Recipient]bool{RecipientCitizen: true, RecipientEntrepreneur: true, RecipientOrganisation: true}
	kinds      = map[Kind]bool{KindApplication: true, KindInstant: true, KindInPerson: true}
	assurances = map[identity.Assurance]bool{identity.AssuranceSimplified: true, identity.AssuranceStandard: true, identity.AssuranceConfirmed: true}
)

// Valid reports whether l is a known level.
func (l Level) Valid() bool { return levels[l] }

// Valid reports whether r is a known recipient type.
func (r Recipient) Valid() bool { return recipients[r] }

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return kinds[k] }

// checkCode adds an error unless code is a catalogue code.
func checkCode(fe *okno.FieldErrors, field, code string) {
	if !codeRE.MatchString(code) {
		fe.Add(field, "catalog.code_bad")
	}
}

// checkText adds errors for a text in the wrong languages or too long, and
// for a missing Russian text when required.
func checkText(fe *okno.FieldErrors, field string, t Text, required bool, max int) {
	for lang, s := range t {
		if lang != "ru" && lang != "en" {
			fe.Add(field, "catalog.lang_unknown", lang)
			return
		}
		if utf8.RuneCountInString(s) > max {
			fe.Add(field, "catalog.too_long", max)
			return
		}
		if !utf8.ValidString(s) {
			fe.Add(field, "catalog.text_bad")
			return
		}
	}
	if required && strings.TrimSpace(t["ru"]) == "" {
		fe.Add(field, "catalog.title_required")
	}
}

func checkString(fe *okno.FieldErrors, field, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		fe.Add(field, "catalog.too_long", max)
	} else if !utf8.ValidString(s) {
		fe.Add(field, "catalog.text_bad")
	}
}

func checkCount(fe *okno.FieldErrors, field string, n int) bool {
	if n > MaxListItems {
		fe.Add(field, "catalog.too_many", MaxListItems)
		return false
	}
	return true
}

// normalise trims what people paste and fills the defaults: it never
// changes meaning.
func (in *Service) normalise() {
	in.Code = strings.TrimSpace(in.Code)
	if in.Assurance == "" {
		in.Assurance = identity.AssuranceSimplified
	}
	in.Process, in.InstantRule, in.LegalPeriod = strings.TrimSpace(in.Process), strings.TrimSpace(in.InstantRule), strings.TrimSpace(in.LegalPeriod)
	kw := in.Keywords[:0:0]
	for _, k := range in.Keywords {
		if k = strings.TrimSpace(k); k != "" {
			kw = append(kw, k)
		}
	}
	in.Keywords = kw
	if len(in.Form.Schema) == 0 && len(in.Form.Layout) == 0 {
		in.Form = Form{} // nil, not empty: Form.Empty and the row agree
	}
}

// validate checks what can be checked without the database, the form
// declaration included (Decl parses it again when it is first used).
func (in Service) validate() okno.FieldErrors {
	var fe okno.FieldErrors
	checkCode(&fe, "code", in.Code)
	checkText(&fe, "title", in.Title, true, MaxTitle)
	checkText(&fe, "summary", in.Summary, false, MaxText)
	if checkCount(&fe, "keywords", len(in.Keywords)) {
		for i, k := range in.Keywords {
			checkString(&fe, fmt.Sprintf("keywords[%d]", i), k, MaxKeyword)
		}
	}
	if !in.Level.Valid() {
		fe.Add("level", "catalog.level_unknown")
	}
	seen := map[Recipient]bool{}
	for _, r := range in.Recipients {
		if !r.Valid() || seen[r] {
			fe.Add("recipients", "catalog.recipient_unknown")
			break
		}
		seen[r] = true
	}
	if len(in.Recipients) == 0 {
		fe.Add("recipients", "catalog.recipients_required")
	}
	if !in.Kind.Valid() {
		fe.Add("kind", "catalog.kind_unknown")
	}
	if !assurances[in.Assurance] {
		fe.Add("assurance", "catalog.assurance_unknown")
	}
	if in.OrgID <= 0 {
		fe.Add("org_id", "catalog.org_unknown")
	}
	if in.ComplaintOrgID < 0 {
		fe.Add("complaint_org_id", "catalog.org_unknown")
	}
	if in.Category != "" {
		checkCode(&fe, "category", in.Category)
	}
	if checkCount(&fe, "situations", len(in.Situations)) {
		for i, c := range in.Situations {
			checkCode(&fe, fmt.Sprintf("situations[%d]", i), c)
		}
	}
	checkCount(&fe, "office_ids", len(in.OfficeIDs))
	switch {
	case in.Kind == KindApplication && in.Process == "":
		fe.Add("process", "catalog.process_required")
	case in.Process != "" && !nameRE.MatchString(in.Process):
		fe.Add("process", "catalog.name_bad")
	}
	switch {
	case in.Kind == KindInstant && in.InstantRule == "":
		fe.Add("instant_rule", "catalog.rule_required")
	case in.InstantRule != "" && !nameRE.MatchString(in.InstantRule):
		fe.Add("instant_rule", "catalog.name_bad")
	}
	if len(in.LegalPeriod) > 16 {
		fe.Add("legal_period", "catalog.legal_period_bad")
	} else if _, err := calendar.ParsePeriod(in.LegalPeriod); err != nil {
		fe.Add("legal_period", "catalog.legal_period_bad")
	}
	if in.Fee.Kopecks < 0 || in.Fee.Kopecks > MaxFeeKopecks {
		fe.Add("fee.kopecks", "catalog.fee_bad")
	}
	checkText(&fe, "fee.text", in.Fee.Text, false, MaxText)
	in.Card.check(&fe)
	checkString(&fe, "owner.name", in.Owner.Name, MaxName)
	checkString(&fe, "owner.position", in.Owner.Position, MaxName)
	if in.Owner.UserID < 0 {
		fe.Add("owner.user_id", "catalog.owner_unknown")
	}
	switch {
	case len(in.Form.Schema) == 0 && len(in.Form.Layout) > 0:
		fe.Add("form", "catalog.form_layout_alone")
	case len(in.Form.Schema) > 0:
		_, err := formdecl.Parse(in.Form.Schema, in.Form.Layout)
		var de formdecl.DeclErrors
		switch {
		case errors.As(err, &de):
			for _, f := range de.FieldErrors() {
				f.Field = "form." + f.Field
				fe = append(fe, f)
			}
		case err != nil:
			fe.Add("form", "catalog.form_bad")
		}
	}
	return fe
}

func (c Card) check(fe *okno.FieldErrors) {
	if checkCount(fe, "card.how_to", len(c.HowTo)) {
		for i, t := range c.HowTo {
			checkText(fe, fmt.Sprintf("card.how_to[%d]", i), t, true, MaxText)
		}
	}
	checkText(fe, "card.deadline", c.Deadline, false, MaxText)
	checkText(fe, "card.who_may", c.WhoMay, false, MaxText)
	if checkCount(fe, "card.refusal", len(c.Refusal)) {
		for i, t := range c.Refusal {
			checkText(fe, fmt.Sprintf("card.refusal[%d]", i), t, true, MaxText)
		}
	}
	checkText(fe, "card.result", c.Result, false, MaxText)
	if checkCount(fe, "card.documents", len(c.Documents)) {
		for i, d := range c.Documents {
			checkText(fe, fmt.Sprintf("card.documents[%d].title", i), d.Title, true, MaxTitle)
			checkText(fe, fmt.Sprintf("card.documents[%d].note", i), d.Note, false, MaxText)
		}
	}
	checkText(fe, "card.appeal", c.Appeal, false, MaxText)
	if checkCount(fe, "card.legal_acts", len(c.LegalActs)) {
		for i, a := range c.LegalActs {
			field := fmt.Sprintf("card.legal_acts[%d]", i)
			if strings.TrimSpace(a.Title) == "" {
				fe.Add(field+".title", "catalog.title_required")
			}
			checkString(fe, field+".title", a.Title, MaxTitle)
			if a.URL != "" && !webURL(a.URL) {
				fe.Add(field+".url", "catalog.url_bad")
			}
		}
	}
}

// webURL reports whether s is an absolute http(s) address a page may link
// to (never javascript: or data:).
func webURL(s string) bool {
	if len(s) > MaxURL {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != ""
}
