// Package paydemo is a demonstration payment provider: its own HTTP
// server (okno paydemo) that speaks the protocol package payment expects
// of a gateway — create a payment with an idempotency key, a payment page
// the citizen is sent to, a redirect back to the return URL, signed
// notifications (retried until acknowledged), refunds and a daily
// statement — and the client Okno uses to talk to it (Client).
//
// No money moves: the page says so, and a tester simply presses «Оплатить»
// or «Отказаться». State is kept in memory and, if a state file is given,
// snapshotted to it as JSON after every change (a demo, not a ledger: a
// crash between a change and its snapshot loses that change). A chaos
// switch sends every notification late, shuffled and often twice, to show
// that Okno counts each payment once anyway.
package paydemo

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/okno/okno/payment"
)

// Options configure a Server.
type Options struct {
	// Secret authenticates Okno's API calls (a bearer token) and signs
	// notifications (HMAC-SHA-256). At least 16 bytes.
	Secret []byte
	// NotifyURL is where notifications are POSTed (Okno's endpoint).
	NotifyURL string
	// PublicURL is this server's address as a browser reaches it, the
	// base of payment pages' URLs (e.g. http://127.0.0.1:8099).
	PublicURL string
	// StateFile, if set, is loaded at start and rewritten after every
	// change.
	StateFile string
	// Chaos delays notifications a little, sends them shuffled and many
	// of them twice.
	Chaos bool
	// Seed seeds the chaos; 0: random.
	Seed uint64
	// Client sends notifications; nil: a client with a 10-second timeout.
	Client *http.Client
	// MaxAttempts bounds the tries of one notification; default 12
	// (backoff doubling from 1 second, capped at 10 minutes).
	MaxAttempts int
	Now         func() time.Time // nil: time.Now
	Log         *slog.Logger     // nil: discard
}

// Server is the demo provider.
type Server struct {
	o    Options
	mu   sync.Mutex
	st   state
	rnd  *mrand.Rand
	kick chan struct{}
	// sending serialises Deliver, so that a notification is not sent by
	// two deliveries at once (repeats are the chaos switch's business).
	sending sync.Mutex
}

// state is everything the server knows; it is what the state file holds.
type state struct {
	Payments map[string]*demoPayment  `json:"payments"`
	Refunds  []payment.ProviderRefund `json:"refunds"`
	Keys     map[string]keyUse        `json:"keys"` // idempotency key → what it made
	Queue    []*delivery              `json:"queue"`
}

// demoPayment is a payment as the provider keeps it.
type demoPayment struct {
	payment.ProviderPayment
	Description string            `json:"description"`
	ReturnURL   string            `json:"return_url"`
	Metadata    map[string]string `json:"metadata"`
}

// keyUse is what an idempotency key was used for: the request's digest
// and the object it made.
type keyUse struct {
	Digest string `json:"digest"`
	ID     string `json:"id"`
}

// delivery is a notification waiting to be acknowledged.
type delivery struct {
	Notification payment.Notification `json:"notification"`
	Attempts     int                  `json:"attempts"`
	NextAt       time.Time            `json:"next_at"`
}

// New builds a server, loading the state file if there is one.
func New(o Options) (*Server, error) {
	if len(o.Secret) < 16 {
		return nil, errors.New("paydemo: the secret must be at least 16 bytes")
	}
	if !strings.HasPrefix(o.NotifyURL, "http://") && !strings.HasPrefix(o.NotifyURL, "https://") {
		return nil, errors.New("paydemo: the notify URL must be http:// or https://")
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 12
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	seed := o.Seed
	if seed == 0 {
		seed = mrand.Uint64()
	}
	s := &Server{o: o, rnd: mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), kick: make(chan struct{}, 1),
		st: state{Payments: map[string]*demoPayment{}, Keys: map[string]keyUse{}}}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, nil
}

