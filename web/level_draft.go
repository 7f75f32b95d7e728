package web

import (
	"net/http"
	"strconv"
	"time"
)

// The answers of the "raise to standard" flow are kept in a sealed cookie
// (seal.go) rather than in hidden fields or a table. Hidden fields would be
// lost whenever a person follows a link — the «Изменить» links of the check
// page, the back link, the browser's back button to an older copy of a
// page — while a cookie is always the latest state. A table would need a
// migration and a purge job for drafts nobody finishes. The cookie is
// bound to the account (another person signing in on the same browser
// cannot open it), scoped to /cabinet/level, lives an hour, and is removed
// on submit and on sign-out. Nothing reaches the database until the person
// confirms their answers, and then identity seals it.
const (
	draftCookie = "okno_level"
	draftPath   = "/cabinet/level"
	draftTTL    = time.Hour
)

// levelDraft holds the answers as typed; identity normalises and checks
// them on submit.
type levelDraft struct {
	LastName   string `json:"ln,omitempty"`
	FirstName  string `json:"fn,omitempty"`
	MiddleName string `json:"mn,omitempty"`
	BirthDay   string `json:"bd,omitempty"`
	BirthMonth string `json:"bm,omitempty"`
	BirthYear  string `json:"by,omitempty"`
	Passport   string `json:"pp,omitempty"`
	SNILS      string `json:"sn,omitempty"`
}

func draftPurpose(userID int64) string { return "level draft user " + strconv.FormatInt(userID, 10) }

// loadDraft returns the person's answers so far (empty when none).
func (s *Server) loadDraft(r *http.Request, userID int64) levelDraft {
	var d levelDraft
	s.openSealed(r, draftCookie, draftPurpose(userID), &d)
	return d
}

// saveDraft stores the answers, renewing the hour.
func (s *Server) saveDraft(w http.ResponseWriter, userID int64, d levelDraft) error {
	return s.setSealed(w, draftCookie, draftPath, draftPurpose(userID), d, draftTTL)
}
