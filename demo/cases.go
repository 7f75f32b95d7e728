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
// case's organisation) or "applicant".
type demoStep struct {
	by, action, comment string
	fields              map[string]string
}

// demoCases are the cases the back office and "Мои дела" show after a
// demo start: appeals at each stage of the appeal process in the showcase
// district, an application and a complaint.
func demoCases() []demoCase {
	return []demoCase{
		{key: "demo-appeal-1", process: "appeal", applicant: "Анна Иванова", orgCode: showcaseOrg,
			subject: "Повреждения дорожного покрытия проезжей части",
			data:    map[string]any{"text": "Глубокая яма на проезжей части у дома 12 по Невскому проспекту, машины объезжают по встречной.", "address": "Невский проспект, 12"}},
		{key: "demo-appeal-2", process: "appeal", applicant: "Анна Иванова", orgCode: showcaseOrg,
			subject: "Неудовлетворительная уборка снега во дворе",
			data:    map[string]any{"text": "Двор не убирают от снега третий день, не пройти к парадной.", "address": "ул. Марата, 25"},
			steps:   []demoStep{{by: "operator", action: "publish"}}},
		{key: "demo-appeal-3", process: "appeal", applicant: "Анна Иванова", orgCode: showcaseOrg,
			subject: "Не работает уличное освещение",
			data:    map[string]any{"text": "Не горят фонари вдоль сквера, вечером темно и опасно.", "address": "Суворовский проспект, 40"},
			steps: []demoStep{{by: "operator", action: "publish"},
				{by: "official", action: "answer", comment: "Неисправность устранена подрядной организацией, освещение восстановлено. Просим подтвердить."}}},
		{key: "demo-appeal-4", process: "appeal", applicant: "Мария Смирнова", orgCode: showcaseOrg,
			subject: "Повреждение оборудования детской площадки",
			data:    map[string]any{"text": "На детской площадке сломаны качели, торчат острые края.", "address": "двор у дома 7"},
			steps: []demoStep{{by: "operator", action: "publish"},
				{by: "official", action: "request_info", comment: "Уточните, пожалуйста, полный адрес дома: на какой улице находится площадка?"}}},
		{key: "demo-appeal-5", process: "appeal", applicant: "Пётр Петров", orgCode: showcaseOrg,
			subject: "Мусор на газоне",
			data:    map[string]any{"text": "На газоне у остановки скопился мусор.", "address": "Лиговский проспект, 50"},
			steps: []demoStep{{by: "operator", action: "publish"},
				{by: "official", action: "answer", comment: "Территория убрана 21 ноября."},
				{by: "applicant", action: "confirm", comment: "Спасибо, убрали."}}},
		{key: "demo-application-1", process: "application", applicant: "Пётр Петров", orgCode: showcaseOrg,
			subject: "Выдача разрешения на ввод объекта в эксплуатацию",
			data:    map[string]any{"object": "Гараж, кадастровый номер 78:31:0001234:56"},
			steps:   []demoStep{{by: "official", action: "register"}}},
		{key: "demo-complaint-1", process: "complaint", applicant: "Мария Смирнова", orgCode: GovernmentCode,
			subject: "Жалоба на нарушение срока рассмотрения обращения",
			data:    map[string]any{"text": "Ответ на моё обращение не получен в установленный срок."}},
	}
}

// LoadCases opens the demo's cases and takes their actions. It is
// idempotent: a case opened before (its idempotency key) is left as it is.
func LoadCases(ctx context.Context, db *sqldb.DB, cases Cases) error {
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
