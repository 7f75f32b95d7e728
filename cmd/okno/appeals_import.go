package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/app"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/org"
)

const appealsImportUsage = "usage: okno appeals import [--demo] [--source spb] [--batch 1000] FILE.jsonl[.gz]"

// cmdAppealsImport loads historic appeals (the Saint Petersburg portal's
// export: JSON lines, gzip or not). Organisations and territories must be
// there first for the mapping: --demo loads the demo region as `okno demo`
// does (once; it is idempotent) before importing.
func cmdAppealsImport(ctx context.Context, env *Env, args []string) error {
	var withDemo bool
	var source string
	var batch, maxLine int
	var maxBytes int64
	a, _, rest, err := openApp(ctx, env, "appeals import", args, false, func(fs *flag.FlagSet) {
		fs.BoolVar(&withDemo, "demo", false, "load the Saint Petersburg demo region (organisations, territories, staff) first")
		fs.StringVar(&source, "source", "spb", "prefix of the records' ids in appeals.external_id")
		fs.IntVar(&batch, "batch", 1000, "records per transaction (at most 2000)")
		fs.IntVar(&maxLine, "max-line", 256<<10, "longest record, bytes")
		fs.Int64Var(&maxBytes, "max-bytes", 4<<30, "largest input, bytes after decompression")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 1 {
		return exitError{2, appealsImportUsage}
	}
	if withDemo {
		if err := loadDemo(ctx, env, a); err != nil {
			return err
		}
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	opts, err := importOptions(ctx, a)
	if err != nil {
		return err
	}
	if len(opts.DistrictOrgs) == 0 && len(opts.Orgs) == 0 {
		fmt.Fprintln(env.Stderr, "okno: no organisations to map the appeals to: load the region first (okno appeals import --demo …)")
	}
	opts.Source, opts.BatchSize, opts.MaxLine, opts.MaxBytes = source, batch, maxLine, maxBytes
	last := time.Now()
	opts.Progress = func(r appeal.ImportReport) {
		if time.Since(last) >= 5*time.Second {
			last = time.Now()
			fmt.Fprintf(env.Stderr, "… read %d, imported %d, skipped %d, failed %d\n", r.Read, r.Imported, r.Skipped, r.Failed)
		}
	}
	rep, err := a.Appeals.Import(ctx, f, opts)
	printImport(env.Stdout, a, rep)
	if err != nil {
		return describe(a, err)
	}
	return nil
}

// importOptions builds the mapping of the region loaded in a: the names
// the portal signs answers with (the demo's portal names, then every
// organisation's short and full name), and each district's
// administration.
func importOptions(ctx context.Context, a *app.App) (appeal.ImportOptions, error) {
	names, err := demo.PortalNames(ctx, a.Orgs)
	if err != nil {
		return appeal.ImportOptions{}, err
	}
	for after := int64(0); ; {
		os, err := a.Orgs.List(ctx, org.ListQuery{AfterID: after, Limit: 1000})
		if err != nil {
			return appeal.ImportOptions{}, err
		}
		if len(os) == 0 {
			break
		}
		for _, o := range os {
			for _, n := range []string{o.ShortName, o.Name} {
				if _, ok := names[n]; !ok && n != "" {
					names[n] = o.ID
				}
			}
			after = o.ID
		}
	}
	districts := map[int64]int64{}
	for after := int64(0); ; {
		ts, err := a.Geo.List(ctx, geo.ListQuery{Level: geo.LevelDistrict, AfterID: after, Limit: 1000})
		if err != nil {
			return appeal.ImportOptions{}, err
		}
		if len(ts) == 0 {
			break
		}
		for _, t := range ts {
			admins, err := a.Orgs.ServingTerritory(ctx, t.ID, org.KindDistrictAdministration)
			if err != nil {
				return appeal.ImportOptions{}, err
			}
			if len(admins) > 0 {
				districts[t.ID] = admins[0].ID
			}
			after = t.ID
		}
	}
	return appeal.ImportOptions{Orgs: names, DistrictOrgs: districts, Actor: okno.System}, nil
}

// printImport writes the report: totals, where organisations came from,
// unknown statuses, and the problems with their line numbers.
func printImport(w io.Writer, a interface{ Localize(error) string }, r appeal.ImportReport) {
	secs := r.Took.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(r.Imported) / secs
	}
	fmt.Fprintf(w, "appeals: read %d, imported %d (%d still open), skipped %d (imported before), failed %d in %.1f s (%.0f imported/s)\n",
		r.Read, r.Imported, r.Open, r.Skipped, r.Failed, secs, rate)
	if r.Imported > 0 {
		fmt.Fprintf(w, "organisation: by the answering body %d, by the routing table %d, the district's administration %d\n",
			r.OrgByAnswer, r.OrgByRoute, r.OrgByDistrict)
	}
	if r.Other > 0 {
		fmt.Fprintf(w, "reasons not in the taxonomy, filed under the category's \"other\": %d\n", r.Other)
	}
	if len(r.Unmapped) > 0 {
		names := make([]string, 0, len(r.Unmapped))
		for n := range r.Unmapped {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(w, "unknown status left out of timelines: %q × %d\n", n, r.Unmapped[n])
		}
	}
	for _, p := range r.Problems {
		id := ""
		if p.ID != "" {
			id = " (" + p.ID + ")"
		}
		fmt.Fprintf(w, "line %d%s: %s\n", p.Line, id, strings.ReplaceAll(a.Localize(p.Err), "\n", ";"))
	}
	if n := r.Failed - len(r.Problems); n > 0 {
		fmt.Fprintf(w, "… and %d more failed lines\n", n)
	}
}
