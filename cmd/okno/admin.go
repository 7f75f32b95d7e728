package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/okno/okno"
	"github.com/okno/okno/accrual"
	"github.com/okno/okno/audit"
	"github.com/okno/okno/geo"
	"github.com/okno/okno/identity"
	"github.com/okno/okno/instant"
	"github.com/okno/okno/notify"
	"github.com/okno/okno/sqldb"
	"github.com/okno/okno/vault"
)

func cmdMigrate(ctx context.Context, env *Env, args []string) error {
	cfg, _, err := parseConfig("migrate", args, env.Getenv, nil)
	if err != nil {
		return err
	}
	db, err := sqldb.Open(ctx, sqldb.Config{DSN: cfg.DB, DataDir: cfg.DataDir, Synchronous: cfg.SQLiteSync})
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := db.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(env.Stdout, "the database is up to date")
	}
	for _, m := range applied {
		fmt.Fprintln(env.Stdout, "applied", m)
	}
	return nil
}

func cmdGeoImport(ctx context.Context, env *Env, args []string) error {
	var level string
	a, _, rest, err := openApp(ctx, env, "geo import", args, false, func(fs *flag.FlagSet) {
		fs.StringVar(&level, "level", "district", "territory level: region, city, district or municipality")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if len(rest) != 1 {
		return exitError{2, "usage: okno geo import FILE.geojson --level district"}
	}
	lvl := geo.Level(level)
	if !lvl.Valid() {
		return exitError{2, fmt.Sprintf("okno: unknown level %q: use region, city, district or municipality", level)}
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return err
	}
	defer f.Close()
	fc, err := geo.ParseGeoJSON(f, geo.DefaultLimits())
	if err != nil {
		return describe(a, err)
	}
	res, err := a.Geo.Import(ctx, fc, lvl, okno.System)
	if err != nil {
		return describe(a, err)
	}
	fmt.Fprintf(env.Stdout, "territories: %d created, %d updated, %d unchanged\n", res.Created, res.Updated, res.Unchanged)
	return nil
}

func cmdAPIKeyCreate(ctx context.Context, env *Env, args []string) error {
	var name, orgRef, roleList string
	a, _, _, err := openApp(ctx, env, "apikey create", args, false, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "what the key is for, e.g. \"ЦУР\"")
		fs.StringVar(&orgRef, "org", "", "organisation the key acts for: its id or code (e.g. spb.admin.nevsky)")
		fs.StringVar(&roleList, "roles", "", "roles the key acts with there, comma-separated (e.g. official); none: read and open cases only")
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if name == "" || orgRef == "" {
		return exitError{2, "usage: okno apikey create --name NAME --org ORG [--roles official,operator]"}
	}
	var orgID int64
	if id, err := strconv.ParseInt(orgRef, 10, 64); err == nil {
		o, err := a.Orgs.Get(ctx, id)
		if err != nil {
			return describe(a, err)
		}
		orgID = o.ID
	} else {
		o, err := a.Orgs.ByCode(ctx, orgRef)
		if err != nil {
			return describe(a, err)
		}
		orgID = o.ID
	}
	var roles []okno.Role
	for _, r := range strings.Split(roleList, ",") {
		if r = strings.TrimSpace(r); r != "" {
			roles = append(roles, okno.Role(r))
		}
	}
	key, rec, err := a.Identity.CreateAPIKey(ctx, okno.System, name, orgID, roles...)
	if err != nil {
		return describe(a, err)
	}
	fmt.Fprintf(env.Stderr, "API key %q (id %d) for organisation %d. It is shown once; store it now:\n", rec.Name, rec.ID, rec.OrgID)
	fmt.Fprintln(env.Stdout, key)
	return nil
}

func cmdKeysRotate(ctx context.Context, env *Env, args []string) error {
	a, _, _, err := openApp(ctx, env, "keys rotate", args, false, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	cols := identity.SealedColumns()
	for _, more := range [][]vault.Column{notify.SealedColumns(), instant.SealedColumns(), accrual.SealedColumns()} {
		cols = append(cols, more...)
	}
	rep, err := a.Keys.Rotate(ctx, a.DB, cols)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "master key %d is active; %d values rewrapped, %d already under it", rep.KeyID, rep.Rewrapped, rep.Skipped)
	if rep.Resumed {
		fmt.Fprint(env.Stdout, " (an interrupted rotation was finished)")
	}
	fmt.Fprintln(env.Stdout)
	return nil
}

func cmdAuditVerify(ctx context.Context, env *Env, args []string) error {
	a, _, _, err := openApp(ctx, env, "audit verify", args, false, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := audit.Verify(ctx, a.DB, a.AuditKey)
	if err != nil {
		return err
	}
	if !rep.OK {
		msg := fmt.Sprintf("audit log: NOT intact: %s", rep.Problem)
		if rep.FirstBad > 0 {
			msg = fmt.Sprintf("audit log: NOT intact: first bad entry %d: %s", rep.FirstBad, rep.Problem)
		}
		return exitError{1, msg}
	}
	fmt.Fprintf(env.Stdout, "audit log intact: %d entries, %d signed checkpoints\n", rep.Entries, rep.Checkpoints)
	return nil
}

func cmdAuditCheckpoint(ctx context.Context, env *Env, args []string) error {
	a, _, _, err := openApp(ctx, env, "audit checkpoint", args, false, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	cp, err := a.Audit.Checkpoint(ctx)
	if err != nil {
		return err
	}
	fmt.Fprint(env.Stdout, cp.Note)
	return nil
}

// describe renders an okno error for the operator in Russian, naming fields;
// other errors pass through.
func describe(a interface{ Localize(error) string }, err error) error {
	var e *okno.Error
	if !errors.As(err, &e) {
		return err
	}
	return exitError{1, "okno: " + a.Localize(err)}
}
