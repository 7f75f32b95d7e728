package web

import (
	"net/http"

	"github.com/okno/okno/i18n"
)

// mailboxPage is the data of /demo/mailbox.
type mailboxPage struct {
	Messages []mailView
}

// mailView is one caught message.
type mailView struct {
	Channel, To, Subject, Body, When string
}

// demoMailbox shows what Okno "sent" — codes, letters — newest first, so
// someone trying the demo can read their confirmation code. It is only in
// the route table of demo installations (Config.DemoMailbox) and says so.
func (s *Server) demoMailbox(w http.ResponseWriter, r *http.Request) error {
	l := stateFrom(r.Context()).loc
	ms, err := s.deps.Mailbox.List(r.Context(), 50)
	if err != nil {
		return err
	}
	data := mailboxPage{}
	for _, m := range ms {
		data.Messages = append(data.Messages, mailView{Channel: channelName(l, string(m.Channel)), To: m.To, Subject: m.Subject, Body: m.Body, When: formatTime(l, m.CreatedAt)})
	}
	return s.render(w, http.StatusOK, "mailbox", s.view(w, r, "web.mailbox.title", data))
}

func channelName(l i18n.Localizer, c string) string { return l.T("web.mailbox.channel_" + c) }
