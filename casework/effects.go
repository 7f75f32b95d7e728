package casework

import (
	"context"
	"fmt"

	"github.com/okno/okno"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
	"github.com/okno/okno/process"
	"github.com/okno/okno/sqldb"
)

// Template and event names of what the engine itself does.
const (
	templateEscalated = "case.escalated"
	templateAssigned  = "case.assigned"
	templateRerouted  = "case.rerouted"
	eventOpened       = "case.opened"
	// The generic templates a notice falls back to when the process has
	// none of its own (one an administrator published brings no texts).
	templateOpened = "case.opened"
	templateAction = "case.action"
	eventEscalated = "case.escalated"
	eventRerouted  = "case.rerouted"
)

// effects carries out the effects of action a, just taken on r as event
// ev, in the action's transaction: notices and webhooks go to the outbox
// through notify, result documents are marked, child cases opened, hooks
// run.
func (s *Service) effects(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, r record, def *process.Definition,
	a process.Action, ev int64, oc *orgCache) error {
	for _, e := range a.Effects {
		var err error
		switch e.Kind {
		case process.EffectNotify:
			err = s.notifyAudience(ctx, tx, actor, r, def, ev, e.Audience, e.TemplateName(r.Process, a.Name), oc)
		case process.EffectResult:
			_, err = tx.ExecContext(ctx, `UPDATE case_documents SET is_result = TRUE, citizen_visible = TRUE
				WHERE case_id = ? AND event_id = ? AND kind = ?`, r.ID, ev, e.Document)
		case process.EffectChildren:
			err = s.openChildren(ctx, tx, r, ev, e.Processes)
		case process.EffectWebhook:
			err = s.emit(ctx, tx, r, ev, e.Event, a.Name)
		case process.EffectHook:
			h, ok := s.hooks[e.Hook]
			if !ok {
				return okno.Wrap(okno.EINTERNAL, "error.internal", fmt.Errorf("casework: no hook %q registered", e.Hook))
			}
			err = h(ctx, tx, r.Case, e.Params)
		default:
			return fmt.Errorf("casework: action %s: unknown effect %q", a.Name, e.Kind)
		}
		if err != nil {
			return fmt.Errorf("casework: %s effect of %s on case %d: %w", e.Kind, a.Name, r.ID, err)
		}
	}
	return nil
}

// openEffects tells the applicant their case is open ("<process>.opened";
// not for child cases) and subscribed systems that it is ("case.opened").
func (s *Service) openEffects(ctx context.Context, tx *sqldb.Tx, r record, def *process.Definition, ev int64) error {
	if r.ApplicantID != 0 && r.ParentID == 0 { // a child case is the parent's business: its action told the applicant
		n := s.notice(r, def, ev, r.ApplicantID, process.AudienceApplicant, r.Process+".opened")
		if err := s.d.Notices.Notify(ctx, tx, n); err != nil {
			return fmt.Errorf("casework: notify opening of case %d: %w", r.ID, err)
		}
	}
	return s.emit(ctx, tx, r, ev, eventOpened, "")
}

// notifyAudience sends template to each member of audience, except the
// actor themself.
func (s *Service) notifyAudience(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, r record, def *process.Definition,
	ev int64, aud process.Audience, tmpl string, oc *orgCache) error {
	var users []int64
	switch aud {
	case process.AudienceApplicant:
		if r.ApplicantID != 0 {
			users = []int64{r.ApplicantID}
		}
	case process.AudienceAssignee:
		if r.AssigneeID != 0 {
			users = []int64{r.AssigneeID}
			break
		}
		ms, err := oc.holders(ctx, r.OrgID, r.PositionID)
		if err != nil {
			return err
		}
		users = userIDs(ms)
	case process.AudienceEscalation:
		if r.Escalation.OrgID == 0 {
			return nil
		}
		ms, err := oc.holders(ctx, r.Escalation.OrgID, r.Escalation.PositionID)
		if err != nil {
			return err
		}
		users = userIDs(ms)
	default:
		return fmt.Errorf("unknown audience %q", aud)
	}
	for _, u := range users {
		if actor.Kind != okno.ActorSystem && u == actor.UserID {
			continue
		}
		if err := s.d.Notices.Notify(ctx, tx, s.notice(r, def, ev, u, aud, tmpl)); err != nil {
			return err
		}
	}
	return nil
}

