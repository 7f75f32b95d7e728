// Command okno runs Okno: the web server, the demo, and the administrator's
// commands (migrations, territory import, API keys, key rotation, audit
// verification). Run `okno help` for the list.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand. Names with a space ("audit verify") are groups.
type command struct {
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

// Env is what a command may touch of the outside world; tests supply their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	// Ready, when set, receives the listening address once the server accepts connections.
	Ready func(addr string)
}

func commands() map[string]command {
	return map[string]command{
		"serve":              {"run the server", cmdServe},
		"demo":               {"load the Saint Petersburg demo data and run the server", cmdDemo},
		"migrate":            {"apply database migrations and exit", cmdMigrate},
		"geo import":         {"import territories from a GeoJSON file: okno geo import FILE --level district", cmdGeoImport},
		"apikey create":      {"create an API key: okno apikey create --name NAME --org ORG", cmdAPIKeyCreate},
		"keys rotate":        {"add a new master key and rewrap every personal-data key", cmdKeysRotate},
		"audit verify":       {"prove the audit log is intact; non-zero exit names the first bad entry", cmdAuditVerify},
		"audit checkpoint":   {"sign a checkpoint of the audit log now", cmdAuditCheckpoint},
		"calendar import":    {"import a year of the production calendar: okno calendar import FILE.xml", cmdCalendarImport},
		"calendar show":      {"print a year's holidays, moved days off and short days: okno calendar show YEAR", cmdCalendarShow},
		"process validate":   {"check process definition files: okno process validate [--lang en] FILE...", cmdProcessValidate},
		"process publish":    {"publish a process definition as its next version: okno process publish [flags] FILE", cmdProcessPublish},
		"process list":       {"list the latest version of every published process", cmdProcessList},
		"appeals classifier": {"train or run the category classifier: okno appeals classifier train|predict [flags]", cmdAppealsClassifier},
		"appeals import":     {"import historic appeals: okno appeals import FILE.jsonl[.gz]", cmdAppealsImport},
		"appeals routing":    {"learn, evaluate or show the routing table: okno appeals routing learn|eval|show [flags]", cmdAppealsRouting},
		"appeals analytics":  {"analytics over appeals: okno appeals analytics groups|spikes|refresh [flags]", cmdAppealsAnalytics},
		"paydemo":            {"run the demonstration payment provider (no money moves): okno paydemo --secret-file FILE --notify-url URL [--addr 127.0.0.1:8099] [--chaos]", cmdPaydemo},
		"fines":              {"fines: okno fines import --source gibdd FILE | generate --count N | bench --count N", cmdFines},
		"bench":              {"drive a running Okno with load and measure it: okno bench --url URL --key KEY [--target open311|api] [--rate N] [--duration 30s]", cmdBench},
		"version":            {"print the version", cmdVersion},
	}
}

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	env := &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if err := run(ctx, env, os.Args[1:]); err != nil {
		var ex exitError
		if errors.As(err, &ex) {
			if ex.msg != "" {
				fmt.Fprintln(os.Stderr, ex.msg)
			}
			os.Exit(ex.code)
		}
		fmt.Fprintln(os.Stderr, "okno:", err)
		os.Exit(1)
	}
}

// exitError asks main to exit with a given code after printing msg.
type exitError struct {
	code int
	msg  string
}

func (e exitError) Error() string { return fmt.Sprintf("exit %d: %s", e.code, e.msg) }

// run dispatches args to a command; it is main without os.Exit, for tests.
func run(ctx context.Context, env *Env, args []string) error {
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(env.Stdout, cmds)
		return nil
	}
	if len(args) >= 2 {
		if c, ok := cmds[args[0]+" "+args[1]]; ok {
			return c.run(ctx, env, args[2:])
		}
	}
	if c, ok := cmds[args[0]]; ok {
		return c.run(ctx, env, args[1:])
	}
	usage(env.Stderr, cmds)
	return exitError{code: 2, msg: fmt.Sprintf("okno: unknown command %q", strings.Join(args[:min(2, len(args))], " "))}
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Okno — public services and citizen feedback for a region or a city.")
	fmt.Fprintln(w, "\nUsage: okno COMMAND [flags]   (okno COMMAND --help for its flags)")
	fmt.Fprintln(w)
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-18s %s\n", n, cmds[n].summary)
	}
}

func cmdVersion(ctx context.Context, env *Env, args []string) error {
	fmt.Fprintln(env.Stdout, "okno", version)
	return nil
}
