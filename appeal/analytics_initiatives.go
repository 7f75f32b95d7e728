package appeal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/sqldb"
)

// InitiativeStatus is where a proposed initiative stands.
type InitiativeStatus string

// The statuses of an initiative.
const (
	InitiativeProposed InitiativeStatus = "proposed"
	InitiativeAccepted InitiativeStatus = "accepted"
	InitiativeRejected InitiativeStatus = "rejected"
)

// Valid reports whether s is a known status.
func (s InitiativeStatus) Valid() bool {
	return s == InitiativeProposed || s == InitiativeAccepted || s == InitiativeRejected
}

// Limits of an initiative.
const (
	initiativeTitleMin   = 3
	initiativeTitleMax   = 200
	initiativeDescMax    = 4000
	initiativeMaxAppeals = 5000
)

// InitiativeInput proposes an initiative (проект) from exactly one
// source: a group of near-duplicates, a spike (the day's appeals of a
// territory and category), or a list of appeals.
type InitiativeInput struct {
	Title       string
	Description string
	GroupID     int64
	Spike       *SpikeRef
	CaseIDs     []int64
}

// SpikeRef names a spike: a territory and category on a day.
type SpikeRef struct {
	TerritoryID int64
	CategoryID  int64
	Day         time.Time
}

// Initiative is a proposal for the region with its appeals attached: the
// project map shows them.
type Initiative struct {
	ID            int64
	Title         string
	Description   string
	TerritoryID   int64
	TerritoryName string
	CategoryID    int64
	CategoryTitle string
	Source        string // group, spike, appeals
	Status        InitiativeStatus
	Lat, Lon      float64
	Appeals       int
	OrgID         int64
	CreatedBy     string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	CaseIDs       []int64 // filled by InitiativeByID
}

