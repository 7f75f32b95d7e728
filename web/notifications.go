package web

import (
	"net/http"
	"strconv"

	"github.com/okno/okno"
)

// notificationsPage is the data of /cabinet/notifications.
type notificationsPage struct {
	Unread string
	Notes  []noteView
}

// notifications lists the citizen's notifications, newest first. The
// inbox keeps the hundred newest in reach; older ones stay in the cases
// they are about.
func (s *Server) notifications(w http.ResponseWriter, r *http.Request) error {
	ctx, l, me := r.Context(), stateFrom(r.Context()).loc, session(r)
	ns, err := s.deps.Inbox.ListForUser(ctx, me.UserID, 100)
	if err != nil {
		return err
	}
	unread, err := s.deps.Inbox.UnreadCount(ctx, me.UserID)
	if err != nil {
		return err
	}
	return s.render(w, http.StatusOK, "notifications", s.view(w, r, "web.notifications.title",
		notificationsPage{Unread: l.T("web.cabinet.unread", unread), Notes: notesView(l, ns)}))
}

// notificationRead marks one notification read. The inbox itself checks it
// belongs to the person: another's is not found.
func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return okno.Errorf(okno.ENOTFOUND, "error.not_found")
	}
	if err := s.deps.Inbox.MarkRead(r.Context(), session(r).UserID, id); err != nil {
		return err
	}
	return seeOther(w, r, "/cabinet/notifications#n-"+strconv.FormatInt(id, 10))
}
