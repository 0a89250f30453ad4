package params

import (
	"errors"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary attributes, objects YAML and permissions:
// Parse must not panic, must fail only with ErrInvalid, and whatever it
// accepts must satisfy the invariants the rest of the provider relies on.
func FuzzParse(f *testing.F) {
	f.Add(attrs(f, map[string]string{"roleName": "r", "objects": objectsYAML}), "", "420")
	f.Add(attrs(f, map[string]string{"roleName": "r", "objects": "- {objectName: a/b, secretPath: s/a?version=1}"}), "{}", "")
	f.Add(attrs(f, map[string]string{"roleName": "r", "objects": "- {objectName: ..a, secretPath: s}"}), "", "")
	f.Add(`{"roleName":"r","objects":"- objectName: x\n  secretPath: y\n  filePermission: 0755"}`, "", "")
	f.Add("{}", `{"csi.storage.k8s.io/serviceAccount.tokens":"{\"\":{\"token\":\"t\"}}"}`, "384")
	f.Fuzz(func(t *testing.T, attributes, secrets, perm string) {
		r, err := Parse(attributes, secrets, perm, "/target")
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		if r.Class.RoleName == "" || len(r.Class.Objects) == 0 || r.Permission == 0 || r.Permission > 0o777 {
			t.Fatalf("accepted %+v", r)
		}
		names := make([]string, 0, len(r.Class.Objects))
		for _, o := range r.Class.Objects {
			if CheckFilePath(o.Name) != nil || strings.Contains(o.Name, "..") && strings.Contains("/"+o.Name, "/..") {
				t.Fatalf("accepted file path %q", o.Name)
			}
			if o.Path == "" || checkAPIPath(o.Path) != nil {
				t.Fatalf("accepted secret path %q", o.Path)
			}
			if o.Mode > 0o777 || (o.Method != MethodGet && o.Method != MethodPut && o.Method != MethodPost) {
				t.Fatalf("accepted %+v", o)
			}
			names = append(names, o.Name)
		}
		if CheckNoNesting(names) != nil {
			t.Fatalf("accepted nested names %v", names)
		}
	})
}
