package notify

// Notice is something to tell one person, rendered from a template on each
// channel the person chose (see Preferences) in the person's language. It
// is what features hand to notify inside their transaction; delivery goes
// through the outbox, so a notice is never lost nor sent twice.
//
// Vars are values the template may use (a case's reference, a state's
// title, a deadline) and must never hold personal data: they travel in the
// outbox. Contact addresses are looked up at delivery time.
type Notice struct {
	Key      string            // idempotency: unique per event and recipient, e.g. "case:12:event:40:user:7"
	UserID   int64             // the recipient's account
	Template string            // template name, e.g. "appeal.answer"
	Audience string            // "applicant" or "staff": templates differ by audience
	Vars     map[string]string // template values; no personal data
	Link     string            // path on the portal the message points to, e.g. "/cabinet/cases/12"
}

// Event is something that happened that webhook subscribers may hear of.
// Data must hold no personal data: it leaves the system.
type Event struct {
	Type  string         // e.g. "case.answered"
	OrgID int64          // the organisation it concerns: subscriptions are per organisation (0: region-wide only)
	Key   string         // idempotency: unique per event
	Data  map[string]any // the event's body
}
