package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/org"
)

// This file holds the back office's forms that change a case: actions,
// assignment, notes, documents. Each checks that the person may see the
// case first (404 otherwise), then hands the answers to the case engine,
// which decides; a refusal or a wrong answer shows the case page again
// with the answers kept, success goes back to the page with a flash.

// staffCaseAct takes an action on a case.
func (s *Server) staffCaseAct(w http.ResponseWriter, r *http.Request) error {
	return s.staffCaseForm(w, r, "action", func(ctx context.Context, a okno.Actor, c casework.Case, version int64) (string, error) {
		in := casework.ActionInput{CaseID: c.ID, Version: version, Action: r.PostFormValue("action"),
			Comment: strings.TrimSpace(r.PostFormValue("comment")), Fields: map[string]string{}}
		allowed, err := s.deps.Cases.Allowed(ctx, a, c)
		if err != nil {
			return "", err
		}
		if i := slices.IndexFunc(allowed, func(x casework.AllowedAction) bool { return x.Name == in.Action }); i >= 0 {
			aa := allowed[i]
			for _, f := range aa.Fields {
				if v := strings.TrimSpace(r.PostFormValue("fields." + f.Name)); v != "" {
					in.Fields[f.Name] = v
				}
			}
			if n, err := strconv.Atoi(r.PostFormValue("reply")); err == nil && n >= 1 && n <= len(aa.Replies) && in.Comment == "" {
				in.Comment = aa.Replies[n-1].Body.In(string(stateFrom(ctx).loc.Lang()))
			}
		}
		if in.Documents, err = formUploads(r.MultipartForm); err != nil {
			return "", err
		}
		_, err = s.deps.Cases.Act(ctx, a, in)
		return "action", err
	})
}

// staffCaseAssign moves a case to a place within its organisation.
func (s *Server) staffCaseAssign(w http.ResponseWriter, r *http.Request) error {
	return s.staffCaseForm(w, r, "assign", func(ctx context.Context, a okno.Actor, c casework.Case, version int64) (string, error) {
		to, ok, err := s.assignmentOf(ctx, c.OrgID, r.PostFormValue("target"))
		if err != nil {
			return "", err
		}
		if !ok {
			var fe okno.FieldErrors
			fe.Add("target", "error.choose_one")
			return "", fe.Err()
		}
		to.Comment = formValue(r, "comment")
		_, err = s.deps.Cases.Assign(ctx, a, c.ID, version, to)
		return "assigned", err
	})
}

// staffCaseNote adds an internal note.
func (s *Server) staffCaseNote(w http.ResponseWriter, r *http.Request) error {
	return s.staffCaseForm(w, r, "note", func(ctx context.Context, a okno.Actor, c casework.Case, version int64) (string, error) {
		_, err := s.deps.Cases.Note(ctx, a, c.ID, version, formValue(r, "text"))
		return "note", err
	})
}

// staffCaseAttach adds one document outside an action.
func (s *Server) staffCaseAttach(w http.ResponseWriter, r *http.Request) error {
	return s.staffCaseForm(w, r, "attach", func(ctx context.Context, a okno.Actor, c casework.Case, version int64) (string, error) {
		ups, err := formUploads(r.MultipartForm)
		if err != nil {
			return "", err
		}
		if len(ups) != 1 {
			var fe okno.FieldErrors
			fe.Add(docsField, "web.staffcase.choose_file")
			return "", fe.Err()
		}
		ups[0].Kind = r.PostFormValue("kind")
		_, err = s.deps.Cases.Attach(ctx, a, c.ID, version, ups[0])
		return "document", err
	})
}

