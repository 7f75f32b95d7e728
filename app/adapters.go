package app

import (
	"context"

	"github.com/okno/okno/identity"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/org"
	"github.com/okno/okno/web"
)

// identitySender delivers identity's messages (codes, letters) through notify.
type identitySender struct{ s notify.Sender }

func (is identitySender) Send(ctx context.Context, m identity.Message) error {
	return is.s.Send(ctx, notify.Message{Channel: notify.Channel(m.Channel), To: m.To, UserID: m.UserID, Subject: m.Subject, Body: m.Body})
}

// sessions gives the web layer what it needs of an identity session.
type sessions struct{ id *identity.Service }

var webAssurance = map[identity.Assurance]web.Assurance{
	identity.AssuranceSimplified: web.AssuranceSimplified,
	identity.AssuranceStandard:   web.AssuranceStandard,
	identity.AssuranceConfirmed:  web.AssuranceConfirmed,
}

func (s sessions) Authenticate(ctx context.Context, token string) (web.Session, error) {
	ss, err := s.id.Authenticate(ctx, token)
	if err != nil {
		return web.Session{}, err
	}
	return webSession(ss), nil
}

// webSession converts an identity session for the web layer.
func webSession(ss identity.Session) web.Session {
	return web.Session{
		ID:        ss.ID,
		UserID:    ss.UserID,
		Kind:      ss.Actor().Kind,
		Assurance: webAssurance[ss.Assurance],
		OrgID:     ss.OrgID,
		CSRF:      ss.CSRFToken,
	}
}

// apiKeys authenticates API clients; a key acts for its organisation.
type apiKeys struct {
	id   *identity.Service
	orgs *org.Service
}

func (k apiKeys) AuthenticateAPIKey(ctx context.Context, token string) (web.APIKey, error) {
	key, err := k.id.AuthenticateAPIKey(ctx, token)
	if err != nil {
		return web.APIKey{}, err
	}
	return web.APIKey{ID: key.ID, OrgID: key.OrgID, Roles: key.Roles, Name: key.Name}, nil
}

// demoMailbox hands the web layer the demo mailbox, or a nil interface when
// there is none: a nil *notify.Mailbox in an interface would not be nil.
func demoMailbox(mb *notify.Mailbox) web.Mailbox {
	if mb == nil {
		return nil
	}
	return mb
}
