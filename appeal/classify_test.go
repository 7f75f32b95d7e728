package appeal_test

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/okno/okno/appeal"
	"github.com/okno/okno/appeal/publictest"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/outbox"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/storetest"
	"github.com/okno/okno/textclass"
)

var classifyNow = time.Date(2026, 4, 12, 12, 0, 0, 0, time.UTC)

// history inserts n closed appeals of each of the world's two categories
// with texts that tell them apart, plus appeals that must not be learnt
// from: open ones and a closed one that was never published.
func history(t *testing.T, db *sqldb.DB, w publictest.World, n int) {
	t.Helper()
	closed := func(cat, reason int64, text string, i int) publictest.Row {
		created := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		return publictest.Row{Category: cat, Reason: reason, Territory: w.North, Org: w.Roads1, Lat: 60.05, Lon: 30.3,
			Text: text, Status: "fixed", Created: created, Answered: created.Add(time.Hour), Closed: created.Add(2 * time.Hour)}
	}
	roads := []string{"Яма на дороге у дома %d", "Глубокая яма на проезжей части, дом %d", "Разбит асфальт на дороге, ямы (%d)"}
	yards := []string{"Мусор во дворе не вывозят, дом %d", "Переполнены мусорные баки во дворе %d", "Во дворе свалка мусора у дома %d"}
	for i := range n {
		publictest.Insert(t, db, w, closed(w.Roads, w.Pothole, fmt.Sprintf(roads[i%3], i), 2*i))
		publictest.Insert(t, db, w, closed(w.Yards, w.Litter, fmt.Sprintf(yards[i%3], i), 2*i+1))
	}
	open := closed(w.Yards, w.Litter, "Яма на дороге, но это открытое обращение", 0)
	open.Status, open.Closed = "open", time.Time{}
	publictest.Insert(t, db, w, open)
	hidden := closed(w.Yards, w.Litter, "Яма на дороге, не опубликовано", 1)
	hidden.Unpublished = true
	publictest.Insert(t, db, w, hidden)
}

func classifyService(db *sqldb.DB, path string, log audit.Appender) *appeal.Service {
	return appeal.New(appeal.Deps{DB: db, Audit: log, ModelPath: path, Now: func() time.Time { return classifyNow }})
}

func TestClassifierRetrain(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := publictest.Seed(t, db, classifyNow)
		path := filepath.Join(t.TempDir(), "appeals-classifier.model")
		log := audit.New(db, ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)), func() time.Time { return classifyNow })
		s := classifyService(db, path, log)
		if got := s.Suggest("яма на дороге", 3); got != nil {
			t.Fatalf("Suggest without a model = %+v, want nil", got)
		}

		// Too little history: nothing is trained, nothing written.
		history(t, db, w, 100)
		rep, err := s.Retrain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Trained || rep.Examples != 200 || rep.Categories != 2 {
			t.Errorf("Retrain on 200 = %+v; want 200 examples of 2 categories, not trained", rep)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("model file after too little history: %v", err)
		}

		history(t, db, w, 200)
		ex, err := s.TrainingExamples(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ex) != 600 || ex[0].Label != "Дороги (тест)" || ex[0].Text != "Яма на дороге у дома 0" {
			t.Fatalf("TrainingExamples = %d, first %+v; want 600 closed published appeals, oldest first, labelled by category title", len(ex), ex[0])
		}
		rep, err = s.Retrain(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !rep.Trained || rep.Examples != 600 {
			t.Fatalf("Retrain = %+v, want trained on 600", rep)
		}
		var audited int
		if err := db.QueryRowContext(ctx, `SELECT count(*) FROM audit_entries WHERE action = 'appeal.classifier.retrain'`).Scan(&audited); err != nil || audited != 1 {
			t.Errorf("audit entries of the retraining = %d, %v; want 1", audited, err)
		}
		check := func(s *appeal.Service) {
			t.Helper()
			got := s.Suggest("Огромная яма на дороге", 5)
			if len(got) != 2 || got[0].CategoryCode != "pt_roads" || got[0].CategoryTitle != "Дороги (тест)" || got[0].ReasonCode != "" || got[0].Confidence <= 0.5 {
				t.Errorf("Suggest = %+v; want Дороги first of 2, no reason", got)
			}
			if sg, ok := s.Misfiled("Огромная яма на дороге, ямы на проезжей части", w.Yards); !ok || sg.CategoryCode != "pt_roads" || sg.Confidence < appeal.MisfiledConfidence {
				t.Errorf("Misfiled under yards = %+v, %v; want roads", sg, ok)
			}
			if sg, ok := s.Misfiled("Огромная яма на дороге, ямы на проезжей части", w.Roads); ok {
				t.Errorf("Misfiled under roads = %+v, true; want false", sg)
			}
			if sg, ok := s.Misfiled("Огромная яма на дороге", 999999); ok {
				t.Errorf("Misfiled under an unknown category = %+v, true; want false", sg)
			}
		}
		check(s)
		// A restarted node reads the file at first use.
		check(classifyService(db, path, nil))
	})
}

