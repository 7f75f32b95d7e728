package web

// Instant is package instant's door: *instant.Service implements it. The
// instant services' pages use it.
type Instant interface {
}
