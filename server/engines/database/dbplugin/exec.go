package dbplugin

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Execer runs one statement: a *sql.DB, *sql.Tx or *sql.Conn.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// StatementError is a failed statement: its position among the statements
// run (counting from 1) and the database's error. The statement's text is
// not kept, since it may hold a password.
type StatementError struct {
	Index int
	Err   error
}

func (e *StatementError) Error() string {
	return fmt.Sprintf("statement %d: %v", e.Index, e.Err)
}

// Unwrap returns the database's error.
func (e *StatementError) Unwrap() error { return e.Err }

// Render replaces each {{key}} of vars in q in one pass, so a value that
// looks like a placeholder is left as it is.
func Render(q string, vars map[string]string) string {
	if len(vars) == 0 || !strings.Contains(q, "{{") {
		return q
	}
	pairs := make([]string, 0, 2*len(vars))
	for k, v := range vars {
		pairs = append(pairs, "{{"+k+"}}", v)
	}
	return strings.NewReplacer(pairs...).Replace(q)
}

// Exec splits each element of stmts with d, renders each statement with
// vars and runs them in order. It stops at the first failure and returns a
// *StatementError. It returns how many statements succeeded.
func Exec(ctx context.Context, ex Execer, d Dialect, stmts []string, vars map[string]string) (int, error) {
	n := 0
	for _, group := range stmts {
		for _, q := range SplitStatements(group, d) {
			if _, err := ex.ExecContext(ctx, Render(q, vars)); err != nil {
				return n, &StatementError{Index: n + 1, Err: err}
			}
			n++
		}
	}
	return n, nil
}

// CountStatements returns how many statements stmts holds once split.
func CountStatements(stmts []string, d Dialect) int {
	n := 0
	for _, s := range stmts {
		n += len(SplitStatements(s, d))
	}
	return n
}

// CheckName returns ErrUnsafeName when name is empty or holds a quote,
// backtick, backslash, semicolon or control character: such a name could
// close the literal or identifier it is placed in.
func CheckName(name string) error {
	if name == "" {
		return fmt.Errorf("%w: empty", ErrUnsafeName)
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f || strings.ContainsRune("'\"`\\;", r) {
			return ErrUnsafeName
		}
	}
	return nil
}
