package web

import (
	"net/http"
	"slices"

	"github.com/okno/okno"
	"github.com/okno/okno/notify"
)

// maxChannelValues bounds the values one submission may carry.
const maxChannelValues = 8

// cabinetChannelsPage is the data of /cabinet/channels.
type cabinetChannelsPage struct {
	Options []channelOption
	Error   string // what the notification service refused, on the fieldset
	Errors  []FieldMessage
	Banner  *Banner
}

// channelOption is one checkbox of the page.
type channelOption struct {
	Value   string
	Label   string
	Hint    string
	Checked bool
}

// cabinetChannels shows which channels the citizen hears about their
// cases through.
func (s *Server) cabinetChannels(w http.ResponseWriter, r *http.Request) error {
	chans, err := s.deps.Channels.Channels(r.Context(), session(r).UserID)
	if err != nil {
		return err
	}
	var banner *Banner
	if r.URL.Query().Get("saved") == "1" {
		l := stateFrom(r.Context()).loc
		banner = &Banner{Title: l.T("web.channels.saved"), Success: true}
	}
	return s.render(w, http.StatusOK, "cabinet-channels", s.channelsView(w, r, chans, nil, banner))
}

// cabinetChannelsSubmit saves the citizen's choice. Whether a channel can
// be chosen (an e-mail address or phone on file, SMS only by opting in)
// notify decides; its refusal shows on the form.
func (s *Server) cabinetChannelsSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(r); err != nil {
		return err
	}
	values := r.PostForm["channels"]
	if len(values) > maxChannelValues {
		return okno.Errorf(okno.EINVALID, "error.bad_request")
	}
	chans := make([]notify.Channel, 0, len(values))
	for _, v := range values {
		if c := notify.Channel(v); !slices.Contains(chans, c) {
			chans = append(chans, c)
		}
	}
	err := s.deps.Channels.SetChannels(r.Context(), session(r).UserID, chans)
	if userError(err) {
		return s.render(w, formStatus(err), "cabinet-channels", s.channelsView(w, r, chans, err, nil))
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/cabinet/channels?saved=1")
}

// channelsView builds the page for the channels chosen, with err (nil, or
// what notify refused) on the form.
func (s *Server) channelsView(w http.ResponseWriter, r *http.Request, chosen []notify.Channel, err error, banner *Banner) View {
	l := stateFrom(r.Context()).loc
	data := cabinetChannelsPage{Banner: banner}
	for _, c := range notify.Choosable() {
		if c == notify.ChannelCabinet {
			continue // always on: the page says so
		}
		data.Options = append(data.Options, channelOption{Value: string(c), Label: l.T("web.channels." + string(c)),
			Hint: l.T("web.channels." + string(c) + "_hint"), Checked: slices.Contains(chosen, c)})
	}
	if err != nil {
		msg, fields := l.Error(err)
		if f, ok := fields["channels"]; ok {
			msg = f
		}
		data.Error = msg
		data.Errors = []FieldMessage{{ID: "f-channels", Message: msg}}
	}
	return s.view(w, r, "web.channels.title", data)
}
