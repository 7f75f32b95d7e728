package appeal

import "errors"

// errNotYet is what the contract's placeholders answer until written.
var errNotYet = errors.New("appeal: not implemented yet")
