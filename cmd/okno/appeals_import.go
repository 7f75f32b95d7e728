package main

import "context"

// cmdAppealsImport is written by the change that builds it.
func cmdAppealsImport(ctx context.Context, env *Env, args []string) error {
	return exitError{2, "okno: not implemented yet"}
}
