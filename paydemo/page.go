package paydemo

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/okno/okno/payment"
)

// pageTmpl is the payment page: clearly a demo, the sum and purpose, and
// the tester's choices. No script; the buttons are a plain form.
var pageTmpl = template.Must(template.New("pay").Parse(`<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Демонстрационная оплата — {{.Amount}}</title>
<link rel="stylesheet" href="/assets/paydemo.css">
</head>
<body>
<div class="banner" role="note"><strong>Демонстрационная платёжная система — деньги не списываются</strong>
<span lang="en">Demonstration payment system — no money is taken</span></div>
<main>
<h1>Оплата {{.Amount}}</h1>
<p class="purpose">{{.Description}}</p>
<dl>
<dt>Номер платежа</dt><dd>{{.ID}}</dd>
<dt>Статус</dt><dd>{{.Status}}</dd>
</dl>
{{if .Open}}
<form method="post" action="/pay/{{.ID}}">
<button name="action" value="pay" class="pay">Оплатить</button>
<button name="action" value="decline" class="secondary">Отказаться</button>
<button name="action" value="fail" class="secondary">Имитировать отказ банка</button>
</form>
{{else}}
<p>Платёж завершён. <a href="{{.ReturnURL}}">Вернуться на портал</a></p>
{{end}}
</main>
</body>
</html>
`))

const css = `body{font-family:system-ui,sans-serif;margin:0;color:#0b0c0c;background:#fff}
.banner{background:#ffdd00;padding:1rem;border-bottom:4px solid #0b0c0c;font-size:1.1rem}
.banner span{display:block;font-size:.9rem}
main{max-width:36rem;margin:0 auto;padding:1rem}
h1{font-size:1.8rem}
dt{font-weight:bold}dd{margin:0 0 .5rem 0}
button{font-size:1.1rem;padding:.6rem 1rem;margin:.25rem .25rem .25rem 0;border:0;cursor:pointer}
.pay{background:#00703c;color:#fff}.secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
`

func serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Write([]byte(css))
}

// roubles writes kopecks as «1 234,50 ₽».
func roubles(k int64) string {
	r, c := k/100, k%100
	s := fmt.Sprint(r)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "\u00a0" + s[i:]
	}
	return fmt.Sprintf("%s,%02d\u00a0₽", s, c)
}

// payPage shows a payment to the citizen. The first view moves it from
// created to pending, as a real gateway does when the payer arrives.
func (s *Server) payPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := s.st.Payments[r.PathValue("id")]
	if !ok {
		s.mu.Unlock()
		http.Error(w, "Платёж не найден / payment not found", http.StatusNotFound)
		return
	}
	if p.Status == payment.StatusCreated {
		p.Status = payment.StatusPending
		s.queueLocked(payment.EventPending, p, nil)
		if err := s.saveLocked(); err != nil {
			s.o.Log.Error("paydemo: save", "err", err)
		}
	}
	view := struct {
		ID, Amount, Description, ReturnURL string
		Status                             payment.Status
		Open                               bool
	}{p.ID, roubles(p.Amount), p.Description, p.ReturnURL, p.Status, !p.Status.Final()}
	s.mu.Unlock()
	s.nudge()
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := pageTmpl.Execute(w, view); err != nil {
		s.o.Log.Error("paydemo: page", "err", err)
	}
}

// payAction takes the tester's choice and sends the citizen back.
func (s *Server) payAction(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
	to, event := payment.Status(""), ""
	switch r.PostFormValue("action") {
	case "pay":
		to, event = payment.StatusSucceeded, payment.EventSucceeded
	case "decline":
		to, event = payment.StatusCancelled, payment.EventCancelled
	case "fail":
		to, event = payment.StatusFailed, payment.EventFailed
	default:
		http.Error(w, "action: pay, decline or fail", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	p, ok := s.st.Payments[r.PathValue("id")]
	if !ok {
		s.mu.Unlock()
		http.Error(w, "Платёж не найден / payment not found", http.StatusNotFound)
		return
	}
	if !p.Status.Final() {
		p.Status = to
		if to == payment.StatusSucceeded {
			p.PaidAt = s.o.Now().UTC()
		}
		s.queueLocked(event, p, nil)
		if err := s.saveLocked(); err != nil {
			s.o.Log.Error("paydemo: save", "err", err)
		}
	}
	back := p.ReturnURL
	s.mu.Unlock()
	s.nudge()
	http.Redirect(w, r, back, http.StatusSeeOther)
}
