package web

// Complaints is package complaint's door: *complaint.Service implements
// it. Filing a pre-trial complaint from a case page uses it.
type Complaints interface {
}

// Ratings is package rating's door: *rating.Service implements it. The
// rating form after a result and the quality dashboards use it.
type Ratings interface {
}
