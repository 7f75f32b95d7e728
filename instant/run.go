package instant

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/catalog"
	"github.com/okno/okno/formdecl"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/sqldb"
)

// Run answers an instant service for a citizen: the service must be
// published and instant, the citizen's account at least at the service's
// assurance level, and data valid against the service's form (prefilled
// from the profile first, as applications are). The rule's result is
// recorded — the request with its result sealed, and an audit entry, in
// one transaction — and returned. Invalid data records nothing.
func (s *Service) Run(ctx context.Context, actor okno.Actor, code string, data map[string]any) (Result, error) {
	svc, rule, p, err := s.prepare(ctx, actor, code)
	if err != nil {
		return Result{}, err
	}
	values, err := s.validate(ctx, svc, data, p)
	if err != nil {
		return Result{}, err
	}
	now := s.now()
	if err := s.rateLimit(ctx, actor.UserID, code, now); err != nil {
		return Result{}, err
	}
	res, err := rule.Run(ctx, Input{Service: svc, Data: values, Profile: p, Now: now})
	if err != nil {
		return Result{}, err
	}
	res.Service, res.Demo = code, s.d.Registry.Demo()
	if res.Status == "" {
		res.Status = StatusNone
	}
	if err := s.record(ctx, actor, &res, now); err != nil {
		return Result{}, err
	}
	return res, nil
}

// prepare finds an instant service, its rule and the citizen's profile,
// checking what comes before any data: a service that is not instant (or
// not published) or whose rule is not built in is not found, without a
// registry the answer is ErrNoRegistry, and a citizen below the service's
// assurance level is refused.
func (s *Service) prepare(ctx context.Context, actor okno.Actor, code string) (catalog.Service, Rule, identity.Profile, error) {
	var none identity.Profile
	if actor.Kind != okno.ActorCitizen || actor.UserID == 0 {
		return catalog.Service{}, nil, none, okno.Errorf(okno.EFORBIDDEN, "instant.citizens_only")
	}
	svc, err := s.d.Catalog.Get(ctx, code)
	if err != nil {
		return catalog.Service{}, nil, none, err
	}
	rule, ok := s.rules[svc.InstantRule]
	if svc.Kind != catalog.KindInstant || !svc.Published || !ok {
		return catalog.Service{}, nil, none, okno.Errorf(okno.ENOTFOUND, "instant.not_instant")
	}
	if s.d.Registry == nil {
		return catalog.Service{}, nil, none, ErrNoRegistry
	}
	p, err := s.d.Profiles.Profile(ctx, actor.UserID)
	if err != nil {
		return catalog.Service{}, nil, none, err
	}
	if !p.Assurance.AtLeast(svc.Assurance) {
		return catalog.Service{}, nil, none, okno.Errorf(okno.EFORBIDDEN, "instant.assurance")
	}
	return svc, rule, p, nil
}

// validate prefills data from the profile and checks it against the
// service's declaration; it returns the data as the declaration reads it.
func (s *Service) validate(ctx context.Context, svc catalog.Service, data map[string]any, p identity.Profile) (map[string]any, error) {
	if data == nil {
		data = map[string]any{}
	}
	var decl *formdecl.Decl
	if !svc.Form.Empty() {
		var err error
		if decl, err = s.d.Catalog.Decl(ctx, svc.Code); err != nil {
			return nil, err
		}
		data = decl.Prefill(data, profileValues(p))
	}
	b, err := json.Marshal(data)
	if err != nil {
		return nil, okno.Wrap(okno.EINVALID, "error.bad_request", err)
	}
	var problems []formdecl.FieldError
	if decl != nil {
		problems = decl.Validate(ctx, b, s.d.Catalog)
	}
	var v any
	if len(problems) == 0 {
		v, problems = formdecl.Decode(b)
	}
	if len(problems) > 0 {
		e := okno.Invalid(formdecl.FieldErrors(problems, false)...)
		e.Err = Problems(problems)
		return nil, e
	}
	values, _ := v.(map[string]any)
	return values, nil
}

// profileValues is the profile as x-prefill names it ("profile.snils"),
// in the names the form declarations use.
func profileValues(p identity.Profile) map[string]string {
	m := map[string]string{}
	for names, v := range map[[2]string]string{
		{"lastName", "last_name"}: p.LastName, {"firstName", "first_name"}: p.FirstName,
		{"middleName", "middle_name"}: p.MiddleName, {"birthDate", "birth_date"}: p.BirthDate,
		{"snils", "snils"}: p.SNILS, {"passport", "passport"}: p.Passport, {"email", "email"}: p.Email,
		{"phone", "phone"}: p.Phone, {"address", "address"}: p.Address,
	} {
		if v != "" {
			m["profile."+names[0]], m["profile."+names[1]] = v, v
		}
	}
	return m
}

// rateLimit refuses a citizen's request of a service over the hourly
// limit, saying when to try again. (Two requests racing on PostgreSQL may
// both pass at the limit; it bounds registry load, it is not a quota.)
func (s *Service) rateLimit(ctx context.Context, userID int64, code string, now time.Time) error {
	// The n-th newest request within the hour, if there is one, is the
	// limit reached; an hour after it a request is free again. One row
	// read off the index, however many requests there were.
	n := s.d.Limits.PerHour
	var nth time.Time
	err := s.d.DB.QueryRowContext(ctx, `SELECT created_at FROM instant_requests
		WHERE user_id = ? AND service = ? AND created_at > ? ORDER BY created_at DESC LIMIT 1 OFFSET `+strconv.Itoa(n-1),
		userID, code, now.Add(-time.Hour)).Scan(&nth)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return fmt.Errorf("instant: count requests: %w", err)
	}
	retry := nth.Add(time.Hour).In(s.d.Location).Format("15:04")
	return okno.Errorf(okno.ERATELIMITED, "instant.too_many", n, retry)
}

// record stores the request with its sealed result, the meter readings it
// carries and its audit entry in one transaction, and sets the result's
// ID and, for a certificate, its reference and issue date.
func (s *Service) record(ctx context.Context, actor okno.Actor, res *Result, now time.Time) error {
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO instant_requests (user_id, service, status, reference, created_at)
			VALUES (?, ?, ?, '', ?) RETURNING id`, actor.UserID, res.Service, string(res.Status), now).Scan(&id); err != nil {
			return fmt.Errorf("instant: record request: %w", err)
		}
		res.ID = id
		if res.Certificate {
			res.Reference = fmt.Sprintf("И-%d-%07d", now.In(s.d.Location).Year(), id)
			res.IssuedAt = now
		}
		b, err := json.Marshal(res)
		if err != nil {
			return fmt.Errorf("instant: encode result: %w", err)
		}
		sealed, err := s.d.Keys.Seal(b, resultAAD(id))
		if err != nil {
			return fmt.Errorf("instant: seal result: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE instant_requests SET reference = ?, result_enc = ? WHERE id = ?`,
			res.Reference, sealed, id); err != nil {
			return fmt.Errorf("instant: store result: %w", err)
		}
		if err := storeReadings(ctx, tx, id, res.readings, now); err != nil {
			return err
		}
		_, err = s.d.Audit.Append(ctx, tx, audit.Entry{Actor: actor.Ref(), Action: "instant.request",
			ObjectType: "instant_request", ObjectID: strconv.FormatInt(id, 10),
			After: audit.Digest(map[string]any{"service": res.Service, "status": string(res.Status), "reference": res.Reference, "result": b})})
		return err
	})
}

// resultAAD binds a sealed result to its row.
func resultAAD(id int64) string { return "instant_requests.result_enc:" + strconv.FormatInt(id, 10) }
