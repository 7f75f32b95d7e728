package web

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/okno/okno/catalog"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/org"
)

// This file turns catalogue values into what the catalogue's templates
// show: texts in the reader's language, labels, fees and working hours.

// serviceItem is a service in a list of the catalogue.
type serviceItem struct {
	Code, Title, Summary, OrgName string
	Level, Kind                   string // translated
	Recipients                    string // translated, joined
}

func toServiceItem(l i18n.Localizer, x catalog.Summary) serviceItem {
	lang := string(l.Lang())
	return serviceItem{Code: x.Code, Title: x.Title.In(lang), Summary: x.Summary.In(lang), OrgName: x.OrgName,
		Level: levelLabel(l, x.Level), Kind: kindLabel(l, x.Kind), Recipients: recipientsLabel(l, x.Recipients)}
}

func toServiceItems(l i18n.Localizer, xs []catalog.Summary) []serviceItem {
	out := make([]serviceItem, 0, len(xs))
	for _, x := range xs {
		out = append(out, toServiceItem(l, x))
	}
	return out
}

func levelLabel(l i18n.Localizer, v catalog.Level) string {
	return l.T("web.catalog.level." + string(v))
}
func kindLabel(l i18n.Localizer, v catalog.Kind) string { return l.T("web.catalog.kind." + string(v)) }

func recipientsLabel(l i18n.Localizer, rs []catalog.Recipient) string {
	names := make([]string, 0, len(rs))
	for _, r := range rs {
		names = append(names, l.T("web.catalog.recipient."+string(r)))
	}
	return strings.Join(names, ", ")
}

// feeLabel says what a service costs: "Бесплатно" or "1 500 ₽" (kopecks
// shown only when there are any).
func feeLabel(l i18n.Localizer, kopecks int64) string {
	if kopecks == 0 {
		return l.T("web.catalog.free")
	}
	rub := groupDigits(strconv.FormatInt(kopecks/100, 10))
	if k := kopecks % 100; k != 0 {
		sep := ","
		if l.Lang() == i18n.English {
			sep = "."
		}
		rub += fmt.Sprintf("%s%02d", sep, k)
	}
	return l.T("web.catalog.roubles", rub)
}

// groupDigits puts a narrow no-break space between thousands, as Russian
// typography does ("1 500 000").
func groupDigits(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString("\u202f")
		}
		b.WriteRune(c)
	}
	return b.String()
}

// hoursRow is one weekday of working hours.
type hoursRow struct {
	Day, Hours string
}

// hoursRows lists working hours by weekday, Monday first.
func hoursRows(l i18n.Localizer, h org.WorkingHours) []hoursRow {
	rows := make([]hoursRow, 0, 7)
	for d, ivs := range h.Days {
		parts := make([]string, 0, len(ivs))
		for _, iv := range ivs {
			parts = append(parts, iv.From+"–"+iv.To)
		}
		text := strings.Join(parts, ", ")
		if text == "" {
			text = l.T("web.catalog.day_off")
		}
		rows = append(rows, hoursRow{Day: l.T("web.catalog.weekday." + strconv.Itoa(d)), Hours: text})
	}
	return rows
}

// officeView is an office on a card.
type officeView struct {
	Name, Address, Phone, Note string
	Hours                      []hoursRow
}

func toOfficeViews(l i18n.Localizer, offices []catalog.Office) []officeView {
	out := make([]officeView, 0, len(offices))
	for _, o := range offices {
		out = append(out, officeView{Name: o.Name.In(string(l.Lang())), Address: o.Address, Phone: o.Phone, Note: o.Hours.Note, Hours: hoursRows(l, o.Hours)})
	}
	return out
}

// catalogFilters are the list's filters as the page's selects.
func catalogFilters(l i18n.Localizer, q catalog.Query, cats []catalog.Category, sits []catalog.Situation) []Field {
	lang := string(l.Lang())
	any := Option{Value: "", Label: l.T("web.catalog.filter_any")}
	catOpts := []Option{any}
	for _, c := range cats {
		catOpts = append(catOpts, Option{Value: c.Code, Label: c.Title.In(lang)})
	}
	sitOpts := []Option{any}
	for _, st := range sits {
		sitOpts = append(sitOpts, Option{Value: st.Code, Label: st.Title.In(lang)})
	}
	levelOpts := []Option{any}
	for _, v := range []catalog.Level{catalog.LevelFederal, catalog.LevelRegional, catalog.LevelMunicipal} {
		levelOpts = append(levelOpts, Option{Value: string(v), Label: levelLabel(l, v)})
	}
	recOpts := []Option{any}
	for _, v := range []catalog.Recipient{catalog.RecipientCitizen, catalog.RecipientEntrepreneur, catalog.RecipientOrganisation} {
		recOpts = append(recOpts, Option{Value: string(v), Label: l.T("web.catalog.recipient." + string(v))})
	}
	sel := func(name, label, value string, opts []Option) Field {
		return Field{Name: name, Type: "select", Label: label, Value: value, Groups: []OptionGroup{{Options: opts}}}
	}
	return []Field{
		sel("category", l.T("web.catalog.filter_category"), q.Category, catOpts),
		sel("situation", l.T("web.catalog.filter_situation"), q.Situation, sitOpts),
		sel("level", l.T("web.catalog.filter_level"), string(q.Level), levelOpts),
		sel("recipient", l.T("web.catalog.filter_recipient"), string(q.Recipient), recOpts),
	}
}

// parseCatalogQuery reads the list's filters and cursor; a value that is
// not one of the choices is a field error.
func parseCatalogQuery(v url.Values) (catalog.Query, []string) {
	q := catalog.Query{Category: v.Get("category"), Situation: v.Get("situation"),
		Level: catalog.Level(v.Get("level")), Recipient: catalog.Recipient(v.Get("recipient")), After: v.Get("after")}
	var bad []string
	if q.Category != "" && !codeLike(q.Category) {
		bad, q.Category = append(bad, "category"), ""
	}
	if q.Situation != "" && !codeLike(q.Situation) {
		bad, q.Situation = append(bad, "situation"), ""
	}
	if q.Level != "" && !q.Level.Valid() {
		bad, q.Level = append(bad, "level"), ""
	}
	if q.Recipient != "" && !q.Recipient.Valid() {
		bad, q.Recipient = append(bad, "recipient"), ""
	}
	return q, bad
}

// codeLike reports whether s could be a catalogue code, so that no other
// text reaches a lookup.
func codeLike(s string) bool {
	if len(s) < 2 || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}
