package web

// Appointments is package appointment's door: *appointment.Service
// implements it. Booking a visit, the citizen's bookings, the operator's
// queue of the day and office schedules use it.
type Appointments interface {
}
