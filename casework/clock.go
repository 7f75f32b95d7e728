package casework

import (
	"time"

	"github.com/okno/okno/calendar"
	"github.com/okno/okno/process"
)

// The two clocks of a case (DESIGN.md, "The core idea"): the legal clock
// counts the whole case and never resets; it pauses while a state waits
// for the citizen and stops (pauses, noting when the obligation was met)
// in a state that meets it, and a reopened case resumes it where it
// stopped. The step clock is the current state's own: it starts afresh
// in every state that declares one, runs whatever the legal clock does
// (the citizen's 15 days to confirm an answer run while the legal clock
// stands), restarts on escalation, and is what the scheduler watches.

// arrive puts r into state to at now: the legal clock follows the state's
// clock mode, the step clock restarts for the state (or clears), the
// escalation resets, and a terminal state closes the case while leaving
// one reopens it.
func arrive(cal *calendar.Calendar, r *record, to process.State, now time.Time) {
	switch to.ClockMode() {
	case process.ClockPaused:
		r.Legal = cal.Pause(r.Legal, now)
		r.LegalMetAt = time.Time{}
	case process.ClockStopped:
		r.Legal = cal.Pause(r.Legal, now)
		if r.LegalMetAt.IsZero() {
			r.LegalMetAt = now
		}
	default:
		r.Legal = cal.Resume(r.Legal, now)
		r.LegalMetAt = time.Time{}
	}
	r.Legal.Due = r.Legal.Due.UTC()
	restartStep(cal, r, to, now)
	r.Escalation = Escalation{}
	r.State = to.Name
	if to.Terminal {
		r.ClosedAt, r.Outcome = now, to.Outcome
	} else {
		r.ClosedAt, r.Outcome = time.Time{}, ""
	}
}

// restartStep starts the step clock of state st afresh at now, or clears
// it when st has none, and sets when the scheduler must look at r next.
// Times are kept in UTC, as the rows hold them.
func restartStep(cal *calendar.Calendar, r *record, st process.State, now time.Time) {
	r.Step = calendar.Clock{}
	if st.StepClock != nil && st.StepClock.Days > 0 {
		r.Step = cal.Start(now, *st.StepClock)
		r.Step.Due = r.Step.Due.UTC()
	}
	r.nextDue = r.Step.Due
}
