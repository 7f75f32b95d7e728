package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/okno/okno"
	"github.com/okno/okno/i18n"
	"github.com/okno/okno/process"
)

// cmdProcessValidate checks definition files without a database and
// prints every problem as FILE:LINE:COL: message, in Russian unless
// --lang says otherwise. It exits 1 when any file has a problem.
func cmdProcessValidate(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("okno process validate", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	lang := fs.String("lang", "ru", "language of the messages: ru or en")
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return exitError{2, ""}
	}
	if len(files) == 0 {
		return exitError{2, "usage: okno process validate [--lang en] FILE..."}
	}
	loc, err := localizer(*lang)
	if err != nil {
		return err
	}
	bad := 0
	for _, file := range files {
		src, err := readDefinition(file)
		if err != nil {
			fmt.Fprintln(env.Stdout, err) // names the file
			bad++
			continue
		}
		_, ps := process.Parse(src)
		printProblems(env.Stdout, loc, file, ps)
		if len(ps) > 0 {
			bad++
		}
	}
	if bad > 0 {
		return exitError{1, fmt.Sprintf("okno: %d of %d files have problems", bad, len(files))}
	}
	fmt.Fprintf(env.Stdout, "%d files: no problems\n", len(files))
	return nil
}

// cmdProcessPublish stores a definition file as the next version of its
// process, or says it is unchanged.
func cmdProcessPublish(ctx context.Context, env *Env, args []string) error {
	var lang string
	a, _, rest, err := openApp(ctx, env, "process publish", args, false, func(fs *flag.FlagSet) {
		fs.StringVar(&lang, "lang", "ru", "language of the messages: ru or en")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 1 {
		return exitError{2, "usage: okno process publish [flags] FILE"}
	}
	l, ok := i18n.ParseLang(lang)
	if !ok {
		return exitError{2, fmt.Sprintf("okno: unknown language %q: use ru or en", lang)}
	}
	src, err := readDefinition(rest[0])
	if err != nil {
		return err
	}
	reg := a.Processes
	v, created, err := reg.Publish(ctx, okno.System, src)
	if ps := process.ProblemsOf(err); ps != nil {
		loc := a.Catalog.Localizer(l)
		printProblems(env.Stdout, loc, rest[0], ps)
		return exitError{1, "okno: " + loc.T("process.invalid", len(ps))}
	}
	if err != nil {
		return describe(a, err)
	}
	if !created {
		fmt.Fprintf(env.Stdout, "unchanged: %s v%d\n", v.Name, v.Version)
		return nil
	}
	fmt.Fprintf(env.Stdout, "published %s v%d\n", v.Name, v.Version)
	return nil
}

// cmdProcessList prints the latest version of every process.
func cmdProcessList(ctx context.Context, env *Env, args []string) error {
	a, _, _, err := openApp(ctx, env, "process list", args, false, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	vs, err := a.Processes.List(ctx)
	if err != nil {
		return describe(a, err)
	}
	if len(vs) == 0 {
		fmt.Fprintln(env.Stdout, "no processes published")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tVERSION\tKIND\tPUBLISHED\tTITLE")
	for _, v := range vs {
		fmt.Fprintf(tw, "%s\tv%d\t%s\t%s\t%s\n", v.Name, v.Version, v.Definition.Kind,
			v.PublishedAt.Format("2006-01-02 15:04"), v.Definition.Title.In("ru"))
	}
	return tw.Flush()
}

// readDefinition reads a definition file, refusing one larger than any
// definition may be before reading it all.
func readDefinition(file string) ([]byte, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	src, err := io.ReadAll(io.LimitReader(f, process.MaxSourceSize+1))
	if err != nil {
		return nil, err
	}
	return src, nil // Parse reports a file over the limit, with its place
}

// printProblems writes each problem as FILE:LINE:COL: message.
func printProblems(w io.Writer, loc i18n.Localizer, file string, ps []process.Problem) {
	for _, p := range ps {
		fmt.Fprintf(w, "%s:%d:%d: %s\n", file, p.Line, p.Column, loc.T(p.Key, p.Args...))
	}
}

func localizer(lang string) (i18n.Localizer, error) {
	l, ok := i18n.ParseLang(lang)
	if !ok {
		return i18n.Localizer{}, exitError{2, fmt.Sprintf("okno: unknown language %q: use ru or en", lang)}
	}
	cat, err := i18n.Load()
	if err != nil {
		return i18n.Localizer{}, err
	}
	return cat.Localizer(l), nil
}

// parseInterspersed parses flags given before, between or after the
// positional arguments (okno process validate a.yaml --lang en b.yaml).
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
