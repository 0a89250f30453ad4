package local

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"sync"
	"text/template"
	"time"

	vault "github.com/hashicorp/vault/api"

	"github.com/cofre-io/cofre/pkg/providerclient"
	"github.com/cofre-io/cofre/provider/cache"
	"github.com/cofre-io/cofre/provider/objversion"
	"github.com/cofre-io/cofre/provider/params"
	"github.com/cofre-io/cofre/provider/render"
)

// ErrNotFound: a non-optional object's secret or key is missing.
var ErrNotFound = errors.New("secret not found")

// source plays the provider for the volume manager: it renders a class's
// objects from the server with the local credentials.
type source struct {
	auth   *auth
	hasher *objversion.Hasher
	now    func() time.Time
	log    *slog.Logger

	mu   sync.Mutex // one Mount at a time: they share kept secrets
	kept map[string]*kept
}

// kept is a secret kept between refreshes and the login it was issued
// under.
type kept struct {
	secret cache.Secret
	login  *login
}

// Mount implements volume.Provider.
func (s *source) Mount(ctx context.Context, req *providerclient.MountRequest) (*providerclient.MountResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	preq, err := parse(req)
	if err != nil {
		return nil, err
	}
	objs := preq.Class.Objects
	tmpls := make([]*template.Template, len(objs))
	for i := range objs {
		if tmpls[i], err = render.Compile(&objs[i]); err != nil {
			return nil, err
		}
	}
	resp := &providerclient.MountResponse{ObjectVersions: []providerclient.ObjectVersion{}}
	got := map[string]fetched{}
	for i := range objs {
		o := &objs[i]
		key := o.RequestKey()
		f, ok := got[key]
		if !ok { // objects asking the same thing share one request
			if f, err = s.get(ctx, o); err != nil {
				return nil, fmt.Errorf("object %q: %s %s: %w", o.Name, o.Method, o.Path, err)
			}
			got[key] = f
			resp.RefreshAfter = earliest(resp.RefreshAfter, f.next)
		}
		var files []render.File
		if f.data == nil {
			err = fmt.Errorf("object %q: %w: %s %s", o.Name, ErrNotFound, o.Method, o.Path)
		} else {
			files, err = render.Object(o, tmpls[i], render.SecretData(f.data), preq.Permission)
		}
		if o.Optional && (errors.Is(err, ErrNotFound) || errors.Is(err, render.ErrNotFound)) {
			resp.ObjectVersions = append(resp.ObjectVersions, providerclient.ObjectVersion{ID: o.Name, Version: objversion.Absent})
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, file := range files {
			resp.Files = append(resp.Files, providerclient.File{Path: file.Path, Mode: file.Mode, Contents: file.Contents})
		}
		resp.ObjectVersions = append(resp.ObjectVersions, providerclient.ObjectVersion{ID: o.Name, Version: s.hasher.Version(files)})
	}
	return resp, nil
}

// roleNameParam is the class parameter naming the kubernetes auth role,
// which the provider's parser requires.
const roleNameParam = "roleName"

// parse reads the class's objects with the provider's parser. Local mode
// logs in with its own credentials, so a class without roleName is fine.
func parse(req *providerclient.MountRequest) (*params.Request, error) {
	attrs := maps.Clone(req.Attributes)
	if attrs[roleNameParam] == "" {
		attrs[roleNameParam] = "local"
	}
	raw, err := json.Marshal(attrs)
	if err != nil {
		return nil, err
	}
	return params.Parse(string(raw), "", strconv.FormatUint(uint64(req.Permission), 10), req.TargetPath)
}

// fetched is one request's answer: its data (nil when the server has no
// such secret) and when it next needs attention (zero: only the interval).
type fetched struct {
	data map[string]any
	next time.Time
}

// get returns o's secret: kept, renewed, or from the server.
func (s *source) get(ctx context.Context, o *params.Object) (fetched, error) {
	key := o.RequestKey()
	now := s.now()
	if k, ok := s.kept[key]; ok {
		owner := k.login.owner()
		switch k.secret.Plan(now, owner) {
		case cache.Use:
			return fetched{data: k.secret.Data, next: k.secret.Next(owner)}, nil
		case cache.Renew:
			if s.renew(ctx, k) {
				return fetched{data: k.secret.Data, next: k.secret.Next(k.login.owner())}, nil
			}
		}
		delete(s.kept, key)
	}
	sec, l, err := s.request(ctx, o)
	if err != nil || sec == nil {
		return fetched{}, err
	}
	sc := newSecret(sec, o, s.now())
	if sc.Plan(s.now(), l.owner()) == cache.Issue {
		return fetched{data: sc.Data}, nil // a read: read again next time
	}
	s.kept[key] = &kept{secret: sc, login: l}
	return fetched{data: sc.Data, next: sc.Next(l.owner())}, nil
}

// request reads or writes o's path; after a 403 with AppRole it logs in
// again and retries once. A missing secret is (nil, nil).
func (s *source) request(ctx context.Context, o *params.Object) (*vault.Secret, *login, error) {
	for attempt := 0; ; attempt++ {
		c, l, err := s.auth.client(ctx)
		if err != nil {
			return nil, nil, err
		}
		var sec *vault.Secret
		if o.Method == params.MethodGet {
			sec, err = c.Logical().ReadWithDataWithContext(ctx, o.Path, o.Query)
		} else {
			sec, err = c.Logical().WriteWithContext(ctx, o.Path, o.Args)
		}
		var re *vault.ResponseError
		if errors.As(err, &re) && re.StatusCode == http.StatusForbidden && attempt == 0 && s.auth.refused(l) {
			continue
		}
		if errors.As(err, &re) && re.StatusCode == http.StatusNotFound {
			return nil, l, nil
		}
		if err != nil {
			return nil, nil, err
		}
		return sec, l, nil
	}
}

// renew renews a kept lease and reports whether it may still be used.
func (s *source) renew(ctx context.Context, k *kept) bool {
	c, _, err := s.auth.client(ctx)
	if err != nil {
		return false
	}
	// The lease belongs to its own token's tree; any token allowed to renew
	// it will do.
	sec, err := c.Sys().RenewWithContext(ctx, k.secret.LeaseID, int(k.secret.OriginalTTL/time.Second))
	if err != nil || sec == nil {
		s.log.Info("lease renewal failed; issuing anew", "err", err)
		return false
	}
	if !k.secret.Renewed(s.now(), time.Duration(sec.LeaseDuration)*time.Second) {
		s.log.Info("lease near its max TTL; issuing anew")
		return false
	}
	return true
}

// newSecret turns an answer into what is kept.
func newSecret(sec *vault.Secret, o *params.Object, now time.Time) cache.Secret {
	ttl := time.Duration(sec.LeaseDuration) * time.Second
	sc := cache.Secret{
		Data: sec.Data, LeaseID: sec.LeaseID, Renewable: sec.Renewable,
		TTL: ttl, OriginalTTL: ttl, Refreshed: now, Issued: now, Write: o.IsWrite(),
	}
	if sc.Write && sc.LeaseID == "" {
		sc.NotAfter = notAfter(sec.Data)
	}
	return sc
}

// notAfter is the end of an issued secret's validity: "expiration" (Unix
// seconds, as pki/issue returns it), else the certificate's NotAfter.
func notAfter(data map[string]any) time.Time {
	switch e := data["expiration"].(type) {
	case json.Number:
		if n, err := e.Int64(); err == nil && n > 0 {
			return time.Unix(n, 0)
		}
	case float64:
		if e > 0 {
			return time.Unix(int64(e), 0)
		}
	}
	if c, ok := data["certificate"].(string); ok {
		if b, _ := pem.Decode([]byte(c)); b != nil && b.Type == "CERTIFICATE" {
			if cert, err := x509.ParseCertificate(b.Bytes); err == nil {
				return cert.NotAfter
			}
		}
	}
	return time.Time{}
}

func earliest(a, b time.Time) time.Time {
	if a.IsZero() || (!b.IsZero() && b.Before(a)) {
		return b
	}
	return a
}
