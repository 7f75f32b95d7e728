package complaint

import (
	"context"
	"fmt"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/process"
)

// Limits of a history document: a case with a very long life is cut, and
// says so, rather than making a document nobody can open.
const (
	maxHistoryEvents = 500
	maxHistoryDocs   = 200
	maxCommentRunes  = 2000
)

// historyZone is the time zone the history is written in: the region's
// (Saint Petersburg, Moscow time), as the bodies read it.
var historyZone = time.FixedZone("МСК", 3*60*60)

// history renders the original case's "История дела": what the case is,
// every state it went through, every action — who and when, with its
// comment —, and its documents, as a PDF to attach to the complaint.
//
// It is written as the controlling body needs it and the citizen already
// knows it: the case engine's full timeline (read as the system) without
// internal notes, and comments and documents only where the citizen was
// shown them. The complaint's documents are the citizen's to see, and an
// internal note of the original body is not theirs; the controlling
// body, being above that body, sees the original case in full anyway.
// The form data is left out: it is personal data the complaint does not
// need, and the controlling body finds it on the original case.
func (s *Service) history(ctx context.Context, c casework.Case) ([]byte, error) {
	ver, err := s.d.Cases.Definition(ctx, c)
	if err != nil {
		return nil, fmt.Errorf("complaint: process of case %d: %w", c.ID, err)
	}
	events, err := s.d.Cases.Timeline(ctx, okno.System, c.ID)
	if err != nil {
		return nil, fmt.Errorf("complaint: timeline of case %d: %w", c.ID, err)
	}
	docs, err := s.d.Cases.Documents(ctx, okno.System, c.ID)
	if err != nil {
		return nil, fmt.Errorf("complaint: documents of case %d: %w", c.ID, err)
	}
	orgName := ""
	if o, err := s.d.Orgs.Get(ctx, c.OrgID); err == nil {
		orgName = o.Name
	} else if !okno.IsCode(err, okno.ENOTFOUND) {
		return nil, fmt.Errorf("complaint: organisation %d: %w", c.OrgID, err)
	}
	g, err := newGlyphs()
	if err != nil {
		return nil, err
	}
	var lines []string
	add := func(format string, args ...any) {
		lines = append(lines, g.wrap(fmt.Sprintf(format, args...), pageW-2*margin)...)
	}
	writeHistory(add, ver.Definition, c, orgName, events, docs, s.d.Now())
	return renderPDF(g, lines)
}

// writeHistory writes the history's text, line by line, through add.
func writeHistory(add func(string, ...any), def *process.Definition, c casework.Case, orgName string,
	events []casework.Event, docs []casework.Document, now time.Time) {
	if def == nil {
		def = &process.Definition{Name: c.Process}
	}
	stateTitle := func(name string) string {
		if st, ok := def.State(name); ok {
			return st.Title.In("ru")
		}
		return name
	}
	add("История дела № %s", c.Ref)
	add("Сформирована %s для рассмотрения досудебной жалобы.", stamp(now))
	add("")
	add("Дело: %s", c.Subject)
	add("Вид: %s", def.Title.In("ru"))
	add("Организация: %s", orgName)
	add("Зарегистрировано: %s", stamp(c.CreatedAt))
	add("Срок по закону: %s", stamp(c.Legal.Due))
	add("Состояние сейчас: %s", stateTitle(c.State))
	if !c.Open() {
		add("Закрыто: %s", stamp(c.ClosedAt))
	}
	add("")
	add("Ход дела")
	n := 0
	for _, e := range events {
		if e.Kind == casework.EventNote {
			continue
		}
		if n++; n > maxHistoryEvents {
			add("… и ещё события после %d-го: полный ход дела — в самом деле.", maxHistoryEvents)
			break
		}
		what := eventTitle(def, e)
		if e.ToState != e.FromState && e.ToState != "" {
			what += " → «" + stateTitle(e.ToState) + "»"
		}
		who := e.ActorName
		if who == "" {
			who = e.Actor
		}
		add("%d. %s — %s. %s", n, stamp(e.At), what, who)
		if e.CitizenVisible && e.Comment != "" {
			comment := []rune(e.Comment)
			if len(comment) > maxCommentRunes {
				comment = append(comment[:maxCommentRunes], '…')
			}
			add("    Комментарий: %s", string(comment))
		}
	}
	add("")
	add("Документы дела")
	n = 0
	for _, d := range docs {
		if !d.CitizenVisible {
			continue
		}
		if n++; n > maxHistoryDocs {
			add("… и другие документы.")
			break
		}
		kind := "приложение"
		if d.Result {
			kind = "результат"
		}
		add("%d. %s (%s, %d КБ, %s)", n, d.Name, kind, (d.Size+1023)/1024, stamp(d.CreatedAt))
	}
	if n == 0 {
		add("Документов нет.")
	}
}

// eventTitle says in Russian what an event was.
func eventTitle(def *process.Definition, e casework.Event) string {
	if a, ok := def.Action(e.Action); ok && e.Kind == casework.EventAction {
		return a.Title.In("ru")
	}
	switch e.Kind {
	case casework.EventOpened:
		return "Дело открыто"
	case casework.EventAssigned:
		return "Назначен исполнитель"
	case casework.EventRerouted:
		return "Передано в другую организацию"
	case casework.EventEscalated:
		return "Эскалация: истёк срок этапа"
	case casework.EventDocument:
		return "Добавлен документ"
	case casework.EventChildDone:
		return "Завершено связанное дело"
	case EventFiled:
		return "Подана жалоба"
	}
	return string(e.Kind)
}

// stamp is a moment as the history writes it: "02.03.2026 10:00 МСК".
func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(historyZone).Format("02.01.2006 15:04 MST")
}