// CreateInitiative proposes an initiative with its appeals attached, in
// one transaction with its audit entry. Those who see analytics may, for
// appeals in their scope.
func (s *Service) CreateInitiative(ctx context.Context, actor okno.Actor, in InitiativeInput) (Initiative, error) {
	sc, err := s.AnalyticsScope(ctx, actor)
	if err != nil {
		return Initiative{}, err
	}
	in.Title = strings.TrimSpace(in.Title)
	in.Description = strings.TrimSpace(in.Description)
	var fe okno.FieldErrors
	switch n := utf8.RuneCountInString(in.Title); {
	case n < initiativeTitleMin:
		fe.Add("title", "appeal.analytics.title_short", initiativeTitleMin)
	case n > initiativeTitleMax:
		fe.Add("title", "appeal.analytics.title_long", initiativeTitleMax)
	}
	if utf8.RuneCountInString(in.Description) > initiativeDescMax {
		fe.Add("description", "appeal.analytics.description_long", initiativeDescMax)
	}
	sources := 0
	for _, set := range []bool{in.GroupID != 0, in.Spike != nil, len(in.CaseIDs) > 0} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		fe.Add("source", "appeal.analytics.one_source")
	}
	if len(in.CaseIDs) > initiativeMaxAppeals {
		fe.Add("appeals", "appeal.analytics.too_many_appeals", initiativeMaxAppeals)
	}
	if err := fe.Err(); err != nil {
		return Initiative{}, err
	}
	source := "appeals"
	var cond string
	var args []any
	switch {
	case in.GroupID != 0:
		source = "group"
		if _, err := s.GroupByID(ctx, actor, in.GroupID); err != nil {
			return Initiative{}, okno.Invalid(okno.FieldError{Field: "source", Key: "appeal.analytics.group_not_found"})
		}
		cond, args = "a.case_id IN (SELECT case_id FROM appeal_group_members WHERE group_id = ?)", []any{in.GroupID}
	case in.Spike != nil:
		source = "spike"
		sp := in.Spike
		if sp.TerritoryID <= 0 || !sc.allowsTerritory(sp.TerritoryID) || sp.CategoryID <= 0 || sp.Day.IsZero() {
			return Initiative{}, okno.Invalid(okno.FieldError{Field: "source", Key: "appeal.analytics.spike_unknown"})
		}
		d := DayNumber(sp.Day)
		cond = "a.territory_id = ? AND a.category_id = ? AND a.created_at >= ? AND a.created_at < ? AND a.status <> ?"
		args = []any{sp.TerritoryID, sp.CategoryID, dayStart(d), dayStart(d + 1), rejected}
	default:
		cond, args = inList("a.case_id", in.CaseIDs)
	}
	if c, a := sc.territoryFilter("a.territory_id"); c != "" {
		cond, args = cond+" AND "+c, append(args, a...)
	}
	now := s.now()
	var ini Initiative
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT a.case_id, a.lat, a.lon, COALESCE(a.territory_id, 0), a.category_id FROM appeals a WHERE `+cond+
			` ORDER BY a.case_id LIMIT ?`, append(args, initiativeMaxAppeals+1)...)
		if err != nil {
			return err
		}
		var ids []int64
		terr, cat := map[int64]int{}, map[int64]int{}
		var lat, lon float64
		for rows.Next() {
			var id, t, c int64
			var la, lo float64
			if err := rows.Scan(&id, &la, &lo, &t, &c); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
			lat, lon = lat+la, lon+lo
			terr[t]++
			cat[c]++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		switch {
		case len(ids) == 0:
			return okno.Invalid(okno.FieldError{Field: "source", Key: "appeal.analytics.no_appeals"})
		case len(ids) > initiativeMaxAppeals:
			return okno.Invalid(okno.FieldError{Field: "appeals", Key: "appeal.analytics.too_many_appeals", Args: []any{initiativeMaxAppeals}})
		case len(in.CaseIDs) > 0 && len(ids) != len(dedupe(in.CaseIDs)):
			return okno.Invalid(okno.FieldError{Field: "appeals", Key: "appeal.analytics.unknown_appeals"})
		}
		ini = Initiative{Title: in.Title, Description: in.Description, TerritoryID: mode(terr), CategoryID: mode(cat),
			Source: source, Status: InitiativeProposed, Lat: lat / float64(len(ids)), Lon: lon / float64(len(ids)),
			Appeals: len(ids), OrgID: actor.OrgID, CreatedBy: actor.Ref(), CreatedAt: now, UpdatedAt: now}
		if err := tx.QueryRowContext(ctx, `INSERT INTO appeal_initiatives (title, description, territory_id, category_id, source, status,
			lat, lon, appeals, org_id, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			ini.Title, ini.Description, nullableID(ini.TerritoryID), nullableID(ini.CategoryID), ini.Source, ini.Status,
			ini.Lat, ini.Lon, ini.Appeals, ini.OrgID, ini.CreatedBy, now, now).Scan(&ini.ID); err != nil {
			return err
		}
		links := make([][]any, len(ids))
		for i, id := range ids {
			links[i] = []any{ini.ID, id}
		}
		if err := insertRows(ctx, tx, `INSERT INTO appeal_initiative_appeals (initiative_id, case_id) VALUES `, links); err != nil {
			return err
		}
		ini.CaseIDs = ids
		return s.auditInitiative(ctx, tx, actor, "appeal.initiative.create", ini.ID, nil, initiativeDigest(ini))
	})
	if err != nil {
		return Initiative{}, err
	}
	return ini, nil
}

// initiativeDigest is what the audit entry digests: the initiative's
// state, with no personal data in it to begin with.
func initiativeDigest(i Initiative) map[string]any {
	return map[string]any{"id": i.ID, "title": i.Title, "description": i.Description, "status": string(i.Status),
		"source": i.Source, "appeals": i.CaseIDs}
}

func (s *Service) auditInitiative(ctx context.Context, tx *sqldb.Tx, actor okno.Actor, action string, id int64, before, after any) error {
	e := audit.Entry{Actor: actor.Ref(), Action: action, ObjectType: "appeal_initiative", ObjectID: strconv.FormatInt(id, 10)}
	if before != nil {
		e.Before = audit.Digest(before)
	}
	if after != nil {
		e.After = audit.Digest(after)
	}
	if s.d.Audit == nil {
		return errors.New("appeal: no audit log")
	}
	if _, err := s.d.Audit.Append(ctx, tx, e); err != nil {
		return fmt.Errorf("appeal: audit %s: %w", action, err)
	}
	return nil
}

func nullableID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func dedupe(ids []int64) map[int64]bool {
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m
}

