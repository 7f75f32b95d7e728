package web

// Services is package catalog's door: *catalog.Catalog implements it. The
// catalogue pages (service and agency cards, categories, life situations,
// search) and the catalogue API use it.
type Services interface {
}
