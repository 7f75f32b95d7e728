package web

// open311Routes are Open311 GeoReport v2 (open311.go): public reads, and
// the creation of service requests, whose api_key parameter the handler
// checks — an Open311 key travels in the form, not in the Authorization
// header the /api/ rules read, and the specification answers a missing or
// wrong key with 403 in its own error format, which a route rule could not
// give. ServeMux wildcards are whole segments, so one wildcard takes a
// resource with its format suffix ("services.xml") and the handler splits
// it. Anything else under /open311/ gets the specification's 404.
func (s *Server) open311Routes() []Route {
	return []Route{
		{Method: "GET", Pattern: "/open311/v2/{file}", Access: Public(), Handler: s.open311("file", s.open311Root)},
		{Method: "POST", Pattern: "/open311/v2/{file}", Access: Public(), Handler: s.open311("file", s.open311Post), MaxBody: open311MaxBody},
		{Method: "GET", Pattern: "/open311/v2/services/{file}", Access: Public(), Handler: s.open311("file", s.open311ServiceDefinition)},
		{Method: "GET", Pattern: "/open311/v2/requests/{file}", Access: Public(), Handler: s.open311("file", s.open311Request)},
		{Method: "GET", Pattern: "/open311/v2/tokens/{file}", Access: Public(), Handler: s.open311("file", s.open311Token)},
		{Method: "GET", Pattern: "/open311/{path...}", Access: Public(), Handler: s.open311("path", s.open311Elsewhere)},
		{Method: "POST", Pattern: "/open311/{path...}", Access: Public(), Handler: s.open311("path", s.open311Elsewhere)},
	}
}
