package params

import "errors"

// ErrInvalid marks every parse error: the request cannot be served as
// written. Messages name the parameter or object at fault and never quote
// tokens.
var ErrInvalid = errors.New("invalid mount parameters")
