package dbplugin

import "strings"

// Dialect selects the lexical rules SplitStatements follows.
type Dialect int

// Dialects.
const (
	// Postgres: '...' strings (backslash escapes only in E'...'), "..."
	// identifiers, $tag$...$tag$ bodies, -- and nested /* */ comments.
	Postgres Dialect = iota + 1
	// MySQL: '...' and "..." strings with backslash escapes, `...`
	// identifiers, # line comments and -- ones where a blank or control
	// character follows the dashes, /* */ comments.
	MySQL
)

// SplitStatements cuts s at the semicolons that end statements, trims each
// piece and drops pieces that hold only blanks and comments. A quote, comment
// or dollar-quoted body left open runs to the end of s (the database will
// report it). Placeholders such as {{name}} are not special.
func SplitStatements(s string, d Dialect) []string {
	var out []string
	start, code := 0, false
	emit := func(end int) {
		if code {
			if p := strings.TrimSpace(s[start:end]); p != "" {
				out = append(out, p)
			}
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		next := byte(0)
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch {
		case c == ';':
			emit(i)
			i++
			start, code = i, false
		case c == '\'':
			i = skipQuoted(s, i, '\'', d == MySQL || escapeString(s, i))
			code = true
		case c == '"':
			i = skipQuoted(s, i, '"', d == MySQL)
			code = true
		case c == '`' && d == MySQL:
			i = skipQuoted(s, i, '`', false)
			code = true
		case c == '-' && next == '-' && (d == Postgres || (i+2 < len(s) && s[i+2] <= ' ')):
			i = skipLine(s, i)
		case c == '#' && d == MySQL:
			i = skipLine(s, i)
		case c == '/' && next == '*':
			i = skipBlock(s, i, d == Postgres)
		case c == '$' && d == Postgres:
			if end, ok := skipDollar(s, i); ok {
				i = end
			} else {
				i++
			}
			code = true
		default:
			if !isSpace(c) {
				code = true
			}
			i++
		}
	}
	emit(len(s))
	return out
}

// skipQuoted returns the index after the quote that closes the one at i. A
// doubled quote stands for itself; with backslash, \x does too.
func skipQuoted(s string, i int, q byte, backslash bool) int {
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if backslash {
				j++
			}
		case q:
			if j+1 < len(s) && s[j+1] == q {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(s)
}

// escapeString reports whether the quote at i opens a PostgreSQL E'...'
// string, where backslashes escape.
func escapeString(s string, i int) bool {
	if i == 0 || (s[i-1] != 'E' && s[i-1] != 'e') {
		return false
	}
	return i == 1 || !isIdent(s[i-2])
}

// skipLine returns the index of the newline ending the comment at i.
func skipLine(s string, i int) int {
	if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(s)
}

// skipBlock returns the index after the block comment opened at i.
// PostgreSQL nests block comments; MySQL does not.
func skipBlock(s string, i int, nest bool) int {
	depth := 0
	for j := i; j+1 < len(s); {
		switch {
		case s[j] == '/' && s[j+1] == '*' && (nest || depth == 0):
			depth++
			j += 2
		case s[j] == '*' && s[j+1] == '/':
			depth--
			j += 2
			if depth == 0 {
				return j
			}
		default:
			j++
		}
	}
	return len(s)
}

// skipDollar reports whether the '$' at i opens a dollar-quoted body
// ($$ or $tag$) and returns the index after its closing tag. A '$' that
// continues an identifier or starts a parameter ($1) opens nothing.
func skipDollar(s string, i int) (int, bool) {
	if i > 0 && isIdent(s[i-1]) {
		return 0, false
	}
	j := i + 1
	for j < len(s) && isIdent(s[j]) && s[j] != '$' {
		if j == i+1 && isDigit(s[j]) {
			return 0, false
		}
		j++
	}
	if j >= len(s) || s[j] != '$' {
		return 0, false
	}
	tag := s[i : j+1]
	if k := strings.Index(s[j+1:], tag); k >= 0 {
		return j + 1 + k + len(tag), true
	}
	return len(s), true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// isIdent reports whether c may continue an identifier (PostgreSQL allows
// '$' after the first character; bytes of multi-byte UTF-8 count as letters).
func isIdent(c byte) bool {
	return c == '_' || c == '$' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z') || c >= 0x80
}
