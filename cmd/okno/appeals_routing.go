package main

import "context"

// cmdAppealsRouting is written by the change that builds it.
func cmdAppealsRouting(ctx context.Context, env *Env, args []string) error {
	return exitError{2, "okno: not implemented yet"}
}
