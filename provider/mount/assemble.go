package mount

import (
	"errors"
	"fmt"
	"text/template"
	"time"

	"github.com/cofre-io/cofre/provider/objversion"
	"github.com/cofre-io/cofre/provider/params"
	"github.com/cofre-io/cofre/provider/render"
)

// assemble renders every object from what its request fetched, versions
// it, and checks the files fit together. Missing optional objects are
// skipped (version objversion.Absent); anything else missing fails.
func (p *Provider) assemble(req *params.Request, tmpls []*template.Template, groups []group, got []fetched) (*Result, error) {
	objs := req.Class.Objects
	perObject := make([][]render.File, len(objs))
	res := &Result{Versions: make([]Version, len(objs))}
	for gi, g := range groups {
		f := got[gi]
		res.RefreshAfter = earliest(res.RefreshAfter, f.next)
		for _, i := range g.objects {
			o := &objs[i]
			var files []render.File
			var err error
			if f.notFound {
				err = fmt.Errorf("object %q: %w: %s", o.Name, render.ErrNotFound, describe(o))
			} else {
				files, err = render.Object(o, tmpls[i], render.SecretData(f.data), req.Permission)
			}
			if errors.Is(err, render.ErrNotFound) && o.Optional {
				res.Versions[i] = Version{ID: o.Name, Version: objversion.Absent}
				continue
			}
			if err != nil {
				return nil, err
			}
			perObject[i] = files
			res.Versions[i] = Version{ID: o.Name, Version: p.cfg.Hasher.Version(files)}
		}
	}
	var paths []string
	for i := range objs {
		for _, f := range perObject[i] {
			res.Files = append(res.Files, f)
			paths = append(paths, f.Path)
		}
	}
	if err := checkPaths(paths); err != nil {
		return nil, err
	}
	return res, nil
}

// checkPaths refuses duplicate paths and files inside files (a directory
// object's keys against other objects).
func checkPaths(paths []string) error {
	seen := make(map[string]bool, len(paths))
	for _, p := range paths {
		if seen[p] {
			return fmt.Errorf("%w: two objects write %q", params.ErrInvalid, p)
		}
		seen[p] = true
	}
	return params.CheckNoNesting(paths)
}

// earliest is the earlier of two optional times (zero means none).
func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
