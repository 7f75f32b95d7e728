package main

import "context"

// cmdAppealsClassifier is written by the change that builds it.
func cmdAppealsClassifier(ctx context.Context, env *Env, args []string) error {
	return exitError{2, "okno: not implemented yet"}
}
