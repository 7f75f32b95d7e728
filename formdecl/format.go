package formdecl

import (
	"errors"
	"net/url"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/ruid"
)

// formatKeys maps the problems package ruid reports to messages naming the
// field ("Поле «СНИЛС ребёнка»: ..."); ruid's own keys do not take a label.
var formatKeys = map[string]string{
	"ruid.snils_format":      "formdecl.snils_format",
	"ruid.snils_checksum":    "formdecl.snils_checksum",
	"ruid.inn_format":        "formdecl.inn_format",
	"ruid.inn_person_format": "formdecl.inn12_format",
	"ruid.inn_org_format":    "formdecl.inn10_format",
	"ruid.inn_checksum":      "formdecl.inn_checksum",
	"ruid.ogrn_format":       "formdecl.ogrn_format",
	"ruid.ogrn_checksum":     "formdecl.ogrn_checksum",
	"ruid.ogrnip_format":     "formdecl.ogrnip_format",
	"ruid.ogrnip_checksum":   "formdecl.ogrnip_checksum",
	"ruid.passport_format":   "formdecl.passport_format",
	"ruid.passport_series":   "formdecl.passport_series",
	"ruid.phone_format":      "formdecl.phone_format",
}

// checkFormat returns the catalogue key of the problem with x under format,
// or "" when x is well formed. Identifiers are checked with their checksums.
func checkFormat(format, x string) string {
	var err error
	switch format {
	case "date":
		if _, e := time.Parse(time.DateOnly, x); e != nil {
			return "formdecl.date"
		}
	case "date-time":
		if _, e := time.Parse(time.RFC3339, x); e != nil {
			return "formdecl.date_time"
		}
	case "uri":
		u, e := url.Parse(x)
		if e != nil || !u.IsAbs() || u.Host == "" && u.Opaque == "" {
			return "formdecl.uri"
		}
	case "email":
		if _, e := ruid.Email(x); e != nil {
			return "formdecl.email"
		}
	case "snils":
		_, err = ruid.SNILS(x)
	case "inn":
		_, err = ruid.INN(x)
	case "inn10":
		_, err = ruid.OrgINN(x)
	case "inn12":
		_, err = ruid.PersonINN(x)
	case "ogrn":
		_, err = ruid.OGRN(x)
	case "ogrnip":
		_, err = ruid.OGRNIP(x)
	case "passport-rf":
		_, err = ruid.Passport(x)
	case "phone-ru":
		_, err = ruid.Phone(x)
	case "file":
		if !fileRef(x) {
			return "formdecl.file_ref"
		}
	}
	if err == nil {
		return ""
	}
	var e *okno.Error
	if errors.As(err, &e) {
		if key, ok := formatKeys[e.Key]; ok {
			return key
		}
		if e.Key == "ruid.required" {
			return "formdecl.required"
		}
	}
	return "formdecl.format"
}

// maxFileRef bounds a file reference: the application stores an
// attachment's short ID there, never a name or a path.
const maxFileRef = 64

// fileRef reports whether x can be a reference to an attached document:
// 1 to 64 characters of [A-Za-z0-9_-], so it cannot smuggle a path, a URL or
// markup into the data.
func fileRef(x string) bool {
	if x == "" || len(x) > maxFileRef {
		return false
	}
	for i := 0; i < len(x); i++ {
		c := x[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// requiredKey is the message for a required field left unanswered: a file
// field asks for the document to be attached rather than "filled in".
func requiredKey(s *Schema) string {
	if s.isFile() {
		return "formdecl.file_required"
	}
	return "formdecl.required"
}
