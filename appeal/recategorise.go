package appeal

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/sqldb"
)

// routingActor moves an appeal whose new reason routes elsewhere: the
// routing table decides where, once a moderator or official who may
// re-categorise has changed the reason (recorded as their event just
// before).
var routingActor = okno.Actor{Kind: okno.ActorSystem, Name: "Таблица маршрутизации"}

// Recategorise changes an appeal's reason (a timeline event with the old
// and new reason), and, with reroute, sends it to the organisation the
// new reason routes to. Staff who see the case in full and hold the
// official, supervisor or operator (moderator) role may.
func (s *Service) Recategorise(ctx context.Context, actor okno.Actor, caseID, version int64, reasonCode, comment string, reroute bool) (Appeal, error) {
	if actor.Kind != okno.ActorStaff || !(actor.Has(okno.RoleOfficial) || actor.Has(okno.RoleSupervisor) || actor.Has(okno.RoleOperator)) {
		if actor.Kind == okno.ActorAnonymous {
			return Appeal{}, okno.Errorf(okno.EUNAUTHORIZED, "appeal.sign_in")
		}
		return Appeal{}, okno.Errorf(okno.EFORBIDDEN, "appeal.recategorise_forbidden")
	}
	c, err := s.d.Cases.Get(ctx, actor, caseID)
	if err != nil {
		return Appeal{}, err
	}
	if len(c.Data) == 0 {
		return Appeal{}, okno.Errorf(okno.EFORBIDDEN, "appeal.recategorise_forbidden")
	}
	if !c.Open() {
		return Appeal{}, okno.Errorf(okno.EINVALID, "appeal.closed")
	}
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		return Appeal{}, err
	}
	var fe okno.FieldErrors
	reasonCode, comment = strings.TrimSpace(reasonCode), strings.TrimSpace(comment)
	to, cat, ok := tax.Reason(reasonCode)
	if !ok {
		fe.Add("reason", "appeal.reason_unknown")
	}
	if utf8.RuneCountInString(comment) > maxComment {
		fe.Add("comment", "appeal.too_long", maxComment)
	} else if !cleanText(comment) {
		fe.Add("comment", "appeal.text_invalid")
	}
	if err := fe.Err(); err != nil {
		return Appeal{}, err
	}
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var fromID, territory int64
		err := tx.QueryRowContext(ctx, `SELECT reason_id, COALESCE(territory_id, 0) FROM appeals WHERE case_id = ?`, caseID).
			Scan(&fromID, &territory)
		if err != nil {
			return sqldb.NotFound(err, "appeal.not_found")
		}
		if fromID == to.ID {
			fe.Add("reason", "appeal.same_reason")
			return fe.Err()
		}
		from, _, _ := tax.ReasonByID(fromID)
		var route Route
		if reroute {
			if route, err = s.Resolve(ctx, tx, to.ID, territory); okno.IsCode(err, okno.ENOTFOUND) {
				s.d.Logger.Warn("appeal: no route", "reason", to.Code, "territory", territory)
				fe.Add("reason", "appeal.no_route")
				return fe.Err()
			} else if err != nil {
				return fmt.Errorf("appeal: route: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appeals SET reason_id = ?, category_id = ?, recategorised = recategorised + 1
			WHERE case_id = ?`, to.ID, cat.ID, caseID); err != nil {
			return fmt.Errorf("appeal: recategorise %d: %w", caseID, err)
		}
		after, err := s.d.Cases.RecordTx(ctx, tx, actor, caseID, version, casework.Event{Kind: casework.EventRecategorised,
			Comment: comment, Fields: map[string]string{"from": from.Code, "to": to.Code}, CitizenVisible: true})
		if err != nil {
			return err
		}
		if !reroute || route.OrgID == after.OrgID {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appeals SET route_id = ? WHERE case_id = ?`, route.ID, caseID); err != nil {
			return fmt.Errorf("appeal: route of %d: %w", caseID, err)
		}
		_, err = s.d.Cases.AssignTx(ctx, tx, routingActor, caseID, after.Version,
			casework.Assignment{OrgID: route.OrgID, PositionID: route.PositionID})
		return err
	})
	if err != nil {
		return Appeal{}, err
	}
	// The actor may no longer see the case once it went to another body:
	// they get what they saw, with the change.
	a, p, err := s.load(ctx, s.d.DB, caseID)
	if err != nil {
		return Appeal{}, err
	}
	a.Text, _ = c.Data["text"].(string)
	a.AuthorName, _ = c.Data["author_name"].(string)
	a.Flags = decodeFlags(p.flags)
	if after, err := s.d.Cases.Get(ctx, actor, caseID); err == nil {
		a.Version = after.Version
	}
	return a, nil
}
