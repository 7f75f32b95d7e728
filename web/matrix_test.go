package web_test

import (
	"net/http"
	"regexp"
	"testing"

	"github.com/okno/okno/web/webtest"
)

var wildcard = regexp.MustCompile(`\{[^}]*\}`)

// TestAuthorisationMatrix requests every GET route as every kind of actor
// and checks the answer agrees with the route's access rule. Routes with
// other methods join it as features add them (they need bodies).
func TestAuthorisationMatrix(t *testing.T) {
	s := newServer(t, webtest.Config())
	for _, rt := range s.Routes() {
		if rt.Method != http.MethodGet {
			continue
		}
		path := wildcard.ReplaceAllString(rt.Pattern, "1")
		if rt.Pattern == "/{$}" {
			path = "/"
		}
		for _, a := range webtest.Cast() {
			t.Run(rt.String()+" as "+a.Name, func(t *testing.T) {
				res := s.do(t, a.NewRequest("GET", path, nil, ""))
				denied := res.StatusCode == 401 || res.StatusCode == 403 ||
					(res.StatusCode == 303 && rt.Access.String() != "public")
				if allowed := rt.Access.Allows(a.Actor(), a.Assurance()); allowed == denied {
					t.Errorf("%s (%s) as %s: status %d, but the rule allows=%v", rt, rt.Access, a.Name, res.StatusCode, allowed)
				}
			})
		}
	}
}
