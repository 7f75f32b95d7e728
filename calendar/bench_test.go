package calendar

import (
	"testing"
	"time"
)

// The scheduler and every case action count deadlines; these say what one
// costs. Run: go test ./calendar -run '^$' -bench .

func BenchmarkDeadlineWorkingDays(b *testing.B) {
	c := embedded(b)
	start := time.Date(2025, time.December, 26, 12, 0, 0, 0, c.Location())
	for b.Loop() {
		c.Deadline(start, Period{Days: 15, Unit: WorkingDays})
	}
}

func BenchmarkDeadlineCalendarDays(b *testing.B) {
	c := embedded(b)
	start := time.Date(2025, time.December, 10, 12, 0, 0, 0, c.Location())
	for b.Loop() {
		c.Deadline(start, Period{Days: 30})
	}
}

func BenchmarkResumeWorkingDays(b *testing.B) {
	c := embedded(b)
	loc := c.Location()
	cl := c.Pause(c.Start(time.Date(2025, time.December, 15, 10, 0, 0, 0, loc), Period{Days: 15, Unit: WorkingDays}),
		time.Date(2025, time.December, 24, 11, 0, 0, 0, loc))
	resume := time.Date(2026, time.January, 13, 10, 0, 0, 0, loc)
	for b.Loop() {
		c.Resume(cl, resume)
	}
}
