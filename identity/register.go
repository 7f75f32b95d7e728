package identity

import (
	"context"

	"github.com/okno/okno"
	"github.com/okno/okno/sqldb"
)

// RegisterCitizen creates a citizen account whose contact was confirmed in
// person: an operator at a service centre (МФЦ) registers someone who stands
// in front of them, or the system loads demo citizens. The account starts at
// the simplified level, as if the contact had been confirmed by a code.
// Errors: EFORBIDDEN unless the actor is an operator or the system; EINVALID
// with field problems; ECONFLICT on field "contact" ("identity.citizen_exists")
// when the contact already has an account — an operator may be told, since
// the person is present.
func (s *Service) RegisterCitizen(ctx context.Context, actor okno.Actor, in NewAccount) (int64, error) {
	if actor.Kind != okno.ActorSystem && !mayServeCitizens(actor) {
		return 0, forbidden()
	}
	c, name, err := in.validate()
	if err != nil {
		return 0, err
	}
	hash, err := s.hashPassword(in.Password)
	if err != nil {
		return 0, err
	}
	var u user
	err = s.db.InTx(ctx, func(tx *sqldb.Tx) error {
		var err error
		if u, err = s.insertUser(ctx, tx, KindCitizen, c, name, hash); err != nil {
			if sqldb.ViolationOf(err) == sqldb.Unique {
				return &okno.Error{Code: okno.ECONFLICT, Key: "error.conflict", Err: err,
					Fields: []okno.FieldError{{Field: "contact", Key: "identity.citizen_exists"}}}
			}
			return err
		}
		if err := s.record(ctx, tx, actor, "identity.register", nil, &u); err != nil {
			return err
		}
		u, err = s.setAssurance(ctx, tx, actor, "identity.contact_confirm", u, AssuranceSimplified, "")
		return err
	})
	return u.ID, err
}
