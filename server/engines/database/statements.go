package database

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// normalizeStatements accepts statements the ways Vault clients send them:
// a list of strings, where each string may also be a JSON array of
// statements or base64 of either form. Splitting at semicolons happens when
// the statements run. Blank entries are dropped.
func normalizeStatements(in []string) []string {
	out := []string{}
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if dec, ok := decodeBase64Text(s); ok {
			s = dec
		}
		var list []string
		if strings.HasPrefix(s, "[") && json.Unmarshal([]byte(s), &list) == nil {
			for _, e := range list {
				if e = strings.TrimSpace(e); e != "" {
					out = append(out, e)
				}
			}
			continue
		}
		out = append(out, s)
	}
	return out
}

// decodeBase64Text decodes s when it is standard base64 of UTF-8 text that
// holds a blank or a semicolon; SQL always has one, and plain SQL is never
// valid base64 because blanks are not in its alphabet.
func decodeBase64Text(s string) (string, bool) {
	if strings.ContainsAny(s, " \t\n;'\"") {
		return "", false
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || !utf8.Valid(b) || !strings.ContainsAny(string(b), " \t\n;") {
		return "", false
	}
	return strings.TrimSpace(string(b)), true
}
