package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"

	"github.com/okno/okno/accrual"
	"github.com/okno/okno/casework"
	"github.com/okno/okno/demo"
	"github.com/okno/okno/sqldb"
)

// openAccruals builds accruals (state fees and fines) and registers the
// case engine's "accrual" hook, so that a process action can bill a state
// fee. Fines are accepted only from the sources configured
// (Config.FineSources); a demo installation also knows the demo's two
// issuers (without push secrets unless configured — the demo imports
// files).
func (a *App) openAccruals(ctx context.Context) error {
	sources, err := fineSources(a.cfg.FineSources)
	if err != nil {
		return err
	}
	if a.cfg.DemoMailbox {
		for _, d := range demo.DemoFineSources() {
			if !hasSource(sources, d.Code) {
				sources = append(sources, d)
			}
		}
	}
	a.Accruals = accrual.New(accrual.Deps{DB: a.DB, Sealer: a.Keys, Audit: a.Audit, Now: a.cfg.Now, Sources: sources})
	a.Cases.RegisterHook(accrual.HookName, func(ctx context.Context, tx *sqldb.Tx, c casework.Case, p map[string]string) error {
		return a.Accruals.IssueForCaseTx(ctx, tx, accrual.CaseRef{ID: c.ID, ApplicantID: c.ApplicantID, OrgID: c.OrgID}, p)
	})
	return nil
}

// sourceCode is an issuer's code as it appears in the push URL.
var sourceCode = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

// fineSources reads the issuers of fines from "code=secret-file,…": each
// may push fines signed with the secret in its file (at least 16 bytes).
func fineSources(spec string) ([]accrual.Source, error) {
	var out []accrual.Source
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		code, file, ok := strings.Cut(item, "=")
		if !ok || !sourceCode.MatchString(code) || file == "" {
			return nil, fmt.Errorf("fine source %q: want code=secret-file, the code in lower-case Latin letters, digits, - and _", item)
		}
		if hasSource(out, code) {
			return nil, fmt.Errorf("fine source %q is named twice", code)
		}
		secret, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("fine source %s: %w", code, err)
		}
		secret = bytes.TrimSpace(secret)
		if len(secret) < 16 {
			return nil, fmt.Errorf("fine source %s: the secret in %s is %d bytes, need at least 16", code, file, len(secret))
		}
		out = append(out, accrual.Source{Code: code, Name: code, Secret: secret})
	}
	return out, nil
}

func hasSource(ss []accrual.Source, code string) bool {
	for _, s := range ss {
		if s.Code == code {
			return true
		}
	}
	return false
}
