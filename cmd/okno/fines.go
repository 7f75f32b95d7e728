package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/app"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/sqldb"
)

const finesUsage = `usage: okno fines import [--batch 5000] --source gibdd FILE.jsonl
       okno fines generate [--count 1000000] [--seed 1] [--out DIR]   (demo data: DIR/gibdd.jsonl, DIR/ampp.jsonl)
       okno fines bench [--count 1000000] [--lookups 1000]            (generate, import, time a citizen's fines)`

// cmdFines imports fines from an issuer's file, generates demo fines, or
// measures both (okno fines import|generate|bench).
func cmdFines(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return exitError{2, finesUsage}
	}
	switch args[0] {
	case "import":
		return cmdFinesImport(ctx, env, args[1:])
	case "generate":
		return cmdFinesGenerate(ctx, env, args[1:])
	case "bench":
		return cmdFinesBench(ctx, env, args[1:])
	}
	return exitError{2, finesUsage}
}

// fineService builds the accrual service on a's database. The issuers are
// the demo's until sources are configured (with their push secrets).
func fineService(a *app.App, batch int) *accrual.Service {
	return accrual.New(accrual.Deps{DB: a.DB, Sealer: a.Keys, Audit: a.Audit, Sources: demo.DemoFineSources(), BatchSize: batch})
}