// SetInitiativeStatus accepts or rejects a proposed initiative (or puts
// it back to proposed), audited. Those who see analytics may, for
// initiatives in their scope.
func (s *Service) SetInitiativeStatus(ctx context.Context, actor okno.Actor, id int64, status InitiativeStatus) (Initiative, error) {
	if !status.Valid() {
		return Initiative{}, okno.Invalid(okno.FieldError{Field: "status", Key: "appeal.analytics.status_unknown"})
	}
	before, err := s.InitiativeByID(ctx, actor, id)
	if err != nil {
		return Initiative{}, err
	}
	if before.Status == status {
		return before, nil
	}
	after := before
	after.Status, after.UpdatedAt = status, s.now()
	err = s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE appeal_initiatives SET status = ?, updated_at = ? WHERE id = ? AND status = ?`,
			status, after.UpdatedAt, id, before.Status)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return okno.Errorf(okno.ECONFLICT, "appeal.analytics.initiative_changed")
		}
		return s.auditInitiative(ctx, tx, actor, "appeal.initiative.status", id, initiativeDigest(before), initiativeDigest(after))
	})
	if err != nil {
		return Initiative{}, err
	}
	return after, nil
}

// InitiativeQuery selects initiatives, newest first.
type InitiativeQuery struct {
	Status InitiativeStatus // "" for every status
	Limit  int              // default 100, at most 1000
}

const initiativeColumns = `i.id, i.title, i.description, COALESCE(i.territory_id, 0), COALESCE(t.name, ''), COALESCE(i.category_id, 0),
	COALESCE(c.title, ''), i.source, i.status, i.lat, i.lon, i.appeals, i.org_id, i.created_by, i.created_at, i.updated_at`

const initiativeFrom = ` FROM appeal_initiatives i LEFT JOIN territories t ON t.id = i.territory_id
	LEFT JOIN appeal_categories c ON c.id = i.category_id`

func scanInitiative(sc interface{ Scan(...any) error }) (Initiative, error) {
	var i Initiative
	err := sc.Scan(&i.ID, &i.Title, &i.Description, &i.TerritoryID, &i.TerritoryName, &i.CategoryID, &i.CategoryTitle,
		&i.Source, &i.Status, &i.Lat, &i.Lon, &i.Appeals, &i.OrgID, &i.CreatedBy, &i.CreatedAt, &i.UpdatedAt)
	return i, err
}

// Initiatives lists the initiatives in the actor's scope, newest first.
func (s *Service) Initiatives(ctx context.Context, actor okno.Actor, q InitiativeQuery) ([]Initiative, error) {
	sc, err := s.AnalyticsScope(ctx, actor)
	if err != nil {
		return nil, err
	}
	if q.Status != "" && !q.Status.Valid() {
		return nil, okno.Invalid(okno.FieldError{Field: "status", Key: "appeal.analytics.status_unknown"})
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 100
	}
	var conds []string
	var args []any
	if q.Status != "" {
		conds, args = append(conds, "i.status = ?"), append(args, q.Status)
	}
	if c, a := sc.territoryFilter("i.territory_id"); c != "" {
		conds, args = append(conds, c), append(args, a...)
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT `+initiativeColumns+initiativeFrom+where(conds...)+
		` ORDER BY i.created_at DESC, i.id DESC LIMIT ?`, append(args, q.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("appeal: initiatives: %w", err)
	}
	defer rows.Close()
	var out []Initiative
	for rows.Next() {
		i, err := scanInitiative(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, i)
	}
	return out, rows.Err()
}

// InitiativeByID returns an initiative with its appeals, or ENOTFOUND
// (also outside the actor's scope).
func (s *Service) InitiativeByID(ctx context.Context, actor okno.Actor, id int64) (Initiative, error) {
	sc, err := s.AnalyticsScope(ctx, actor)
	if err != nil {
		return Initiative{}, err
	}
	i, err := scanInitiative(s.d.DB.QueryRowContext(ctx, `SELECT `+initiativeColumns+initiativeFrom+` WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !sc.allowsTerritory(i.TerritoryID)) {
		return Initiative{}, okno.Errorf(okno.ENOTFOUND, "appeal.analytics.initiative_not_found")
	}
	if err != nil {
		return Initiative{}, err
	}
	rows, err := s.d.DB.QueryContext(ctx, `SELECT case_id FROM appeal_initiative_appeals WHERE initiative_id = ? ORDER BY case_id`, id)
	if err != nil {
		return Initiative{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var c int64
		if err := rows.Scan(&c); err != nil {
			return Initiative{}, err
		}
		i.CaseIDs = append(i.CaseIDs, c)
	}
	return i, rows.Err()
}
