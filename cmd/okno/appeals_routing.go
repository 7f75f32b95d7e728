package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/app"
	"github.com/okno/okno/appeal"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/geo"
)

const appealsRoutingUsage = `usage: okno appeals routing eval --input FILE.jsonl[.gz] [--held-out 0.2]
       okno appeals routing learn --input FILE.jsonl[.gz] [--apply]
       okno appeals routing show`

// cmdAppealsRouting learns the routing table from a region's history,
// scores it, writes it, or prints the table in force.
func cmdAppealsRouting(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return exitError{2, appealsRoutingUsage}
	}
	switch args[0] {
	case "eval":
		return routingEval(env, args[1:])
	case "learn":
		return routingLearn(ctx, env, args[1:])
	case "show":
		return routingShow(ctx, env, args[1:])
	}
	return exitError{2, appealsRoutingUsage}
}

// readPortalFile reads a portal export: JSON lines, gzip or not.
func readPortalFile(path string) ([]appeal.PortalRecord, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return appeal.ReadPortalRecords(f)
}

// routingEval needs no database: it learns from the earlier part of the
// file and scores on the later part.
func routingEval(env *Env, args []string) error {
	fs := flag.NewFlagSet("appeals routing eval", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	input := fs.String("input", "", "portal export, JSON lines (gzip or not)")
	heldOut := fs.Float64("held-out", 0.2, "share of the latest appeals (by created_at) held out for testing")
	split := fs.String("split", "time", "time: the latest appeals held out; id: a random fifth by record id, as the classifier's --split id")
	if err := fs.Parse(args); err != nil {
		return exitError{2, ""}
	}
	if *input == "" || fs.NArg() != 0 || *heldOut <= 0 || *heldOut >= 1 {
		return exitError{2, appealsRoutingUsage}
	}
	recs, err := readPortalFile(*input)
	if err != nil {
		return err
	}
	var train, test []appeal.PortalRecord
	switch *split {
	case "time":
		train, test = appeal.SplitByTime(recs, *heldOut)
		fmt.Fprintf(env.Stdout, "split: by created_at, the last %.0f%% held out: %d appeals to learn from, %d to test\n", *heldOut*100, len(train), len(test))
	case "id":
		train, test = appeal.SplitByID(recs)
		fmt.Fprintf(env.Stdout, "split: a random fifth by record id held out: %d appeals to learn from, %d to test\n", len(train), len(test))
	default:
		return exitError{2, appealsRoutingUsage}
	}
	sc := appeal.EvalRouting(train, test)
	printRoutingScore(env.Stdout, sc)
	return nil
}

func printRoutingScore(w io.Writer, sc appeal.RoutingScore) {
	fmt.Fprintf(w, "table: %d rules learned\n", sc.Rules)
	fmt.Fprintf(w, "routing accuracy: %.4f (%d of %d answered test appeals went to the body that answered first; %d without a rule)\n\n",
		sc.Accuracy, sc.Correct, sc.Total, sc.NoRule)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "category\tappeals\tcorrect\taccuracy")
	for _, c := range sc.ByCategory {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.3f\n", c.Category, c.Total, c.Correct, float64(c.Correct)/float64(c.Total))
	}
	tw.Flush()
}

func routingLearn(ctx context.Context, env *Env, args []string) error {
	var input string
	var apply bool
	a, _, rest, err := openApp(ctx, env, "appeals routing learn", args, false, func(fs *flag.FlagSet) {
		fs.StringVar(&input, "input", "", "portal export, JSON lines (gzip or not)")
		fs.BoolVar(&apply, "apply", false, "write the learned table as the rules in force")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if input == "" || len(rest) != 0 {
		return exitError{2, appealsRoutingUsage}
	}
	recs, err := readPortalFile(input)
	if err != nil {
		return err
	}
	t := appeal.LearnRoutes(recs)
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "category\treason\tdistrict\tbody\tappeals\tshare")
	for _, r := range t.Rules {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%.2f\n", r.Category, routingOr(r.Reason, "(every reason)"), routingOr(r.District, "(anywhere)"),
			r.Body, r.Support, r.Share)
	}
	tw.Flush()
	fmt.Fprintf(env.Stdout, "%d rules learned from %d appeals\n", len(t.Rules), len(recs))
	if !apply {
		return nil
	}
	ins, skipped, err := learnedInputs(ctx, a, t)
	if err != nil {
		return describe(a, err)
	}
	n, err := a.Appeals.SetRoutes(ctx, okno.System, ins)
	if err != nil {
		return describe(a, err)
	}
	fmt.Fprintf(env.Stdout, "applied: %d rules put in force, %d already were; %d left out (%s)\n",
		n, len(ins)-n, len(skipped), strings.Join(routingFirst(skipped, 5), "; "))
	return nil
}

