package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/app"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/org"
	"github.com/okno/okno/paydemo"
	"github.com/okno/okno/payment"
	"github.com/okno/okno/web/webtest"
)

// boClock is the back-office tests' clock: a fixed morning, moved by hand.
type boClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *boClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

// boOffice is a real Okno with the demo payment provider on its own
// listener (notifications are never sent: the return page's question to
// the provider settles payments, so nothing waits on delivery), two
// district administrations A and B, and their staff.
type boOffice struct {
	live   *webtest.Live
	clock  *boClock
	a, b   org.Organisation
	demo   *paydemo.Server
	secret []byte
}

const boPassword = "пароль для бэк-офиса"

// newBoOffice opens the app on dsn with the demo provider configured as
// okno serve --payment-url would.
func newBoOffice(t *testing.T, dsn string) *boOffice {
	t.Helper()
	o := &boOffice{clock: &boClock{t: time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)}, secret: []byte("paydemo-backoffice-secret-0123")}
	var h http.Handler
	demo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeHTTP(w, r) }))
	t.Cleanup(demo.Close)
	var err error
	o.demo, err = paydemo.New(paydemo.Options{Secret: o.secret, NotifyURL: "http://127.0.0.1:1/unused", PublicURL: demo.URL, Now: o.clock.Now, Seed: 3})
	mustOK(t, err)
	h = o.demo.Handler()
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "payment.secret")
	mustOK(t, os.WriteFile(secretFile, o.secret, 0o600))
	a, err := app.Open(context.Background(), app.Config{DataDir: filepath.Join(dir, "data"), DB: dsn, DevInsecureCookies: true,
		DemoMailbox: true, PaymentURL: demo.URL, PaymentSecretFile: secretFile, Now: o.clock.Now})
	mustOK(t, err)
	srv := httptest.NewServer(a.Web.Handler())
	t.Cleanup(func() { srv.Close(); a.Close() })
	o.live = &webtest.Live{App: a, URL: srv.URL}
	if a.Payments == nil {
		t.Fatal("the app has no payments: the provider was not configured")
	}
	ctx := context.Background()
	o.a, err = a.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindDistrictAdministration, Name: "Администрация Центрального района", Hours: org.OfficeHours()}, okno.System)
	mustOK(t, err)
	o.b, err = a.Orgs.CreateOrganisation(ctx, org.Organisation{Kind: org.KindDistrictAdministration, Name: "Администрация Выборгского района", Hours: org.OfficeHours()}, okno.System)
	mustOK(t, err)
	return o
}

// staff signs in a new staff member holding role in organisation in, and
// returns their browser.
func (o *boOffice) staff(t *testing.T, name string, in org.Organisation, role okno.Role) *webtest.Visitor {
	t.Helper()
	ctx, id := context.Background(), o.live.App.Identity
	uid, err := id.CreateStaff(ctx, okno.System, name+"@spb.example", "Сотрудник "+name, boPassword)
	mustOK(t, err)
	p, err := o.live.App.Orgs.CreatePosition(ctx, org.Position{OrgID: in.ID, Title: "Должность " + name, Role: role}, okno.System)
	mustOK(t, err)
	mustOK(t, o.live.App.Orgs.AssignStaff(ctx, uid, p.ID, okno.System))
	ss, err := id.SignInStaff(ctx, identity.Credentials{Contact: name + "@spb.example", Password: boPassword})
	mustOK(t, err)
	mustOK(t, id.SelectOrganisation(ctx, ss.ID, in.ID))
	return o.live.NewVisitor(t).SignedIn(ss.Token)
}

// citizen signs up a citizen and returns them as an actor.
func (o *boOffice) citizen(t *testing.T, name string) okno.Actor {
	t.Helper()
	ctx, id := context.Background(), o.live.App.Identity
	contact := name + "@example.ru"
	mustOK(t, id.SignUp(ctx, identity.NewAccount{Contact: contact, Password: boPassword, DisplayName: "Житель"}))
	mustOK(t, id.Confirm(ctx, contact, o.live.CodeFor(t, contact)))
	ss, err := id.SignIn(ctx, identity.Credentials{Contact: contact, Password: boPassword})
	mustOK(t, err)
	return okno.Actor{Kind: okno.ActorCitizen, UserID: ss.UserID}
}

// fee issues a state fee to payer, payable to in.
func (o *boOffice) fee(t *testing.T, payer okno.Actor, in org.Organisation, purpose string, amount int64) accrual.Accrual {
	t.Helper()
	a, err := o.live.App.Accruals.Issue(context.Background(), okno.System, accrual.Draft{Fee: "duty-" + purpose,
		Payer: accrual.Payer{UserID: payer.UserID}, PayeeOrgID: in.ID, Purpose: purpose, Amount: amount})
	mustOK(t, err)
	return a
}

// pay starts paying uin as citizen and presses «Оплатить» on the demo
// provider's page; settle asks the provider as the return page does.
func (o *boOffice) pay(t *testing.T, citizen okno.Actor, uin string, settle bool) payment.Payment {
	t.Helper()
	ctx := context.Background()
	p, err := o.live.App.Payments.Start(ctx, citizen, uin, o.live.URL+"/payments/{payment}/return", "key-"+uin)
	mustOK(t, err)
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := browser.Get(p.ConfirmationURL)
	mustOK(t, err)
	io.Copy(io.Discard, res.Body) //nolint:errcheck // only the status matters
	res.Body.Close()
	res, err = browser.PostForm(p.ConfirmationURL, map[string][]string{"action": {"pay"}})
	mustOK(t, err)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("paying at the provider: status %d, want 303", res.StatusCode)
	}
	if !settle {
		return p
	}
	p, err = o.live.App.Payments.Return(ctx, citizen, p.ID)
	mustOK(t, err)
	if p.Status != payment.StatusSucceeded {
		t.Fatalf("payment %d is %s after paying, want succeeded", p.ID, p.Status)
	}
	return p
}

// boExpectNot fails unless the visitor's last page lacks every text.
func boExpectNot(t *testing.T, v *webtest.Visitor, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(v.Last, s) {
			t.Fatalf("%s: page has %q, and must not", v.URL, s)
		}
	}
}

// boOrg is an organisation to create.
func boOrg(name string) org.Organisation {
	return org.Organisation{Kind: org.KindDistrictAdministration, Name: name, Hours: org.OfficeHours()}
}
