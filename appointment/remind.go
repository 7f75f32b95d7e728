package appointment

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"
	"time"

	"github.com/okno/okno/notify"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
)

// RemindTopic is the outbox topic of reminders: one message per version
// of a booking, due at RemindHour the day before the visit.
const RemindTopic = "appointment.remind"

// Link is the citizen's page of bookings that notices point to.
const Link = "/cabinet/appointments"

//go:embed templates/*.json
var templates embed.FS

// TemplateFiles are the notification texts of appointments
// ("appointment.reminder", "appointment.cancelled") in package notify's
// format, to load together with the other packages' files. Their values
// are {{.service}}, {{.office}}, {{.address}}, {{.date}}, {{.time}},
// {{.desk}} and {{.link}}: no personal data.
func TemplateFiles() fs.FS { return templates }

// remindMessage is RemindTopic's payload.
type remindMessage struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
}

// remind schedules the reminder of booking a's current version, unless
// the day before has already begun by RemindHour (a visit booked for
// tomorrow this afternoon needs none). Moving a booking schedules a new
// one; the old one finds the version changed and does nothing.
func (s *Service) remind(ctx context.Context, tx *sqldb.Tx, p plan, a Appointment) error {
	loc := p.cal.Location()
	due := p.cal.Date(a.Start).AddDays(-1).Midnight(loc).Add(time.Duration(s.d.Limits.RemindHour) * time.Hour)
	if !due.After(s.d.Now()) {
		return nil
	}
	payload, _ := json.Marshal(remindMessage{ID: a.ID, Version: a.Version})
	return s.d.Outbox.Enqueue(ctx, tx, outbox.Message{Topic: RemindTopic, Key: fmt.Sprintf("appointment:%d:v%d", a.ID, a.Version),
		Payload: payload, RunAt: due})
}

// Register makes reminders go out, and the pruning job run, from q.
func (s *Service) Register(q *outbox.Queue) {
	q.Register(RemindTopic, s.sendReminder)
	s.registerPrune(q)
}

// sendReminder is RemindTopic's handler: it hands notify the reminder of
// a booking still booked at the version the message was made for. Run
// twice, it sends once: the notice's key is the message's.
func (s *Service) sendReminder(ctx context.Context, m outbox.Message) error {
	var rm remindMessage
	if err := json.Unmarshal(m.Payload, &rm); err != nil {
		return outbox.Permanent(fmt.Errorf("appointment: reminder payload: %w", err))
	}
	a, err := byID(ctx, s.d.DB, rm.ID)
	if err != nil || s.d.Notices == nil || a.Status != StatusBooked || a.Version != rm.Version || !a.Start.After(s.d.Now()) {
		return err
	}
	vars, err := s.noticeVars(ctx, a)
	if err != nil {
		return err
	}
	return s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
		// Checked again in the transaction: a cancellation may have
		// committed since.
		cur, err := byID(ctx, tx, rm.ID)
		if err != nil || cur.Status != StatusBooked || cur.Version != rm.Version {
			return err
		}
		return s.d.Notices.Notify(ctx, tx, s.notice(cur, "appointment.reminder", "remind", vars))
	})
}

// noticeVars are a booking's values for its notices, read from the
// catalogue.
func (s *Service) noticeVars(ctx context.Context, a Appointment) (map[string]string, error) {
	sv, err := s.d.Catalog.ByID(ctx, a.ServiceID)
	if err != nil {
		return nil, err
	}
	off, err := s.office(ctx, a.OfficeID, "office_id")
	if err != nil {
		return nil, err
	}
	local := a.Start.In(s.d.Calendars.Current().Location())
	return map[string]string{
		"service": sv.Title.In("ru"),
		"office":  off.Name.In("ru"),
		"address": off.Address,
		"date":    local.Format("02.01.2006"),
		"time":    local.Format("15:04"),
		"desk":    strconv.Itoa(a.Desk),
	}, nil
}

// notice is a booking's notice to its citizen; what names the event in the
// key, so that each version's notice goes once.
func (s *Service) notice(a Appointment, template, what string, vars map[string]string) notify.Notice {
	return notify.Notice{
		Key:      fmt.Sprintf("appointment:%d:v%d:%s", a.ID, a.Version, what),
		UserID:   a.UserID,
		Template: template,
		Audience: "applicant",
		Vars:     vars,
		Link:     Link,
	}
}
