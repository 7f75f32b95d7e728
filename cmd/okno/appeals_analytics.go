package main

import "context"

// cmdAppealsAnalytics is written by the change that builds it.
func cmdAppealsAnalytics(ctx context.Context, env *Env, args []string) error {
	return exitError{2, "okno: not implemented yet"}
}
