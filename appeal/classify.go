package appeal

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/textclass"
)

// The classifier's rules.
const (
	// MisfiledConfidence is how sure the classifier must be that another
	// category fits before an appeal is flagged for moderators: on the
	// Saint Petersburg history 88% of texts get a guess this sure, and 97%
	// of those guesses are right, so moderators see few false alarms.
	MisfiledConfidence = 0.8
	// MinTrainingExamples and MinTrainingCategories are the least history
	// a model is learnt from: with less, a deployment keeps the model it has
	// (or none) rather than one that guesses.
	MinTrainingExamples   = 500
	MinTrainingCategories = 2
	// MaxSuggestions bounds k in Suggest.
	MaxSuggestions = 20
)

// modelHolder holds the classifier in force. Suggest reads it on every
// keystroke of the form, so it is an atomic pointer, never a lock; the file
// at Deps.ModelPath is read once, at first use, and retraining swaps in the
// new model.
type modelHolder struct {
	load  sync.Once
	cur   atomic.Pointer[textclass.Model]
	train sync.Mutex // one retraining at a time
}

// classifier is the model in force, nil when there is none.
func (s *Service) classifier() *textclass.Model {
	s.model.load.Do(s.loadModel)
	return s.model.cur.Load()
}

// loadModel reads the model file if there is one. A missing file is the
// normal state of a fresh deployment; a broken one is logged and ignored
// (suggestions are advice: the appeal form works without them).
func (s *Service) loadModel() {
	if s.d.ModelPath == "" {
		return
	}
	m, err := textclass.LoadFile(s.d.ModelPath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return
	case err != nil:
		s.d.Logger.Warn("appeal: the classifier's model is unusable; no suggestions until it is retrained", "path", s.d.ModelPath, "err", err)
		return
	}
	// A retraining that finished first has the newer model: keep it.
	s.model.cur.CompareAndSwap(nil, m)
}

// Suggest returns the k likeliest categories (and reasons, when the model
// names reasons) for text, best first; nil when there is no model. Labels
// are matched to the taxonomy by title or code; a label the taxonomy no
// longer has is still suggested, by its title alone.
func (s *Service) Suggest(text string, k int) []Suggestion {
	m := s.classifier()
	if m == nil || k < 1 {
		return nil
	}
	preds := m.Top(text, min(k, MaxSuggestions))
	tax := s.cachedTaxonomy()
	out := make([]Suggestion, len(preds))
	for i, p := range preds {
		out[i] = suggestionFor(tax, p.Label, p.Confidence)
	}
	return out
}

// cachedTaxonomy is the taxonomy for naming suggestions, nil when it cannot
// be read. Suggest has no context of its own (it is pure advice, called
// from the form's every keystroke); the taxonomy is cached in memory, so
// this reads the database only after a change.
func (s *Service) cachedTaxonomy() *Taxonomy {
	if s.d.DB == nil {
		return nil
	}
	tax, err := s.Taxonomy(context.Background())
	if err != nil {
		s.d.Logger.Warn("appeal: taxonomy for suggestions", "err", err)
		return nil
	}
	return tax
}

// suggestionFor names a model's label: a category's title or code, else a
// reason's title or code (then its category is filled in too), else the
// label itself as a title.
func suggestionFor(tax *Taxonomy, label string, conf float64) Suggestion {
	sg := Suggestion{CategoryTitle: label, Confidence: conf}
	if tax == nil {
		return sg
	}
	norm := squeezeSpaces(label)
	for _, c := range tax.Categories {
		if c.Code == label || squeezeSpaces(c.Title) == norm {
			sg.CategoryCode, sg.CategoryTitle = c.Code, c.Title
			return sg
		}
	}
	for _, c := range tax.Categories {
		for _, r := range c.Reasons {
			if r.Code == label || squeezeSpaces(r.Title) == norm {
				sg.CategoryCode, sg.CategoryTitle = c.Code, c.Title
				sg.ReasonCode, sg.ReasonTitle = r.Code, r.Title
				return sg
			}
		}
	}
	return sg
}

// squeezeSpaces makes runs of white space one space: a region's exported
// history has titles with doubled spaces.
func squeezeSpaces(s string) string { return strings.Join(strings.Fields(s), " ") }

// Misfiled reports whether the classifier is confident (at least
// MisfiledConfidence) that text belongs to a category other than the one
// with categoryID, and which. Without a model, or when the category or the
// guess is unknown to the taxonomy, it says no: a flag must be actionable.
func (s *Service) Misfiled(text string, categoryID int64) (Suggestion, bool) {
	sug := s.Suggest(text, 1)
	if len(sug) == 0 || sug[0].CategoryCode == "" || sug[0].Confidence < MisfiledConfidence {
		return Suggestion{}, false
	}
	cat, ok := s.cachedTaxonomy().Category(categoryID)
	if !ok || cat.Code == sug[0].CategoryCode {
		return Suggestion{}, false
	}
	return sug[0], true
}

