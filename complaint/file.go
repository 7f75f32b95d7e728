package complaint

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// Eligible decides whether actor may complain about case c (the case as
// actor sees it): only a citizen, only about a case they are the
// applicant of, open or closed, of any kind but a complaint. A decision
// on a complaint is not complained about again through this door: the
// law sends it to court (the complaint process says so to the citizen),
// and a chain of complaints about complaints would only cycle between
// the same bodies.
func Eligible(actor okno.Actor, c casework.Case) error {
	if err := citizen(actor); err != nil {
		return err
	}
	switch {
	case c.ApplicantID != actor.UserID:
		// The case engine shows a citizen only their own cases; a case
		// given here that is not theirs does not exist for them.
		return okno.Errorf(okno.ENOTFOUND, "error.not_found")
	case c.Kind == process.KindComplaint:
		return okno.Errorf(okno.EFORBIDDEN, "complaint.of_complaint")
	}
	return nil
}

// citizen lets only a signed-in citizen complain.
func citizen(actor okno.Actor) error {
	switch {
	case actor.IsAnonymous():
		return okno.Errorf(okno.EUNAUTHORIZED, "complaint.sign_in")
	case actor.Kind != okno.ActorCitizen || actor.UserID == 0:
		return okno.Errorf(okno.EFORBIDDEN, "complaint.citizens_only")
	}
	return nil
}

// File files a complaint about one of the citizen's cases: it checks the
// citizen may, the grounds and the text; finds the controlling body;
// renders the original case's history; and in one transaction opens the
// complaint case with the history attached, links it to the original,
// records "Подана жалоба" on the original's timeline and audits it. A
// repeated filing with the same idempotency key returns the first one.
func (s *Service) File(ctx context.Context, actor okno.Actor, in Filing) (Complaint, error) {
	if err := citizen(actor); err != nil {
		return Complaint{}, err
	}
	orig, err := s.d.Cases.Get(ctx, actor, in.CaseID)
	if err != nil {
		return Complaint{}, err
	}
	if err := Eligible(actor, orig); err != nil {
		return Complaint{}, err
	}
	in, err = normalise(in)
	if err != nil {
		return Complaint{}, err
	}
	if c, ok, err := s.byKey(ctx, s.d.DB, actor.UserID, in.IdempotencyKey); ok || err != nil {
		return c, err
	}
	var n int
	if err := s.d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM complaints WHERE original_case_id = ? AND filed_by = ?`,
		orig.ID, actor.UserID).Scan(&n); err != nil {
		return Complaint{}, fmt.Errorf("complaint: count complaints of case %d: %w", orig.ID, err)
	}
	if n >= MaxPerCase {
		return Complaint{}, okno.Errorf(okno.ECONFLICT, "complaint.too_many", MaxPerCase)
	}
	body, err := s.controllingBody(ctx, orig)
	if err != nil {
		return Complaint{}, err
	}
	doc, err := s.history(ctx, orig)
	if err != nil {
		return Complaint{}, err
	}
	p, err := s.d.Cases.Prepare(ctx, actor, casework.NewCase{
		Process: Process, OrgID: body, Subject: "Жалоба по делу № " + orig.Ref,
		Data:           caseData(orig, in),
		Documents:      []casework.Upload{{Name: "История дела " + orig.Ref + ".pdf", Content: doc}},
		IdempotencyKey: "complaint:" + in.IdempotencyKey,
	})
	if err != nil {
		return Complaint{}, err
	}
	var out Complaint
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		out, err = s.fileTx(ctx, tx, actor, orig, in, p)
		return err
	})
	return out, err
}

// fileTx is the transaction of File.
func (s *Service) fileTx(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, orig casework.Case, in Filing, p *casework.Prepared) (Complaint, error) {
	c, err := s.d.Cases.OpenPreparedTx(ctx, tx, p)
	if err != nil {
		return Complaint{}, err
	}
	// A concurrent double click may have got here first under the same
	// key: the case engine returned its case, which is then linked.
	if first, ok, err := s.byKey(ctx, tx, actor.UserID, in.IdempotencyKey); ok || err != nil {
		first.Due = c.Legal.Due
		return first, err
	}
	now := sqldb.Now(s.d.Now())
	out := Complaint{CaseID: c.ID, Ref: c.Ref, OriginalCaseID: orig.ID, OriginalRef: orig.Ref,
		Grounds: in.Grounds, FiledBy: actor.UserID, At: now, Due: c.Legal.Due}
	if _, err := tx.ExecContext(ctx, `INSERT INTO complaints (complaint_case_id, complaint_ref, original_case_id,
			original_ref, grounds, filed_by, idempotency_key, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.Ref, orig.ID, orig.Ref, strings.Join(in.Grounds, ","), actor.UserID, in.IdempotencyKey, now); err != nil {
		return Complaint{}, fmt.Errorf("complaint: link case %d to %d: %w", c.ID, orig.ID, err)
	}
	if _, err := s.d.Cases.RecordTx(ctx, tx, actor, orig.ID, 0, casework.Event{Kind: EventFiled,
		Comment: "№ " + c.Ref, Fields: map[string]string{"complaint": c.Ref}, CitizenVisible: true}); err != nil {
		return Complaint{}, fmt.Errorf("complaint: record on case %d: %w", orig.ID, err)
	}
	e := audit.Entry{Actor: actor.Ref(), Action: "complaint.file", ObjectType: "complaint",
		ObjectID: strconv.FormatInt(c.ID, 10),
		After:    audit.Digest(map[string]any{"original": orig.ID, "grounds": in.Grounds})}
	if _, err := s.d.Audit.Append(ctx, tx, e); err != nil {
		return Complaint{}, fmt.Errorf("complaint: audit: %w", err)
	}
	return out, nil
}

