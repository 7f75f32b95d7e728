package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/okno/okno"
	"github.com/okno/okno/appeal"
)

const analyticsUsage = "usage: okno appeals analytics refresh|groups|spikes [flags]"

// cmdAppealsAnalytics runs analytics over appeals on demand: refresh
// brings the pre-aggregates up to date (the server does it every five
// minutes), groups recomputes the groups of near-duplicate appeals and
// prints the largest, spikes tests a day for spikes of distinct authors.
func cmdAppealsAnalytics(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		return exitError{2, analyticsUsage}
	}
	switch args[0] {
	case "refresh":
		return analyticsRefresh(ctx, env, args[1:])
	case "groups":
		return analyticsGroups(ctx, env, args[1:])
	case "spikes":
		return analyticsSpikes(ctx, env, args[1:])
	}
	return exitError{2, fmt.Sprintf("okno: unknown analytics command %q\n%s", args[0], analyticsUsage)}
}

func analyticsRefresh(ctx context.Context, env *Env, args []string) error {
	a, _, rest, err := openApp(ctx, env, "appeals analytics refresh", args, false, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 0 {
		return exitError{2, "usage: okno appeals analytics refresh [flags]"}
	}
	rep, err := a.Appeals.Refresh(ctx)
	if err != nil {
		return describe(a, err)
	}
	kind := "incremental"
	if rep.Full {
		kind = "full"
	}
	fmt.Fprintf(env.Stdout, "refreshed (%s): %d appeals, %d district-day rows, %d organisation-day rows in %s\n",
		kind, rep.Appeals, rep.DayRows, rep.OrgRows, rep.Took.Round(time.Millisecond))
	return nil
}

func analyticsGroups(ctx context.Context, env *Env, args []string) error {
	var days, maxTexts, top int
	var threshold, radius float64
	a, _, rest, err := openApp(ctx, env, "appeals analytics groups", args, false, func(fs *flag.FlagSet) {
		fs.IntVar(&days, "days", 90, "group the appeals filed in the last DAYS days")
		fs.Float64Var(&threshold, "threshold", 0.5, "least estimated Jaccard similarity of two texts' words and word pairs")
		fs.Float64Var(&radius, "radius", 500, "most metres between two appeals' points")
		fs.IntVar(&maxTexts, "max", 200000, "read at most this many of the most recent texts")
		fs.IntVar(&top, "top", 10, "print the largest TOP groups")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 0 || days <= 0 || days > 3660 || top < 0 || top > 500 {
		return exitError{2, "usage: okno appeals analytics groups [--days 1..3660] [--threshold 0.5] [--radius 500] [--max N] [--top 0..500]"}
	}
	now := time.Now()
	rep, err := a.Appeals.ComputeGroups(ctx, appeal.GroupOptions{From: now.AddDate(0, 0, -days), To: now,
		Threshold: threshold, Radius: radius, MaxTexts: maxTexts})
	if err != nil {
		return describe(a, err)
	}
	fmt.Fprintf(env.Stdout, "%d texts, %d candidate pairs, %d joined: %d groups holding %d appeals in %s\n",
		rep.Texts, rep.Candidates, rep.Pairs, rep.Groups, rep.Grouped, rep.Took.Round(time.Millisecond))
	if rep.Truncated {
		fmt.Fprintf(env.Stdout, "only the %d most recent texts were read (--max)\n", rep.Texts)
	}
	if top == 0 || rep.Groups == 0 {
		return nil
	}
	gs, err := a.Appeals.Groups(ctx, okno.System, appeal.GroupQuery{Limit: top})
	if err != nil {
		return describe(a, err)
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "GROUP\tAPPEALS\tAUTHORS\tSIMILARITY\tDISTRICT\tCATEGORY\tFIRST\tSAMPLE")
	for _, g := range gs {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%.2f\t%s\t%s\t%s\t%s\n", g.ID, g.Size, g.Authors, g.Similarity, g.TerritoryName, g.CategoryTitle,
			g.FirstAt.Format("2006-01-02"), analyticsCut(g.SampleText, 60))
	}
	return tw.Flush()
}

func analyticsSpikes(ctx context.Context, env *Env, args []string) error {
	var day string
	var q appeal.SpikeQuery
	a, _, rest, err := openApp(ctx, env, "appeals analytics spikes", args, false, func(fs *flag.FlagSet) {
		fs.StringVar(&day, "day", "", "the day tested, YYYY-MM-DD (default today)")
		fs.IntVar(&q.BaselineDays, "baseline", 28, "days before it that make the baseline")
		fs.Float64Var(&q.Alpha, "alpha", 0.001, "significance level of the Poisson test")
		fs.IntVar(&q.MinAuthors, "min-authors", 3, "least distinct authors of a spike")
		fs.BoolVar(&q.All, "all", false, "also print the district-category pairs that are not spikes")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 0 {
		return exitError{2, "usage: okno appeals analytics spikes [--day YYYY-MM-DD] [--baseline 28] [--alpha 0.001] [--min-authors 3] [--all]"}
	}
	if day != "" {
		if q.Day, err = time.Parse("2006-01-02", day); err != nil {
			return exitError{2, fmt.Sprintf("okno: --day %q is not a date YYYY-MM-DD", day)}
		}
	}
	if _, err := a.Appeals.Refresh(ctx); err != nil {
		return describe(a, err)
	}
	spikes, err := a.Appeals.Spikes(ctx, okno.System, q)
	if err != nil {
		return describe(a, err)
	}
	if len(spikes) == 0 {
		fmt.Fprintln(env.Stdout, "no spikes")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DAY\tDISTRICT\tCATEGORY\tAUTHORS\tAPPEALS\tBASELINE/DAY\tP\tSCORE\tSPIKE")
	for _, s := range spikes {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%.2f\t%.2g\t%.1f\t%v\n", s.Day.Format("2006-01-02"), s.TerritoryName, s.CategoryTitle,
			s.Authors, s.Appeals, s.Baseline, s.PValue, s.Score, s.Spike)
	}
	return tw.Flush()
}

// analyticsCut shortens s to n characters with an ellipsis.
func analyticsCut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
