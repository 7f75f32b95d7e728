package demo

import (
	"context"
	"fmt"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
)

// Cases is what LoadCases needs of the case engine.
type Cases interface {
	Open(ctx context.Context, actor okno.Actor, in casework.NewCase) (casework.Case, error)
	Act(ctx context.Context, actor okno.Actor, in casework.ActionInput) (casework.Case, error)
}

// demoCase is one case of the demo: who files it, where, and the actions
// that bring it to where the demo shows it.
type demoCase struct {
	key       string // idempotency key: a repeated load finds the case
	process   string
	applicant string // display name of a demo citizen
	orgCode   string
	subject   string
	data      map[string]any
	steps     []demoStep
}

// demoStep is one action by a demo actor: "operator", "official" (of the
// case's organisation), "moderator" (of an appeal: see appeals.go) or
// "applicant".
type demoStep struct {
	by, action, comment string
	fields              map[string]string
}

// demoCases are the cases other than appeals the back office and "Мои
// дела" show after a demo start: an application and a complaint. The demo
// appeals are filed through the feedback platform (appeals.go).
func demoCases() []demoCase {
	return []demoCase{
		{key: "demo-application-1", process: "application", applicant: "Пётр Петров", orgCode: showcaseOrg,
			subject: "Выдача разрешения на ввод объекта в эксплуатацию",
			data:    map[string]any{"object": "Гараж, кадастровый номер 78:31:0001234:56"},
			steps:   []demoStep{{by: "official", action: "register"}}},
		{key: "demo-complaint-1", process: "complaint", applicant: "Мария Смирнова", orgCode: GovernmentCode,
			subject: "Жалоба на нарушение срока рассмотрения обращения",
			data:    map[string]any{"text": "Ответ на моё обращение не получен в установленный срок."}},
	}
}

// LoadCases files the demo's appeals through the feedback platform and
// opens its other cases, and takes their actions. The routing table must
// be loaded first (LoadRoutes). It is idempotent: an appeal or case filed
// before (its idempotency key) is left as it is.
func LoadCases(ctx context.Context, db *sqldb.DB, cases Cases, appeals Appeals) error {
	if err := loadAppeals(ctx, db, cases, appeals); err != nil {
		return err
	}
	for _, dc := range demoCases() {
		if err := loadCase(ctx, db, cases, dc); err != nil {
			return fmt.Errorf("demo case %s: %w", dc.key, err)
		}
	}
	return nil
}

func loadCase(ctx context.Context, db *sqldb.DB, cases Cases, dc demoCase) error {
	var orgID, applicantID int64
	if err := db.QueryRowContext(ctx, `SELECT id FROM organisations WHERE code = ?`, dc.orgCode).Scan(&orgID); err != nil {
		return fmt.Errorf("organisation %s: %w", dc.orgCode, err)
	}
	// Demo citizens' display names are unique; display names are not sealed.
	if err := db.QueryRowContext(ctx, `SELECT id FROM users WHERE kind = 'citizen' AND display_name = ?`, dc.applicant).Scan(&applicantID); err != nil {
		return fmt.Errorf("citizen %s: %w", dc.applicant, err)
	}
	applicant := okno.Actor{Kind: okno.ActorCitizen, UserID: applicantID, Name: dc.applicant}
	c, err := cases.Open(ctx, applicant, casework.NewCase{
		Process: dc.process, ApplicantID: applicantID, OrgID: orgID, Subject: dc.subject,
		Channel: casework.ChannelWeb, Data: dc.data, IdempotencyKey: dc.key,
	})
	if err != nil {
		return err
	}
	if c.Version > 1 {
		return nil // loaded before
	}
	for _, st := range dc.steps {
		actor := applicant
		if st.by != "applicant" {
			if actor, err = staffActor(ctx, db, orgID, st.by); err != nil {
				return err
			}
		}
		c, err = cases.Act(ctx, actor, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: st.action, Comment: st.comment, Fields: st.fields})
		if err != nil {
			return fmt.Errorf("%s: %w", st.action, err)
		}
	}
	return nil
}

// staffActor is the demo staff member of orgID holding the role, acting
// for that organisation.
func staffActor(ctx context.Context, db *sqldb.DB, orgID int64, role string) (okno.Actor, error) {
	var uid int64
	var name string
	err := db.QueryRowContext(ctx, `SELECT u.id, u.display_name FROM staff s
		JOIN positions p ON p.id = s.position_id JOIN users u ON u.id = s.user_id
		WHERE p.organisation_id = ? AND p.role = ? ORDER BY u.id LIMIT 1`, orgID, role).Scan(&uid, &name)
	if err != nil {
		return okno.Actor{}, fmt.Errorf("a demo %s of organisation %d: %w", role, orgID, err)
	}
	return okno.Actor{Kind: okno.ActorStaff, UserID: uid, OrgID: orgID, Roles: []okno.Role{okno.Role(role)}, Name: name}, nil
}