func routingOr(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func routingFirst(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], "…")
	}
	return s
}

// learnedInputs maps a learned table's names onto this installation: the
// taxonomy's reasons by title, the bodies by the names the portal signs
// with (demo.PortalNames), the districts by name ("Приморский" is the
// territory "Приморский район"). What does not map is left out and named.
func learnedInputs(ctx context.Context, a *app.App, t *appeal.LearnedTable) ([]appeal.RouteInput, []string, error) {
	tax, err := a.Appeals.Taxonomy(ctx)
	if err != nil {
		return nil, nil, err
	}
	names, err := demo.PortalNames(ctx, a.Orgs)
	if err != nil {
		return nil, nil, err
	}
	districts, err := routingDistricts(ctx, a.Geo)
	if err != nil {
		return nil, nil, err
	}
	var ins []appeal.RouteInput
	var skipped []string
	for _, r := range t.Rules {
		var in appeal.RouteInput
		if r.Reason != "" {
			reason, cat, ok := tax.ReasonByTitle(r.Category, r.Reason)
			if !ok {
				skipped = append(skipped, "reason "+r.Reason)
				continue
			}
			in.CategoryID, in.ReasonID = cat.ID, reason.ID
		} else {
			found := false
			for _, c := range tax.Categories {
				if strings.Join(strings.Fields(c.Title), " ") == strings.Join(strings.Fields(r.Category), " ") {
					in.CategoryID, found = c.ID, true
				}
			}
			if !found {
				skipped = append(skipped, "category "+r.Category)
				continue
			}
		}
		if r.District != "" {
			id, ok := districts[routingDistrictKey(r.District)]
			if !ok {
				skipped = append(skipped, "district "+r.District)
				continue
			}
			in.TerritoryID = id
		}
		org, ok := names[r.Body]
		if !ok {
			skipped = append(skipped, "body "+r.Body)
			continue
		}
		in.OrgID = org
		ins = append(ins, in)
	}
	return ins, skipped, nil
}

// routingDistrictKey is a district's name without the word "район".
func routingDistrictKey(name string) string {
	var out []string
	for _, w := range strings.Fields(strings.ToLower(name)) {
		if w != "район" {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

func routingDistricts(ctx context.Context, g *geo.Service) (map[string]int64, error) {
	m := map[string]int64{}
	for after := int64(0); ; {
		page, err := g.List(ctx, geo.ListQuery{Level: geo.LevelDistrict, AfterID: after, Limit: 1000})
		if err != nil {
			return nil, err
		}
		if len(page) == 0 {
			return m, nil
		}
		for _, t := range page {
			m[routingDistrictKey(t.Name)] = t.ID
		}
		after = page[len(page)-1].ID
	}
}

func routingShow(ctx context.Context, env *Env, args []string) error {
	a, _, rest, err := openApp(ctx, env, "appeals routing show", args, false, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 0 {
		return exitError{2, appealsRoutingUsage}
	}
	routes, err := a.Appeals.Routes(ctx, time.Time{})
	if err != nil {
		return describe(a, err)
	}
	tax, err := a.Appeals.Taxonomy(ctx)
	if err != nil {
		return describe(a, err)
	}
	orgNames, terrNames := map[int64]string{}, map[int64]string{}
	orgName := func(id int64) string {
		if n, ok := orgNames[id]; ok {
			return n
		}
		n := fmt.Sprintf("#%d", id)
		if o, err := a.Orgs.Get(ctx, id); err == nil {
			n = o.ShortName
		}
		orgNames[id] = n
		return n
	}
	terrName := func(id int64) string {
		if id == 0 {
			return "(anywhere)"
		}
		if n, ok := terrNames[id]; ok {
			return n
		}
		n := fmt.Sprintf("#%d", id)
		if t, err := a.Geo.Get(ctx, id); err == nil {
			n = t.Name
		}
		terrNames[id] = n
		return n
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "rule\tcategory\treason\tterritory\torganisation\tposition\tsince")
	for _, r := range routes {
		cat, reason := fmt.Sprintf("#%d", r.CategoryID), "(every reason)"
		if c, ok := tax.Category(r.CategoryID); ok {
			cat = c.Code
		}
		if r.ReasonID != 0 {
			reason = fmt.Sprintf("#%d", r.ReasonID)
			if rs, _, ok := tax.ReasonByID(r.ReasonID); ok {
				reason = rs.Code
			}
		}
		pos := "-"
		if r.PositionID != 0 {
			pos = fmt.Sprintf("#%d", r.PositionID)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, cat, reason, terrName(r.TerritoryID), orgName(r.OrgID), pos,
			r.ValidFrom.Format(time.DateTime))
	}
	tw.Flush()
	fmt.Fprintf(env.Stdout, "%d rules in force\n", len(routes))
	return nil
}
