package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/sqldb"
)

// A payment flows back to its case. When a payment tied to a case
// succeeds, package payment enqueues payment.succeeded; this handler
// records «Оплата получена» on the case's timeline (visible to the
// citizen) and, once every fee of the case is paid, takes the action
// FeePaidAction as the system if the case's state offers it to the system.
//
// A process author who wants an application to wait for its fee declares:
//
//	an action that bills it — effect {"kind": "hook", "hook": "accrual",
//	  "params": {"fee": "state_duty", "amount": "35000", "purpose": "…"}};
//	a waiting state (e.g. "awaiting_fee") reached by that action;
//	an action {"name": "fee_paid", "from": ["awaiting_fee"], "to": "…",
//	  "by": [{"system": true}]} — taken here when the fee is paid.
//
// A state without fee_paid only gets the timeline entry.
const FeePaidAction = "fee_paid"

// EventPaid is the kind of the timeline event a payment leaves on its case.
const EventPaid casework.EventKind = "payment"

// registerPayFlow registers the payment.succeeded handler.
func (a *App) registerPayFlow() {
	a.Outbox.Register(payment.TopicSucceeded, a.payFlow)
}

// payFlow is the handler. It runs at least once per message: the event
// carries the payment's ID as its action, so a second run finds it on the
// timeline and records nothing; the event is recorded at the version just
// read, so two runs racing cannot both write it (the loser retries and
// finds it). fee_paid moves the case out of the state that offers it,
// so it too is taken once.
func (a *App) payFlow(ctx context.Context, m outbox.Message) error {
	var e payment.Event
	if err := json.Unmarshal(m.Payload, &e); err != nil {
		return outbox.Permanent(fmt.Errorf("payflow: payload: %w", err))
	}
	if e.CaseID == 0 {
		return nil
	}
	marker := "payment:" + strconv.FormatInt(e.PaymentID, 10)
	events, err := a.Cases.Timeline(ctx, okno.System, e.CaseID)
	if okno.IsCode(err, okno.ENOTFOUND) {
		return outbox.Permanent(err)
	}
	if err != nil {
		return err
	}
	recorded := false
	for _, ev := range events {
		if ev.Kind == EventPaid && ev.Action == marker {
			recorded = true
			break
		}
	}
	c, err := a.Cases.Get(ctx, okno.System, e.CaseID)
	if err != nil {
		return err
	}
	if !recorded {
		ev := casework.Event{Kind: EventPaid, Action: marker, CitizenVisible: true,
			Comment: fmt.Sprintf("%s ₽ · УИН %s", roubles(e.Amount), e.UIN)}
		err := a.DB.InTx(ctx, func(tx *sqldb.Tx) error {
			var err error
			c, err = a.Cases.RecordTx(ctx, tx, okno.System, e.CaseID, c.Version, ev)
			return err
		})
		if err != nil {
			return err
		}
	}
	return a.takeFeePaid(ctx, c)
}

// takeFeePaid takes fee_paid on c as the system when its state offers it
// and nothing billed to the case is left to pay.
func (a *App) takeFeePaid(ctx context.Context, c casework.Case) error {
	if !c.Open() {
		return nil
	}
	allowed, err := a.Cases.Allowed(ctx, okno.System, c)
	if err != nil {
		return err
	}
	offered := false
	for _, x := range allowed {
		if x.Name == FeePaidAction { // Allowed lists what the system may take
			offered = true
		}
	}
	if !offered {
		return nil
	}
	fees, err := a.Accruals.ByCase(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, f := range fees {
		if f.Status != accrual.StatusAnnulled && f.DueNow > 0 {
			return nil // another fee of the case is still due: its payment takes the action
		}
	}
	_, err = a.Cases.Act(ctx, okno.System, casework.ActionInput{CaseID: c.ID, Version: c.Version, Action: FeePaidAction})
	if okno.IsCode(err, okno.EINVALID) || okno.IsCode(err, okno.EFORBIDDEN) {
		// The process declares fee_paid so that the system cannot take it
		// (a required comment or field): a definition to fix, not a retry.
		a.log.Error("payflow: fee_paid refused", "case", c.ID, "err", err)
		return nil
	}
	return err
}

// roubles writes kopecks as "350,00".
func roubles(k int64) string {
	return fmt.Sprintf("%d,%02d", k/100, k%100)
}
