package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/rating"
)

// ratingPage is the data of /cabinet/cases/{id}/rating: five criteria as
// radio groups 1–5, what went wrong (asked of a low score), a comment.
type ratingPage struct {
	CaseRef, Subject string
	Back, Action     string
	Criteria         []Field
	Problems         []ratingProblem
	ProblemsError    string
	Comment          Field
	Form             Form
	Changing         bool // the citizen rated before and may change it
}

// ratingProblem is one checkbox of "what went wrong".
type ratingProblem struct {
	Code, ID, Title string
	Checked         bool
}

// ratingDonePage is the thank-you page.
type ratingDonePage struct {
	Panel   Panel
	Back    string
	Change  string
	Problem bool // the rating was low: say what happens to it
}

// ratingForm shows the rating form, filled with the citizen's rating when
// they rated before.
func (s *Server) ratingForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.rateable(r)
	if err != nil {
		return err
	}
	prev, ok, err := s.deps.Ratings.Of(r.Context(), okno.ActorFrom(r.Context()), c.ID)
	if err != nil {
		return err
	}
	var values map[string][]string
	if ok {
		values = map[string][]string{"comment": {prev.Comment}, "problems": prev.Problems}
		for _, cr := range rating.Criteria {
			values[string(cr)] = []string{strconv.Itoa(prev.Scores[cr])}
		}
	}
	return s.renderRating(w, r, http.StatusOK, c, values, ok, nil)
}

// ratingSave records the rating, or shows the form again with what is
// wrong and the answers kept.
func (s *Server) ratingSave(w http.ResponseWriter, r *http.Request) error {
	c, err := s.rateable(r)
	if err != nil {
		return err
	}
	if err := parseForm(r); err != nil {
		return err
	}
	in := rating.Input{CaseID: c.ID, Scores: rating.Scores{}, Problems: r.PostForm["problems"], Comment: r.PostFormValue("comment")}
	for _, cr := range rating.Criteria {
		// A missing or garbled value is 0, which the rule calls missing.
		n, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue(string(cr))))
		in.Scores[cr] = n
	}
	_, err = s.deps.Ratings.Rate(r.Context(), okno.ActorFrom(r.Context()), in)
	if okno.ErrorCodeOf(err) == okno.EINVALID || okno.ErrorCodeOf(err) == okno.ECONFLICT {
		return s.renderRating(w, r, formStatus(err), c, r.PostForm, false, err)
	}
	if err != nil {
		return err
	}
	return seeOther(w, r, "/cabinet/cases/"+strconv.FormatInt(c.ID, 10)+"/rating/done")
}

// ratingDone thanks the citizen and shows what they gave.
func (s *Server) ratingDone(w http.ResponseWriter, r *http.Request) error {
	c, err := s.rateable(r)
	if err != nil {
		return err
	}
	l := stateFrom(r.Context()).loc
	got, ok, err := s.deps.Ratings.Of(r.Context(), okno.ActorFrom(r.Context()), c.ID)
	if err != nil {
		return err
	}
	base := "/cabinet/cases/" + strconv.FormatInt(c.ID, 10)
	if !ok {
		return seeOther(w, r, base+"/rating")
	}
	page := ratingDonePage{Panel: Panel{Title: l.T("web.rating.done_title"), Body: l.T("web.rating.your_score"),
		Reference: decimal(l, got.Scores.Average())}, Back: base, Change: base + "/rating", Problem: got.Scores.Low()}
	return s.render(w, http.StatusOK, "rating-done", s.view(w, r, "web.rating.done_title", page))
}

// rateable is the case of the request when its citizen may rate it
// (package rating's rule); 404 for anyone else's.
func (s *Server) rateable(r *http.Request) (casework.Case, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return casework.Case{}, err
	}
	if s.deps.Ratings == nil {
		return casework.Case{}, okno.Errorf(okno.EINTERNAL, "error.internal")
	}
	actor := okno.ActorFrom(r.Context())
	c, err := s.deps.Cases.Get(r.Context(), actor, id)
	if err != nil {
		return casework.Case{}, err
	}
	return c, rating.Eligible(actor, c)
}

func (s *Server) renderRating(w http.ResponseWriter, r *http.Request, status int, c casework.Case, values map[string][]string, changing bool, ferr error) error {
	l := stateFrom(r.Context()).loc
	id := strconv.FormatInt(c.ID, 10)
	page := ratingPage{CaseRef: c.Ref, Subject: c.Subject, Back: "/cabinet/cases/" + id, Action: "/cabinet/cases/" + id + "/rating",
		Changing: changing}
	var fields []Field
	for _, cr := range rating.Criteria {
		fields = append(fields, Field{Name: string(cr), Type: "radios", Required: true,
			Label: l.T("rating.criterion." + string(cr)), Hint: l.T("rating.criterion." + string(cr) + ".hint"), Options: scoreOptions(l)})
	}
	fields = append(fields, Field{Name: "problems", HTMLID: "f-problems", Label: l.T("web.rating.problems_label")},
		Field{Name: "comment", Type: "textarea", Label: l.T("web.rating.comment_label"), Hint: l.T("web.rating.comment_hint", rating.MaxComment)})
	page.Form = NewForm(l, values, ferr, fields...)
	n := len(rating.Criteria)
	page.Criteria = page.Form.Fields[:n]
	page.ProblemsError = page.Form.Fields[n].Error
	page.Comment = page.Form.Fields[n+1]
	chosen := map[string]bool{}
	for _, p := range values["problems"] {
		chosen[p] = true
	}
	for i, p := range rating.Problems {
		id := "f-problems-" + strconv.Itoa(i)
		if i == 0 {
			id = "f-problems"
		}
		page.Problems = append(page.Problems, ratingProblem{Code: p, ID: id, Title: l.T("rating.problem." + p), Checked: chosen[p]})
	}
	return s.render(w, status, "rating-new", s.view(w, r, "web.rating.title", page))
}

// scoreOptions are the five answers of a criterion, worded so that a
// number never stands alone.
func scoreOptions(l i18n.Localizer) []Option {
	out := make([]Option, 5)
	for i := range out {
		v := strconv.Itoa(5 - i)
		out[i] = Option{Value: v, Label: l.T("web.rating.score_" + v)}
	}
	return out
}

// decimal writes a number with one decimal as the language does: "4,6".
func decimal(l i18n.Localizer, v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if l.Lang() != i18n.English {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
