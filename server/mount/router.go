package mount

import (
	"strings"
	"sync"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/storage"
)

// Route is a mounted backend as the request pipeline sees it.
type Route struct {
	Entry   *Entry
	Backend logical.Backend
	View    storage.Backend
	System  logical.SystemView
	special specialPaths
}

// IsUnauthenticated reports whether rel (relative to the mount) is served
// without a token.
func (r *Route) IsUnauthenticated(rel string) bool { return r.special.unauth.match(rel) }

// IsRootPath reports whether rel needs sudo.
func (r *Route) IsRootPath(rel string) bool { return r.special.root.match(rel) }

type specialPaths struct{ root, unauth pathSet }

// pathSet matches special paths: exact names, a trailing "*" for any
// suffix, and "+" for exactly one segment (e.g. "issuer/+/pem").
type pathSet struct {
	exact    map[string]struct{}
	prefixes []string
	wild     [][]string // patterns with "+", split into segments
}

func newPathSet(ps []string) pathSet {
	s := pathSet{exact: make(map[string]struct{})}
	for _, p := range ps {
		switch {
		case strings.Contains(p, "+"):
			s.wild = append(s.wild, strings.Split(p, "/"))
		case strings.HasSuffix(p, "*"):
			s.prefixes = append(s.prefixes, strings.TrimSuffix(p, "*"))
		default:
			s.exact[p] = struct{}{}
		}
	}
	return s
}

func (s pathSet) match(p string) bool {
	if _, ok := s.exact[p]; ok {
		return true
	}
	for _, pre := range s.prefixes {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	if len(s.wild) == 0 {
		return false
	}
	segs := strings.Split(p, "/")
	for _, w := range s.wild {
		if matchSegments(w, segs) {
			return true
		}
	}
	return false
}

// matchSegments matches path segments against a pattern whose "+" segments
// match any one segment and whose last segment may end in "*".
func matchSegments(pattern, segs []string) bool {
	for i, w := range pattern {
		last := i == len(pattern)-1
		if last && strings.HasSuffix(w, "*") {
			if i >= len(segs) {
				return false
			}
			rest := strings.Join(segs[i:], "/")
			return strings.HasPrefix(rest, strings.TrimSuffix(w, "*"))
		}
		if i >= len(segs) {
			return false
		}
		if w != "+" && w != segs[i] {
			return false
		}
	}
	return len(segs) == len(pattern)
}

// router maps route paths to routes; lookups find the longest mounted
// prefix of a request path.
type router struct {
	mu     sync.RWMutex
	routes map[string]*Route
}

func newRouter() *router { return &router{routes: make(map[string]*Route)} }

func (r *router) add(path string, rt *Route) {
	sp := rt.Backend.SpecialPaths()
	if sp == nil {
		sp = &logical.Paths{}
	}
	rt.special = specialPaths{root: newPathSet(sp.Root), unauth: newPathSet(sp.Unauthenticated)}
	r.mu.Lock()
	r.routes[path] = rt
	r.mu.Unlock()
}

func (r *router) remove(path string) *Route {
	r.mu.Lock()
	defer r.mu.Unlock()
	rt := r.routes[path]
	delete(r.routes, path)
	return rt
}

// match returns the route whose path is the longest prefix of p, by segment.
func (r *router) match(p string) (*Route, string) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	// Try p itself as a mount point (e.g. "secret" for "secret/"), then each
	// prefix ending at a slash, longest first.
	if rt, ok := r.routes[p+"/"]; ok {
		return rt, ""
	}
	for i := len(p); i > 0; i-- {
		if p[i-1] != '/' {
			continue
		}
		if rt, ok := r.routes[p[:i]]; ok {
			return rt, p[i:]
		}
	}
	return nil, ""
}

// conflict reports an existing route that p would shadow or be shadowed by.
func (r *router) conflict(p string) (string, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for existing := range r.routes {
		if strings.HasPrefix(p, existing) || strings.HasPrefix(existing, p) {
			return existing, true
		}
	}
	return "", false
}

func (r *router) all() []*Route {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Route, 0, len(r.routes))
	for _, rt := range r.routes {
		out = append(out, rt)
	}
	return out
}
