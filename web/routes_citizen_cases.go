package web

import (
	"context"

	"github.com/okno/okno/notify"
)

// ChannelPrefs is notify's door for the channels a citizen chose to hear
// about their cases through. The cabinet inbox is always on; e-mail and
// SMS are the person's choice (SMS only when they opt in).
type ChannelPrefs interface {
	Channels(ctx context.Context, userID int64) ([]notify.Channel, error)
	SetChannels(ctx context.Context, userID int64, chans []notify.Channel) error
}

// Body limits of the citizen's case forms: an action may carry a few
// files (the case engine checks each file's size, count and type), the
// channel choice only a few words.
const (
	caseUploadMaxBody = 52 << 20
	channelsMaxBody   = 16 << 10
)

// citizenCaseRoutes are the citizen's "my cases" pages. The rule admits
// any signed-in citizen; which cases each may see and act on, the case
// engine decides (another's case is not found).
func (s *Server) citizenCaseRoutes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/cabinet/cases", Access: Citizen(), Handler: s.cabinetCases},
		{Method: "GET", Pattern: "/cabinet/cases/{id}", Access: Citizen(), Handler: s.cabinetCase},
		{Method: "POST", Pattern: "/cabinet/cases/{id}/actions", Access: Citizen(), Handler: s.cabinetCaseAct, MaxBody: caseUploadMaxBody},
		{Method: "GET", Pattern: "/cabinet/cases/{id}/documents/{doc}", Access: Citizen(), Handler: s.cabinetCaseDocument},
		{Method: "GET", Pattern: "/cabinet/channels", Access: Citizen(), Handler: s.cabinetChannels},
		{Method: "POST", Pattern: "/cabinet/channels", Access: Citizen(), Handler: s.cabinetChannelsSubmit, MaxBody: channelsMaxBody},
	}
}
