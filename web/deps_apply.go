package web

// Applications is package application's door: *application.Service
// implements it. The form pages (one question per page, check your
// answers, confirmation), drafts and attachments, and "Мои заявки" use it.
type Applications interface {
}
