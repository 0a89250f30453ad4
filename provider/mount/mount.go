package mount

import (
	"context"
	"errors"
	"log/slog"
	"text/template"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cofre-io/cofre/provider/cache"
	"github.com/cofre-io/cofre/provider/identity"
	"github.com/cofre-io/cofre/provider/objversion"
	"github.com/cofre-io/cofre/provider/params"
	"github.com/cofre-io/cofre/provider/render"
	"github.com/cofre-io/cofre/provider/session"
)

// Observer is told what happened to each secret a Mount needed (for
// metrics). Methods must be safe for concurrent use.
type Observer interface {
	// Secret reports how a secret was obtained: "hit" (kept), "renewed"
	// (kept after a lease renewal), "read" (read again, not kept) or
	// "issued" (issued and kept).
	Secret(how string)
	// LeaseRenewal reports a lease renewal and its outcome.
	LeaseRenewal(err error)
}

// Config configures a Provider.
type Config struct {
	Sessions *session.Manager
	// Requester requests pod-bound tokens when the driver passed none; nil
	// means driver tokens only.
	Requester identity.Requester
	Hasher    *objversion.Hasher
	// DefaultAddress is the server when a class names none.
	DefaultAddress string
	// DefaultCACert is the CA file trusted when a class names none.
	DefaultCACert string
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Idle is how long a kept secret unused by any Mount is kept (default
	// 15 minutes: several of the driver's 2-minute polls).
	Idle time.Duration
	// Parallel bounds the server requests of one Mount in flight (default 8).
	Parallel int
	Logger   *slog.Logger
	Observer Observer
}

func (c *Config) validate() error {
	if c.Sessions == nil || c.Hasher == nil {
		return errors.New("mount: Sessions and Hasher are required")
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Idle <= 0 {
		c.Idle = 15 * time.Minute
	}
	if c.Parallel <= 0 {
		c.Parallel = 8
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Observer == nil {
		c.Observer = nopObserver{}
	}
	return nil
}

type nopObserver struct{}

func (nopObserver) Secret(string)      {}
func (nopObserver) LeaseRenewal(error) {}

// Provider serves Mount requests.
type Provider struct {
	cfg     Config
	secrets *cache.Store[secretKey, *kept]
	locks   keyLocks
}

// secretKey identifies a kept secret: the session (pod, role, server) and
// the request.
type secretKey struct {
	session session.Key
	request string
}

// kept is a kept secret and the token it was issued under.
type kept struct {
	secret cache.Secret
	owner  *session.Token
}

// New returns a Provider.
func New(cfg Config) (*Provider, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return &Provider{cfg: cfg, secrets: cache.NewStore[secretKey, *kept](cfg.Idle)}, nil
}

// Result is a successful Mount.
type Result struct {
	// Files are every file of the volume, objects in class order.
	Files []render.File
	// Versions has one entry per object, in class order.
	Versions []Version
	// RefreshAfter is when the provider wants the next Mount (the earliest
	// renewal or re-issue point of a kept secret); zero when only the
	// driver's own polling matters.
	RefreshAfter time.Time
}

// Version is the object_version of one object.
type Version struct {
	ID      string
	Version string
}

// Kept is the number of secrets kept.
func (p *Provider) Kept() int { return p.secrets.Len() }

// Mount serves one Mount request (see params.Parse for the arguments).
// Errors are *Error.
func (p *Provider) Mount(ctx context.Context, attributes, secrets, permission, targetPath string) (*Result, error) {
	req, err := params.Parse(attributes, secrets, permission, targetPath)
	if err != nil {
		return nil, fail(err)
	}
	tmpls := make([]*template.Template, len(req.Class.Objects))
	for i := range req.Class.Objects {
		if tmpls[i], err = render.Compile(&req.Class.Objects[i]); err != nil {
			return nil, fail(err)
		}
	}
	m, err := p.newMount(req)
	if err != nil {
		return nil, fail(err)
	}
	unlock := p.locks.lock(req.Pod.UID)
	defer unlock()
	p.secrets.Sweep(p.cfg.Now())
	if _, err := m.token(ctx); err != nil {
		return nil, fail(err)
	}
	groups := groupObjects(req.Class.Objects)
	got := make([]fetched, len(groups))
	all := make([]int, len(groups))
	for i := range all {
		all[i] = i
	}
	if err := p.fetch(ctx, m, groups, all, got); err != nil {
		return nil, fail(err)
	}
	// A request that found the token revoked revoked the leases issued
	// under it too: those taken from the cache meanwhile are issued anew.
	var stale []int
	for i, f := range got {
		if f.owner != nil && f.owner.Owner().Dead {
			stale = append(stale, i)
		}
	}
	if err := p.fetch(ctx, m, groups, stale, got); err != nil {
		return nil, fail(err)
	}
	res, err := p.assemble(req, tmpls, groups, got)
	if err != nil {
		return nil, fail(err)
	}
	return res, nil
}

// fetch gets the secrets of groups[i] for each i in which, in parallel,
// into got[i].
func (p *Provider) fetch(ctx context.Context, m *mountCtx, groups []group, which []int, got []fetched) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(p.cfg.Parallel)
	for _, i := range which {
		g.Go(func() error {
			f, err := p.get(gctx, m, groups[i].obj)
			got[i] = f
			return err
		})
	}
	return g.Wait()
}

// group is the objects served by one request.
type group struct {
	obj     *params.Object // the first object asking
	objects []int          // indexes into the class's objects
}

func groupObjects(objs []params.Object) []group {
	var groups []group
	byKey := map[string]int{}
	for i := range objs {
		k := objs[i].RequestKey()
		j, ok := byKey[k]
		if !ok {
			j = len(groups)
			byKey[k] = j
			groups = append(groups, group{obj: &objs[i]})
		}
		groups[j].objects = append(groups[j].objects, i)
	}
	return groups
}