// TestClassifierJob runs the scheduled retraining through the outbox.
func TestClassifierJob(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		ctx := context.Background()
		w := publictest.Seed(t, db, classifyNow)
		history(t, db, w, 250)
		path := filepath.Join(t.TempDir(), "appeals-classifier.model")
		s := classifyService(db, path, nil)
		q := outbox.New(db, nil, func() time.Time { return classifyNow })
		s.Register(q)
		if err := db.InTx(ctx, func(tx *sqldb.Tx) error {
			return q.Enqueue(ctx, tx, outbox.Message{Topic: appeal.ClassifierTopic, Key: "test"})
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := q.ProcessDue(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("the job wrote no model: %v", err)
		}
		if got := s.Suggest("Мусор во дворе", 1); len(got) != 1 || got[0].CategoryCode != "pt_yards" {
			t.Errorf("Suggest after the job = %+v, want yards", got)
		}
	})
}

// TestSuggestLabels: a model whose labels are reason titles fills both the
// reason and its category; a label the taxonomy does not know is still
// suggested by its title; a broken file means no suggestions, no panic.
func TestSuggestLabels(t *testing.T) {
	storetest.Run(t, func(t *testing.T, db *sqldb.DB) {
		publictest.Seed(t, db, classifyNow)
		dir := t.TempDir()
		path := filepath.Join(dir, "reasons.model")
		m, err := textclass.Train([]textclass.Example{
			{Text: "яма на дороге", Label: "Яма на дороге"},
			{Text: "мусор во дворе", Label: "Мусор во дворе"},
			{Text: "шумят соседи", Label: "Прочее"},
		}, textclass.Options{Bits: 12, Epochs: 30, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := m.SaveFile(path); err != nil {
			t.Fatal(err)
		}
		s := classifyService(db, path, nil)
		got := s.Suggest("яма на дороге", 1)
		if len(got) != 1 || got[0].ReasonCode != "pt_pothole" || got[0].ReasonTitle != "Яма на дороге" || got[0].CategoryCode != "pt_roads" {
			t.Errorf("Suggest = %+v; want the pothole reason of roads", got)
		}
		got = s.Suggest("шумят соседи", 1)
		if len(got) != 1 || got[0].CategoryTitle != "Прочее" || got[0].CategoryCode != "" {
			t.Errorf("Suggest of an unknown label = %+v; want its title alone", got)
		}
		if _, ok := s.Misfiled("шумят соседи", 1); ok {
			t.Error("Misfiled for a label outside the taxonomy, want false")
		}
		if got := s.Suggest("яма", 0); got != nil {
			t.Errorf("Suggest(k=0) = %+v, want nil", got)
		}

		broken := filepath.Join(dir, "broken.model")
		if err := os.WriteFile(broken, []byte("OKNOTXC1 not really"), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := classifyService(db, broken, nil).Suggest("яма на дороге", 1); got != nil {
			t.Errorf("Suggest with a broken model = %+v, want nil", got)
		}
	})
}