// Handler serves the API, the payment pages and /healthz.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/payments", s.api(s.createPayment))
	mux.HandleFunc("GET /api/v1/payments/{id}", s.api(s.getPayment))
	mux.HandleFunc("POST /api/v1/payments/{id}/refunds", s.api(s.createRefund))
	mux.HandleFunc("GET /api/v1/statement", s.api(s.statement))
	mux.HandleFunc("GET /pay/{id}", s.payPage)
	mux.HandleFunc("POST /pay/{id}", s.payAction)
	mux.HandleFunc("GET /assets/paydemo.css", serveCSS)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	return securityHeaders(mux)
}

// securityHeaders sets what every answer carries.
func securityHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; form-action *; frame-ancestors 'none'")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		h.ServeHTTP(w, r)
	})
}

// apiError is an API refusal.
type apiError struct {
	status int
	msg    string
}

func (e apiError) Error() string { return e.msg }

// api authenticates a call (Bearer secret), runs h and writes its answer
// or refusal as JSON.
func (s *Server) api(h func(r *http.Request) (int, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(tok), s.o.Secret) != 1 {
			w.WriteHeader(http.StatusUnauthorized)
			json.NewEncoder(w).Encode(map[string]string{"error": "unauthorised: Authorization: Bearer <secret> expected"})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		status, v, err := h(r)
		if err != nil {
			var ae apiError
			if !errors.As(err, &ae) {
				ae = apiError{http.StatusInternalServerError, "internal error"}
				s.o.Log.Error("paydemo", "err", err)
			}
			w.WriteHeader(ae.status)
			json.NewEncoder(w).Encode(map[string]string{"error": ae.msg})
			return
		}
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
}

// createBody is the create-payment request.
type createBody struct {
	Amount      int64             `json:"amount"`
	Description string            `json:"description"`
	ReturnURL   string            `json:"return_url"`
	Metadata    map[string]string `json:"metadata"`
}

func (b createBody) check() error {
	switch {
	case b.Amount <= 0 || b.Amount > payment.MaxAmount:
		return apiError{http.StatusUnprocessableEntity, fmt.Sprintf("amount: 1..%d kopecks", payment.MaxAmount)}
	case b.Description == "" || !utf8.ValidString(b.Description) || utf8.RuneCountInString(b.Description) > 256:
		return apiError{http.StatusUnprocessableEntity, "description: 1..256 characters"}
	case len(b.ReturnURL) > 2000 || !(strings.HasPrefix(b.ReturnURL, "http://") || strings.HasPrefix(b.ReturnURL, "https://")):
		return apiError{http.StatusUnprocessableEntity, "return_url: an http(s) URL up to 2000 bytes"}
	case len(b.Metadata) > 10:
		return apiError{http.StatusUnprocessableEntity, "metadata: at most 10 entries"}
	}
	for k, v := range b.Metadata {
		if len(k) > 64 || len(v) > 256 {
			return apiError{http.StatusUnprocessableEntity, "metadata: keys up to 64 bytes, values up to 256"}
		}
	}
	return nil
}

// idempotencyKey reads the request's key.
func idempotencyKey(r *http.Request) (string, error) {
	k := r.Header.Get("Idempotency-Key")
	if k == "" || len(k) > 128 {
		return "", apiError{http.StatusBadRequest, "Idempotency-Key header required (up to 128 bytes)"}
	}
	return k, nil
}

// digest names a request's content, to tell a retry from a reuse of a key.
func digest(v any) string {
	b, _ := json.Marshal(v)
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// newID makes a provider ID with a prefix.
func newID(prefix string) string {
	var b [12]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

func (s *Server) createPayment(r *http.Request) (int, any, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return 0, nil, err
	}
	var b createBody
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		return 0, nil, apiError{http.StatusBadRequest, "body: a JSON object expected"}
	}
	if err := b.check(); err != nil {
		return 0, nil, err
	}
	d := digest(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	if u, ok := s.st.Keys["payment:"+key]; ok {
		if u.Digest != d {
			return 0, nil, apiError{http.StatusUnprocessableEntity, "Idempotency-Key was used for a different request"}
		}
		return http.StatusOK, s.st.Payments[u.ID].ProviderPayment, nil
	}
	now := s.o.Now().UTC()
	p := &demoPayment{ProviderPayment: payment.ProviderPayment{ID: newID("pd_"), Status: payment.StatusCreated,
		Amount: b.Amount, CreatedAt: now}, Description: b.Description, ReturnURL: b.ReturnURL, Metadata: b.Metadata}
	p.ConfirmationURL = s.o.PublicURL + "/pay/" + p.ID
	s.st.Payments[p.ID] = p
	s.st.Keys["payment:"+key] = keyUse{Digest: d, ID: p.ID}
	return http.StatusCreated, p.ProviderPayment, s.saveLocked()
}

func (s *Server) getPayment(r *http.Request) (int, any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.st.Payments[r.PathValue("id")]
	if !ok {
		return 0, nil, apiError{http.StatusNotFound, "no such payment"}
	}
	return http.StatusOK, p.ProviderPayment, nil
}

func (s *Server) createRefund(r *http.Request) (int, any, error) {
	key, err := idempotencyKey(r)
	if err != nil {
		return 0, nil, err
	}
	var b struct {
		Amount int64 `json:"amount"`
	}
	if err := json.NewDecoder(r.Body).Decode(&b); err != nil {
		return 0, nil, apiError{http.StatusBadRequest, "body: a JSON object expected"}
	}
	id := r.PathValue("id")
	d := digest([]any{id, b.Amount})
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.st.Payments[id]
	if !ok {
		return 0, nil, apiError{http.StatusNotFound, "no such payment"}
	}
	if u, ok := s.st.Keys["refund:"+key]; ok {
		if u.Digest != d {
			return 0, nil, apiError{http.StatusUnprocessableEntity, "Idempotency-Key was used for a different request"}
		}
		for _, rf := range s.st.Refunds {
			if rf.ID == u.ID {
				return http.StatusOK, rf, nil
			}
		}
	}
	if !p.Status.Paid() || p.Status == payment.StatusRefunded {
		return 0, nil, apiError{http.StatusConflict, "only a succeeded payment can be refunded"}
	}
	if b.Amount <= 0 || b.Amount > p.Amount-p.Refunded {
		return 0, nil, apiError{http.StatusUnprocessableEntity, fmt.Sprintf("amount: 1..%d kopecks (what is left)", p.Amount-p.Refunded)}
	}
	now := s.o.Now().UTC()
	rf := payment.ProviderRefund{ID: newID("rf_"), PaymentID: p.ID, Amount: b.Amount, CreatedAt: now}
	p.Refunded += b.Amount
	p.Status = payment.StatusPartly
	if p.Refunded == p.Amount {
		p.Status = payment.StatusRefunded
	}
	s.st.Refunds = append(s.st.Refunds, rf)
	s.st.Keys["refund:"+key] = keyUse{Digest: d, ID: rf.ID}
	s.queueLocked(payment.EventRefund, p, &rf)
	return http.StatusCreated, rf, s.saveLocked()
}

func (s *Server) statement(r *http.Request) (int, any, error) {
	day := r.URL.Query().Get("date")
	from, to, ok := payment.DayBounds(day)
	if !ok {
		return 0, nil, apiError{http.StatusBadRequest, "date: YYYY-MM-DD expected"}
	}
	in := func(t time.Time) bool { return !t.Before(from) && t.Before(to) }
	s.mu.Lock()
	defer s.mu.Unlock()
	st := payment.Statement{Day: day, Payments: []payment.ProviderPayment{}, Refunds: []payment.ProviderRefund{}}
	for _, p := range s.st.Payments {
		if p.Status.Paid() && in(p.PaidAt) {
			st.Payments = append(st.Payments, p.ProviderPayment)
		}
	}
	for _, rf := range s.st.Refunds {
		if in(rf.CreatedAt) {
			st.Refunds = append(st.Refunds, rf)
		}
	}
	slices.SortFunc(st.Payments, func(a, b payment.ProviderPayment) int { return strings.Compare(a.ID, b.ID) })
	return http.StatusOK, st, nil
}
