package paydemo

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/okno/okno/payment"
)

// Client is Okno's side of the demo provider's API: it implements
// payment.Provider.
type Client struct {
	BaseURL string // e.g. http://127.0.0.1:8099
	Secret  []byte
	HTTP    *http.Client // nil: a client with a 15-second timeout
}

var _ payment.Provider = (*Client)(nil)

// maxAnswer bounds an answer's body (a statement of a busy day included).
const maxAnswer = 256 << 20

// call sends one API request and decodes the answer into out.
func (c *Client) call(ctx context.Context, method, path, key string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+string(c.Secret))
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("paydemo: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	r := io.LimitReader(resp.Body, maxAnswer)
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		json.NewDecoder(io.LimitReader(r, 4<<10)).Decode(&e)
		return fmt.Errorf("paydemo: %s %s: %s: %s", method, path, resp.Status, e.Error)
	}
	if err := json.NewDecoder(r).Decode(out); err != nil {
		return fmt.Errorf("paydemo: %s %s: answer: %w", method, path, err)
	}
	return nil
}

// Create implements payment.Provider.
func (c *Client) Create(ctx context.Context, r payment.CreateRequest) (payment.ProviderPayment, error) {
	var p payment.ProviderPayment
	err := c.call(ctx, http.MethodPost, "/api/v1/payments", r.IdempotencyKey,
		createBody{Amount: r.Amount, Description: r.Description, ReturnURL: r.ReturnURL, Metadata: r.Metadata}, &p)
	return p, err
}

// Get implements payment.Provider.
func (c *Client) Get(ctx context.Context, providerID string) (payment.ProviderPayment, error) {
	var p payment.ProviderPayment
	err := c.call(ctx, http.MethodGet, "/api/v1/payments/"+url.PathEscape(providerID), "", nil, &p)
	return p, err
}

// Refund implements payment.Provider.
func (c *Client) Refund(ctx context.Context, providerID string, amount int64, idempotencyKey string) (payment.ProviderRefund, error) {
	var r payment.ProviderRefund
	err := c.call(ctx, http.MethodPost, "/api/v1/payments/"+url.PathEscape(providerID)+"/refunds", idempotencyKey,
		map[string]int64{"amount": amount}, &r)
	return r, err
}

// Statement implements payment.Provider.
func (c *Client) Statement(ctx context.Context, day time.Time) (payment.Statement, error) {
	var st payment.Statement
	err := c.call(ctx, http.MethodGet, "/api/v1/statement?date="+day.In(payment.Moscow).Format(time.DateOnly), "", nil, &st)
	return st, err
}
