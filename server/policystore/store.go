package policystore

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/policy"
	"github.com/cofre-io/cofre/server/storage"
)

// Errors of the store.
var (
	ErrImmutable = errors.New("policy cannot be changed")
	ErrBadName   = errors.New("invalid policy name")
)

const prefix = "policy/"

var nameRE = regexp.MustCompile(`^[a-zA-Z0-9_.@=+-][a-zA-Z0-9_.@=+/-]*$`)

// Store persists policies and caches ACLs.
type Store struct {
	view storage.Backend

	mu       sync.RWMutex
	policies map[string]*entry // name -> parsed policy
	acls     map[string]*policy.ACL
	// gen counts changes, so an ACL built from old policies is not cached
	// after a concurrent write.
	gen uint64
}

type entry struct {
	text   string
	parsed *policy.Policy
}

// New returns a Store over view; call Load after unseal.
func New(view storage.Backend) *Store {
	return &Store{view: view, policies: map[string]*entry{}, acls: map[string]*policy.ACL{}}
}

// Load reads every policy and creates the default policy if missing.
func (s *Store) Load(ctx context.Context) error {
	names, err := s.view.List(ctx, prefix)
	if err != nil {
		return fmt.Errorf("policies: list: %w", err)
	}
	loaded := map[string]*entry{}
	for _, n := range names {
		e, err := s.view.Get(ctx, prefix+n)
		if err != nil {
			return fmt.Errorf("policies: read %s: %w", n, err)
		}
		if e == nil {
			continue
		}
		p, err := policy.Parse(n, string(e.Value))
		if err != nil {
			return fmt.Errorf("policies: stored policy %s does not parse: %w", n, err)
		}
		loaded[n] = &entry{text: string(e.Value), parsed: p}
	}
	if _, ok := loaded[policy.DefaultPolicyName]; !ok {
		p, err := policy.DefaultPolicy()
		if err != nil {
			return err
		}
		if err := s.view.Put(ctx, &storage.Entry{Key: prefix + policy.DefaultPolicyName, Value: []byte(policy.DefaultPolicyText)}); err != nil {
			return fmt.Errorf("policies: write default: %w", err)
		}
		loaded[policy.DefaultPolicyName] = &entry{text: policy.DefaultPolicyText, parsed: p}
	}
	s.mu.Lock()
	s.policies = loaded
	s.acls = map[string]*policy.ACL{}
	s.gen++
	s.mu.Unlock()
	return nil
}

// Unload forgets everything (on seal).
func (s *Store) Unload() {
	s.mu.Lock()
	s.policies = map[string]*entry{}
	s.acls = map[string]*policy.ACL{}
	s.gen++
	s.mu.Unlock()
}

// NormalizeName lower-cases and trims a policy name.
func NormalizeName(n string) string { return strings.ToLower(strings.TrimSpace(n)) }

// Put parses and stores a policy, returning the parser's nested-glob
// warnings. A policy that does not parse is refused and nothing changes.
func (s *Store) Put(ctx context.Context, name, text string) ([]string, error) {
	name = NormalizeName(name)
	if name == "root" || name == "response-wrapping" {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "cannot update %q policy", name)
	}
	if !nameRE.MatchString(name) || strings.Contains(name, "..") {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "invalid policy name %q", name)
	}
	if strings.TrimSpace(text) == "" {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "'policy' parameter not supplied or empty")
	}
	p, err := policy.Parse(name, text)
	if err != nil {
		return nil, logical.Errorf(logical.ErrInvalidRequest, "failed to parse policy: %v", err)
	}
	if err := s.view.Put(ctx, &storage.Entry{Key: prefix + name, Value: []byte(text)}); err != nil {
		return nil, fmt.Errorf("policies: write %s: %w", name, err)
	}
	s.mu.Lock()
	s.policies[name] = &entry{text: text, parsed: p}
	s.acls = map[string]*policy.ACL{}
	s.gen++
	s.mu.Unlock()
	return policy.NestedGlobWarnings(p), nil
}

// Get returns a policy's source text and whether it exists.
func (s *Store) Get(name string) (string, bool) {
	name = NormalizeName(name)
	if name == "root" {
		return "", true
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, ok := s.policies[name]
	if !ok {
		return "", false
	}
	return e.text, true
}

// Delete removes a policy. Deleting "root" or "default" is refused;
// deleting a missing policy is not an error.
func (s *Store) Delete(ctx context.Context, name string) error {
	name = NormalizeName(name)
	if name == "root" || name == policy.DefaultPolicyName {
		return logical.Errorf(logical.ErrInvalidRequest, "cannot delete %q policy", name)
	}
	if err := s.view.Delete(ctx, prefix+name); err != nil {
		return fmt.Errorf("policies: delete %s: %w", name, err)
	}
	s.mu.Lock()
	delete(s.policies, name)
	s.acls = map[string]*policy.ACL{}
	s.gen++
	s.mu.Unlock()
	return nil
}

// List returns the policy names, sorted, including "root".
func (s *Store) List() []string {
	s.mu.RLock()
	out := make([]string, 0, len(s.policies)+1)
	for n := range s.policies {
		out = append(out, n)
	}
	s.mu.RUnlock()
	out = append(out, "root")
	sort.Strings(out)
	return out
}

// ACL returns the ACL of a set of policy names. Unknown names contribute
// nothing (a token may outlive a policy); "root" gives the root ACL.
func (s *Store) ACL(names []string) (*policy.ACL, error) {
	key := cacheKey(names)
	s.mu.RLock()
	acl, ok := s.acls[key]
	s.mu.RUnlock()
	if ok {
		return acl, nil
	}
	var ps []*policy.Policy
	root := false
	s.mu.RLock()
	gen := s.gen
	for _, n := range names {
		n = NormalizeName(n)
		if n == "root" {
			root = true
			break
		}
		if e, ok := s.policies[n]; ok {
			ps = append(ps, e.parsed)
		}
	}
	s.mu.RUnlock()
	if root {
		acl = policy.RootACL()
	} else {
		var err error
		if acl, err = policy.NewACL(ps...); err != nil {
			return nil, fmt.Errorf("policies: build ACL: %w", err)
		}
	}
	s.mu.Lock()
	if len(s.acls) > 4096 {
		s.acls = map[string]*policy.ACL{}
	}
	if s.gen == gen {
		s.acls[key] = acl
	}
	s.mu.Unlock()
	return acl, nil
}

func cacheKey(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	c := append([]string(nil), names...)
	sort.Strings(c)
	return strings.Join(c, "\x00")
}