// staffCaseForm runs one of the case page's forms: it reads the form,
// loads the case (404 for a case the person may not see), calls do with
// the version the form was made from, and redirects to the page with
// ?done= or, for a person's mistake or a refusal, shows the page again
// with the answers kept. A stale version gets a message of its own: the
// page shows the case as it is now, with the answers still there.
func (s *Server) staffCaseForm(w http.ResponseWriter, r *http.Request, form string,
	do func(ctx context.Context, a okno.Actor, c casework.Case, version int64) (string, error)) error {
	if err := r.ParseMultipartForm(32 << 10); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return okno.Wrap(okno.EINVALID, "error.bad_request", err)
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	ctx, a := r.Context(), okno.ActorFrom(r.Context())
	c, err := s.deps.Cases.Get(ctx, a, id)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
	done, err := do(ctx, a, c, version)
	if err == nil {
		return seeOther(w, r, staffCasePath(id)+"?done="+done)
	}
	if !userError(err) {
		return err
	}
	status := formStatus(err)
	if okno.IsCode(err, okno.ECONFLICT) {
		err = okno.Errorf(okno.ECONFLICT, "web.staffcase.conflict")
	}
	fail := &staffFailure{form: form, action: r.PostFormValue("action"), values: r.PostForm, err: err}
	return s.renderStaffCase(w, r, status, id, fail)
}

// The values of an assignment's target in the forms: the organisation's
// queue, a position ("p:12"), or a person in a position ("u:7:12").
const orgQueueTarget = "org"

func positionTarget(pos int64) string { return "p:" + strconv.FormatInt(pos, 10) }

func personTarget(user, pos int64) string {
	return "u:" + strconv.FormatInt(user, 10) + ":" + strconv.FormatInt(pos, 10)
}

// assignTargetGroups are the places a case of an organisation with
// positions and staff may be assigned to, for a select.
func assignTargetGroups(l i18n.Localizer, positions []org.Position, staff []org.StaffMember) []OptionGroup {
	groups := []OptionGroup{{Options: []Option{{Value: "", Label: l.T("web.staffcase.choose")}, {Value: orgQueueTarget, Label: l.T("web.staffcase.org_queue")}}}}
	if len(positions) > 0 {
		g := OptionGroup{Label: l.T("web.staffcase.positions")}
		for _, p := range positions {
			g.Options = append(g.Options, Option{Value: positionTarget(p.ID), Label: p.Title})
		}
		groups = append(groups, g)
	}
	if len(staff) > 0 {
		g := OptionGroup{Label: l.T("web.staffcase.people")}
		for _, m := range staff {
			g.Options = append(g.Options, Option{Value: personTarget(m.UserID, m.Position.ID), Label: m.DisplayName + " — " + m.Position.Title})
		}
		groups = append(groups, g)
	}
	return groups
}

// assignmentOf reads a target the forms offered for organisation orgID;
// it reports false for anything the forms did not offer.
func (s *Server) assignmentOf(ctx context.Context, orgID int64, target string) (casework.Assignment, bool, error) {
	if target == orgQueueTarget {
		return casework.Assignment{}, true, nil
	}
	kind, rest, _ := strings.Cut(target, ":")
	if kind != "p" && kind != "u" {
		return casework.Assignment{}, false, nil
	}
	var user int64
	if kind == "u" {
		u, p, _ := strings.Cut(rest, ":")
		user, _ = strconv.ParseInt(u, 10, 64)
		rest = p
	}
	pos, _ := strconv.ParseInt(rest, 10, 64)
	if kind == "p" {
		positions, err := s.deps.Orgs.Positions(ctx, orgID)
		if err != nil {
			return casework.Assignment{}, false, err
		}
		ok := slices.ContainsFunc(positions, func(p org.Position) bool { return p.ID == pos })
		return casework.Assignment{PositionID: pos}, ok, nil
	}
	staff, err := s.deps.Orgs.StaffOf(ctx, orgID)
	if err != nil {
		return casework.Assignment{}, false, err
	}
	ok := slices.ContainsFunc(staff, func(m org.StaffMember) bool { return m.UserID == user && m.Position.ID == pos })
	return casework.Assignment{PositionID: pos, AssigneeID: user}, ok, nil
}