// notifyStaff sends template to the staff holding position posID of
// orgID (everyone there when posID is 0).
func (s *Service) notifyStaff(ctx context.Context, tx *sqldb.Tx, r record, def *process.Definition, ev, orgID, posID int64,
	tmpl string, skip int64, oc *orgCache) error {
	ms, err := oc.holders(ctx, orgID, posID)
	if err != nil {
		return err
	}
	for _, u := range userIDs(ms) {
		if u == skip {
			continue
		}
		if err := s.d.Notices.Notify(ctx, tx, s.notice(r, def, ev, u, process.AudienceAssignee, tmpl)); err != nil {
			return fmt.Errorf("casework: notify %s of case %d: %w", tmpl, r.ID, err)
		}
	}
	return nil
}

// notice is one notification about event ev of r to user. Its values name
// the case, never the people in it.
func (s *Service) notice(r record, def *process.Definition, ev, user int64, aud process.Audience, tmpl string) notify.Notice {
	audience, link := "staff", "/staff/cases/"+idString(r.ID)
	if aud == process.AudienceApplicant {
		audience, link = "applicant", "/cabinet/cases/"+idString(r.ID)
	}
	state := r.State
	if st, ok := def.State(r.State); ok {
		state = st.Title.In("ru")
		if audience == "applicant" && st.Citizen.In("ru") != "" {
			state = st.Citizen.In("ru")
		}
	}
	return notify.Notice{
		Key:      "case:" + idString(r.ID) + ":event:" + idString(ev) + ":user:" + idString(user),
		UserID:   user,
		Template: s.template(tmpl, r.Process+".opened", audience),
		Audience: audience,
		Vars: map[string]string{
			"ref":      r.Ref,
			"process":  def.Title.In("ru"),
			"state":    state,
			"deadline": s.lastDay(r),
		},
		Link: link,
	}
}

// TemplateChecker is what Notices may offer to say whether it has a
// template for an audience; *notify.Notices does. With it, a notice whose
// process-specific template is missing ("<process>.opened",
// "<process>.<action>") falls back to the generic "case.opened" or
// "case.action" instead of failing the action; without it, names are
// used as they are.
type TemplateChecker interface {
	Has(template, audience string) bool
}

// template is tmpl, or the generic template that stands in for it when
// Notices has no tmpl for audience. opened is the name of the process's
// opening template.
func (s *Service) template(tmpl, opened, audience string) string {
	tc, ok := s.d.Notices.(TemplateChecker)
	if !ok || tc.Has(tmpl, audience) {
		return tmpl
	}
	generic := templateAction
	if tmpl == opened {
		generic = templateOpened
	}
	if !tc.Has(generic, audience) {
		return tmpl // notify reports the missing template
	}
	return generic
}

// lastDay is the last day of the case's legal clock, as people read a
// deadline ("до 15.03.2026 включительно"): the clock runs out at the
// midnight that ends it.
func (s *Service) lastDay(r record) string {
	if r.Legal.Due.IsZero() {
		return ""
	}
	return r.Legal.Due.In(s.d.Calendars.Current().Location()).AddDate(0, 0, -1).Format("02.01.2006")
}

// emit tells subscribed systems of event typ on r, with ids and names only.
func (s *Service) emit(ctx context.Context, tx *sqldb.Tx, r record, ev int64, typ, action string) error {
	data := map[string]any{
		"case_id": r.ID, "ref": r.Ref, "kind": string(r.Kind), "process": r.Process,
		"process_version": r.ProcessVersion, "state": r.State, "version": r.Version,
		"org_id": r.OrgID, "event_id": ev,
	}
	if action != "" {
		data["action"] = action
	}
	if r.Escalation.OrgID != 0 {
		data["escalation_level"], data["escalated_org_id"] = r.Escalation.Level, r.Escalation.OrgID
	}
	e := notify.Event{Type: typ, OrgID: r.OrgID, Key: "case:" + idString(r.ID) + ":event:" + idString(ev) + ":" + typ, Data: data}
	if err := s.d.Webhooks.Emit(ctx, tx, e); err != nil {
		return fmt.Errorf("casework: webhook %s of case %d: %w", typ, r.ID, err)
	}
	return nil
}

// maxRecipients bounds whom one event notifies: an organisation's whole
// staff is told when nobody in particular has a case, and a large one must
// not turn one action into thousands of messages.
const maxRecipients = 100

// userIDs are the ids of the first maxRecipients of ms.
func userIDs(ms []org.StaffMember) []int64 {
	ids := make([]int64, 0, min(len(ms), maxRecipients))
	for _, m := range ms[:min(len(ms), maxRecipients)] {
		ids = append(ids, m.UserID)
	}
	return ids
}