// Check validates a filing as File would, without filing it: the check
// step of the form asks it before showing the answers back. It returns the
// filing as File stores it (trimmed, grounds in the law's order).
func Check(in Filing) (Filing, error) { return normalise(in) }

// normalise trims the input, checks it and fills in the idempotency key.
func normalise(in Filing) (Filing, error) {
	var fe okno.FieldErrors
	in.Text = strings.TrimSpace(in.Text)
	switch n := utf8.RuneCountInString(in.Text); {
	case !utf8.ValidString(in.Text):
		fe.Add("text", "complaint.text_encoding")
	case n == 0:
		fe.Add("text", "complaint.text_required")
	case n < MinText:
		fe.Add("text", "complaint.text_short", MinText)
	case n > MaxText:
		fe.Add("text", "complaint.text_long", MaxText)
	}
	var grounds []string
	switch {
	case len(in.Grounds) == 0:
		fe.Add("grounds", "complaint.grounds_required")
	case len(in.Grounds) > len(Grounds):
		// More boxes than the law has grounds: not from our form.
		fe.Add("grounds", "complaint.ground_unknown")
	default:
		for _, g := range in.Grounds {
			if !knownGround(g) {
				fe.Add("grounds", "complaint.ground_unknown")
				break
			}
			if !slices.Contains(grounds, g) {
				grounds = append(grounds, g)
			}
		}
	}
	if len(in.IdempotencyKey) > maxKey {
		fe.Add("idempotency_key", "complaint.key_long", maxKey)
	}
	if err := fe.Err(); err != nil {
		return in, err
	}
	// The law's order, whatever order the form sent them in.
	slices.SortFunc(grounds, func(a, b string) int { return groundIndex(a) - groundIndex(b) })
	in.Grounds = grounds
	if in.IdempotencyKey == "" {
		h := sha256.Sum256([]byte(strconv.FormatInt(in.CaseID, 10) + "\x00" + strings.Join(grounds, ",") + "\x00" + in.Text))
		in.IdempotencyKey = "auto:" + hex.EncodeToString(h[:16])
	}
	return in, nil
}

func groundIndex(code string) int {
	return slices.IndexFunc(Grounds, func(g Ground) bool { return g.Code == code })
}