// maxTrainingText bounds the text of one history example, as appeals are
// bounded when filed.
const maxTrainingText = 16 << 10

// TrainingExamples is the history the classifier learns from: the public
// text of every closed appeal, labelled with the category officials left it
// in (its title, as a region's exported history names it), oldest first.
// Only the newest textclass.MaxExamples are used. Public text is what
// moderation published, personal data of others masked, so the model file
// holds nothing that is not already public.
func (s *Service) TrainingExamples(ctx context.Context) ([]textclass.Example, error) {
	rows, err := s.d.DB.QueryContext(ctx, `
		SELECT a.public_text, c.title
		FROM appeals a JOIN appeal_categories c ON c.id = a.category_id
		WHERE a.closed_at IS NOT NULL AND a.public_text IS NOT NULL AND a.public_text <> ''
		ORDER BY a.created_at DESC, a.case_id DESC
		LIMIT ?`, textclass.MaxExamples)
	if err != nil {
		return nil, fmt.Errorf("appeal: training examples: %w", err)
	}
	defer rows.Close()
	var out []textclass.Example
	for rows.Next() {
		var ex textclass.Example
		if err := rows.Scan(&ex.Text, &ex.Label); err != nil {
			return nil, fmt.Errorf("appeal: training examples: %w", err)
		}
		if len(ex.Text) > maxTrainingText {
			ex.Text = ex.Text[:maxTrainingText]
		}
		out = append(out, ex)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("appeal: training examples: %w", err)
	}
	slices.Reverse(out)
	return out, nil
}

// ClassifierReport says what a retraining did.
type ClassifierReport struct {
	Examples   int           // closed appeals learnt from
	Categories int           // distinct categories among them
	Trained    bool          // false: too little history, the old model stays
	Took       time.Duration // training time
}

// Retrain learns a new model from history (TrainingExamples) and, when
// there is enough of it (MinTrainingExamples, MinTrainingCategories),
// writes it to Deps.ModelPath atomically and puts it in force. With too
// little history the model in force stays and the report says so.
func (s *Service) Retrain(ctx context.Context) (ClassifierReport, error) {
	s.model.train.Lock()
	defer s.model.train.Unlock()
	s.model.load.Do(s.loadModel) // so that a late first use never replaces the new model with the file's old one
	examples, err := s.TrainingExamples(ctx)
	if err != nil {
		return ClassifierReport{}, err
	}
	rep := ClassifierReport{Examples: len(examples), Categories: countLabels(examples)}
	if rep.Examples < MinTrainingExamples || rep.Categories < MinTrainingCategories {
		return rep, nil
	}
	start := time.Now()
	m, err := textclass.Train(examples, textclass.Options{Seed: 1})
	if err != nil {
		return rep, fmt.Errorf("appeal: retrain the classifier: %w", err)
	}
	rep.Took = time.Since(start)
	if err := ctx.Err(); err != nil {
		// The job ran out of time while training: leave things as they were.
		return rep, err
	}
	if s.d.ModelPath != "" {
		if err := m.SaveFile(s.d.ModelPath); err != nil {
			return rep, fmt.Errorf("appeal: save the classifier: %w", err)
		}
	}
	s.model.cur.Store(m)
	rep.Trained = true
	if s.d.Audit != nil {
		// Suggestions and moderators' flags now come from this model: the
		// audit log says when and from how much history.
		err := s.d.DB.InTx(ctx, func(tx *sqldb.Tx) error {
			_, err := s.d.Audit.Append(ctx, tx, audit.Entry{Actor: okno.System.Ref(), Action: "appeal.classifier.retrain",
				ObjectType: "classifier", ObjectID: "appeals", After: audit.Digest(rep)})
			return err
		})
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

func countLabels(examples []textclass.Example) int {
	seen := map[string]bool{}
	for _, ex := range examples {
		seen[ex.Label] = true
	}
	return len(seen)
}

// retrainTimeout bounds one scheduled retraining: 43,000 appeals train in
// about 15 s on two cores, so this leaves room for a region's years of
// history on a busy node.
const retrainTimeout = 5 * time.Minute

// classifierJobs registers the scheduled retraining from history.
func (s *Service) classifierJobs(q *outbox.Queue) {
	q.Register(ClassifierTopic, func(ctx context.Context, _ outbox.Message) error {
		rep, err := s.Retrain(ctx)
		if err != nil {
			return err
		}
		if !rep.Trained {
			s.d.Logger.Info("appeal: too little history to train the classifier; the model in force stays",
				"examples", rep.Examples, "categories", rep.Categories, "need_examples", MinTrainingExamples, "need_categories", MinTrainingCategories)
			return nil
		}
		s.d.Logger.Info("appeal: classifier retrained", "examples", rep.Examples, "categories", rep.Categories, "took", rep.Took)
		return nil
	}, outbox.Timeout(retrainTimeout), outbox.MaxAttempts(3))
}