func cmdFinesImport(ctx context.Context, env *Env, args []string) error {
	var source string
	var batch int
	a, _, rest, err := openApp(ctx, env, "fines import", args, false, func(fs *flag.FlagSet) {
		fs.StringVar(&source, "source", "", "the issuer's code: gibdd or ampp")
		fs.IntVar(&batch, "batch", 5000, "records per transaction")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 1 || source == "" || batch < 1 || batch > 50000 {
		return exitError{2, finesUsage}
	}
	rep, took, err := importFineFile(ctx, env, fineService(a, batch), source, rest[0])
	printFineImport(env, rep, took)
	if err != nil {
		return describe(a, err)
	}
	return nil
}

// importFineFile imports one file, reporting progress every 5 seconds.
func importFineFile(ctx context.Context, env *Env, svc *accrual.Service, source, path string) (accrual.ImportReport, time.Duration, error) {
	f, err := os.Open(path)
	if err != nil {
		return accrual.ImportReport{}, 0, err
	}
	defer f.Close()
	start, last := time.Now(), time.Now()
	rep, err := svc.ImportFile(ctx, okno.System, source, f, func(r accrual.ImportReport) {
		if time.Since(last) >= 5*time.Second {
			last = time.Now()
			fmt.Fprintf(env.Stderr, "… %s: read %d, applied %d\n", source, r.Records, r.Applied)
		}
	})
	return rep, time.Since(start), err
}

func printFineImport(env *Env, rep accrual.ImportReport, took time.Duration) {
	fmt.Fprintf(env.Stdout, "read %d, applied %d, stale (duplicates, late) %d, rejected %d, batches %d, replayed %d in %s (%.0f records/s)\n",
		rep.Records, rep.Applied, rep.Stale, rep.Rejected, rep.Batches, rep.Replayed, took.Round(time.Millisecond),
		float64(rep.Records)/max(took.Seconds(), 1e-9))
	for _, r := range rep.Rejections {
		fmt.Fprintf(env.Stdout, "  line %d: %v\n", r.Line, r.Err)
	}
}

func cmdFinesGenerate(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("fines generate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	count := fs.Int("count", 1000000, "records to write, both files together")
	seed := fs.Uint64("seed", 1, "seed: the same seed writes the same files")
	out := fs.String("out", ".", "directory for gibdd.jsonl and ampp.jsonl")
	if err := fs.Parse(args); err != nil || fs.NArg() != 0 || *count < 1 || *count > 50000000 {
		return exitError{2, finesUsage}
	}
	c, err := generateFines(*out, *count, *seed)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "DEMO DATA: %d records (%d fines, %d duplicates across issuers, %d annulments, %d drivers) in %s\n",
		c.Lines, c.Fines, c.Duplicates, c.Annulments, c.Payers, *out)
	return nil
}

// generateFines writes the demo files into dir.
func generateFines(dir string, count int, seed uint64) (demo.DemoFineCounts, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return demo.DemoFineCounts{}, err
	}
	tf, err := os.Create(filepath.Join(dir, demo.DemoFineSourceTraffic+".jsonl"))
	if err != nil {
		return demo.DemoFineCounts{}, err
	}
	defer tf.Close()
	pf, err := os.Create(filepath.Join(dir, demo.DemoFineSourceParking+".jsonl"))
	if err != nil {
		return demo.DemoFineCounts{}, err
	}
	defer pf.Close()
	c, err := demo.WriteDemoFines(count, seed, time.Now(), tf, pf)
	if err != nil {
		return c, err
	}
	return c, errors.Join(tf.Close(), pf.Close())
}

// cmdFinesBench generates demo fines, imports both files (timed), then
// registers a driver's documents and times listing their fines.
func cmdFinesBench(ctx context.Context, env *Env, args []string) error {
	var count, lookups, batch int
	a, _, rest, err := openApp(ctx, env, "fines bench", args, false, func(fs *flag.FlagSet) {
		fs.IntVar(&count, "count", 1000000, "records to generate and import")
		fs.IntVar(&lookups, "lookups", 1000, "citizen lookups to time")
		fs.IntVar(&batch, "batch", 5000, "records per transaction")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 0 || count < 1 || lookups < 1 || batch < 1 {
		return exitError{2, finesUsage}
	}
	dir, err := os.MkdirTemp("", "okno-fines-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	c, err := generateFines(dir, count, 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "generated %d records: %d fines, %d duplicates, %d annulments, %d drivers (%s)\n",
		c.Lines, c.Fines, c.Duplicates, c.Annulments, c.Payers, a.DB.Dialect())
	svc := fineService(a, batch)
	start := time.Now()
	var total accrual.ImportReport
	for _, src := range []string{demo.DemoFineSourceTraffic, demo.DemoFineSourceParking} {
		rep, took, err := importFineFile(ctx, env, svc, src, filepath.Join(dir, src+".jsonl"))
		fmt.Fprintf(env.Stdout, "%s: ", src)
		printFineImport(env, rep, took)
		if err != nil {
			return describe(a, err)
		}
		total.Records += rep.Records
	}
	took := time.Since(start)
	fmt.Fprintf(env.Stdout, "import: %d records in %s: %.0f records/s\n", total.Records, took.Round(time.Millisecond), float64(total.Records)/took.Seconds())
	return benchFineLookups(ctx, env, a, svc, c.Payers, lookups)
}

// benchFineLookups registers drivers' documents and times listing their
// fines (the first page), reporting the median and the 99th percentile.
func benchFineLookups(ctx context.Context, env *Env, a *app.App, svc *accrual.Service, payers, lookups int) error {
	const drivers = 50
	actors := make([]okno.Actor, drivers)
	for i := range actors {
		now := sqldb.Now(time.Now())
		var id int64
		err := a.DB.InTx(ctx, func(tx *sqldb.Tx) error {
			return tx.QueryRowContext(ctx, `INSERT INTO users (kind, display_name, password_hash, created_at, updated_at)
				VALUES ('citizen', 'Водитель (бенчмарк)', '!', ?, ?) RETURNING id`, now, now).Scan(&id)
		})
		if err != nil {
			return err
		}
		actors[i] = okno.Actor{Kind: okno.ActorCitizen, UserID: id}
		k := i * (payers / drivers)
		if err := svc.AddDocument(ctx, actors[i], accrual.DocLicence, demo.DemoLicence(k)); err != nil {
			return err
		}
		if err := svc.AddDocument(ctx, actors[i], accrual.DocSTS, demo.DemoSTS(k)); err != nil {
			return err
		}
	}
	times := make([]time.Duration, 0, lookups)
	found := 0
	for i := range lookups {
		start := time.Now()
		page, err := svc.Fines(ctx, actors[i%drivers], "", accrual.DefaultPage)
		if err != nil {
			return err
		}
		times = append(times, time.Since(start))
		found += len(page.Fines)
	}
	slices.Sort(times)
	fmt.Fprintf(env.Stdout, "citizen's fines: %d lookups, %.1f fines a page on average, median %s, p99 %s\n",
		lookups, float64(found)/float64(lookups), times[len(times)/2], times[len(times)*99/100])
	return nil
}