// controllingBody decides who receives a complaint about case c, the one
// place this rule lives: for an application of a catalogue service, the
// controlling body the service names (Service.ComplaintOrgID); otherwise
// the higher body — the parent of the case's organisation; and for an
// organisation at the top of the tree (nobody above it), the organisation
// itself, whose head then answers (210-ФЗ art. 11.2 p. 1).
func (s *Service) controllingBody(ctx context.Context, c casework.Case) (int64, error) {
	if c.Kind == process.KindApplication && s.d.Applications != nil {
		svc, err := s.d.Applications.ServiceOf(ctx, c.ID)
		switch {
		case err == nil && svc.ComplaintOrgID != 0:
			return svc.ComplaintOrgID, nil
		case err != nil && !okno.IsCode(err, okno.ENOTFOUND):
			return 0, fmt.Errorf("complaint: service of case %d: %w", c.ID, err)
		}
	}
	o, err := s.d.Orgs.Get(ctx, c.OrgID)
	if err != nil {
		return 0, fmt.Errorf("complaint: organisation %d: %w", c.OrgID, err)
	}
	if o.ParentID != 0 {
		return o.ParentID, nil
	}
	return o.ID, nil
}

// caseData is the complaint case's form data: what the controlling body
// reads on the case page, the original case's reference and link first.
func caseData(orig casework.Case, in Filing) map[string]any {
	laws := make([]string, 0, len(in.Grounds))
	for _, code := range in.Grounds {
		g, _ := ground(code)
		laws = append(laws, fmt.Sprintf("п. %d ст. 11.1 210-ФЗ: %s", g.Point, g.Law))
	}
	return map[string]any{
		"original_ref":  orig.Ref,
		"original_link": "/staff/cases/" + strconv.FormatInt(orig.ID, 10),
		"grounds":       strings.Join(laws, "; "),
		"text":          in.Text,
	}
}

// byKey finds the complaint citizen userID filed with key before.
func (s *Service) byKey(ctx context.Context, q sqldb.Querier, userID int64, key string) (Complaint, bool, error) {
	rows, err := q.QueryContext(ctx, selectComplaints+` WHERE filed_by = ? AND idempotency_key = ?`, userID, key)
	if err != nil {
		return Complaint{}, false, fmt.Errorf("complaint: find by key: %w", err)
	}
	cs, err := scanComplaints(rows)
	if err != nil || len(cs) == 0 {
		return Complaint{}, false, err
	}
	return cs[0], true, nil
}

const selectComplaints = `SELECT complaint_case_id, complaint_ref, original_case_id, original_ref, grounds, filed_by, at FROM complaints`

func scanComplaints(rows *sql.Rows) ([]Complaint, error) {
	defer rows.Close()
	var out []Complaint
	for rows.Next() {
		var c Complaint
		var grounds string
		if err := rows.Scan(&c.CaseID, &c.Ref, &c.OriginalCaseID, &c.OriginalRef, &grounds, &c.FiledBy, &c.At); err != nil {
			return nil, fmt.Errorf("complaint: scan: %w", err)
		}
		c.Grounds = strings.Split(grounds, ",")
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("complaint: read: %w", err)
	}
	return out, nil
}

// Of lists the complaints about case caseID, oldest first, to whoever may
// see that case (the case engine decides).
func (s *Service) Of(ctx context.Context, actor okno.Actor, caseID int64) ([]Complaint, error) {
	if _, err := s.d.Cases.Get(ctx, actor, caseID); err != nil {
		return nil, err
	}
	rows, err := s.d.DB.QueryContext(ctx, selectComplaints+` WHERE original_case_id = ? ORDER BY at, complaint_case_id LIMIT ?`,
		caseID, maxListLength)
	if err != nil {
		return nil, fmt.Errorf("complaint: complaints of case %d: %w", caseID, err)
	}
	return scanComplaints(rows)
}

// Original returns the link of complaint case complaintCaseID to the case
// it is about, to whoever may see the complaint case; ENOTFOUND for a
// case that is not a complaint filed here.
func (s *Service) Original(ctx context.Context, actor okno.Actor, complaintCaseID int64) (Complaint, error) {
	if _, err := s.d.Cases.Get(ctx, actor, complaintCaseID); err != nil {
		return Complaint{}, err
	}
	rows, err := s.d.DB.QueryContext(ctx, selectComplaints+` WHERE complaint_case_id = ?`, complaintCaseID)
	if err != nil {
		return Complaint{}, fmt.Errorf("complaint: link of case %d: %w", complaintCaseID, err)
	}
	cs, err := scanComplaints(rows)
	if err != nil {
		return Complaint{}, err
	}
	if len(cs) == 0 {
		return Complaint{}, okno.Errorf(okno.ENOTFOUND, "error.not_found")
	}
	return cs[0], nil
}
