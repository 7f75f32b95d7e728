package calendar

import "time"

// CONTRACT STUBS — the calendar helper replaces this file with the real
// implementation (same signatures).

// Deadline is when period p started at start runs out: midnight (in the
// calendar's location) after its last day; days are counted from the day
// after start, working days skipping weekends and holidays.
func (c *Calendar) Deadline(start time.Time, p Period) time.Time { panic("calendar: not built yet") }

// Start starts a clock for period p at t.
func (c *Calendar) Start(t time.Time, p Period) Clock { panic("calendar: not built yet") }

// Pause pauses a running clock at t; a paused clock is returned unchanged.
func (c *Calendar) Pause(cl Clock, t time.Time) Clock { panic("calendar: not built yet") }

// Resume resumes a paused clock at t, moving Due on by the days spent
// paused, counted in the clock's unit; a running clock is returned unchanged.
func (c *Calendar) Resume(cl Clock, t time.Time) Clock { panic("calendar: not built yet") }

// Service keeps the calendar in the database and serves the current snapshot.
type Service struct{}

// Current returns the calendar in force.
func (s *Service) Current() *Calendar { panic("calendar: not built yet") }
