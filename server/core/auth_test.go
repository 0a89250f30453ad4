package core_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cofre-io/cofre/server/core"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/mount"
	"github.com/cofre-io/cofre/server/storage/inmem"
	"github.com/cofre-io/cofre/server/unseal"
)

// echoLogin is an auth method whose login returns the Auth its body asks
// for, so tests can drive issueAuth directly.
func echoLogin(ctx context.Context, conf *logical.BackendConfig) (logical.Backend, error) {
	b := &framework.Backend{
		BackendType:  logical.TypeCredential,
		PathsSpecial: &logical.Paths{Unauthenticated: []string{"login"}},
		Paths: []*framework.Path{{
			Pattern: "login",
			Fields: map[string]*framework.FieldSchema{
				"policies":   {Type: framework.TypeCommaStringSlice},
				"ttl":        {Type: framework.TypeDurationSecond},
				"max_ttl":    {Type: framework.TypeDurationSecond},
				"period":     {Type: framework.TypeDurationSecond},
				"type":       {Type: framework.TypeString},
				"num_uses":   {Type: framework.TypeInt},
				"no_default": {Type: framework.TypeBool},
				"cidrs":      {Type: framework.TypeCommaStringSlice},
			},
			Operations: map[logical.Operation]framework.OperationFunc{
				logical.UpdateOperation: func(_ context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
					return &logical.Response{Auth: &logical.Auth{
						DisplayName: "alice", TokenPolicies: d.Strings("policies"), TTL: d.Duration("ttl"),
						MaxTTL: d.Duration("max_ttl"), Period: d.Duration("period"), TokenType: d.String("type"),
						NumUses: d.Int("num_uses"), NoDefaultPolicy: d.Bool("no_default"), Renewable: true,
						BoundCIDRs: d.Strings("cidrs"), Metadata: map[string]string{"user": "alice"},
					}}, nil
				},
			},
		}},
	}
	return b, b.Init()
}

func newAuthCore(t *testing.T) (*core.Core, string) {
	t.Helper()
	ctx := context.Background()
	c, err := core.New(core.Config{
		Physical:      inmem.New(),
		AuthFactories: map[string]logical.Factory{"echo": echoLogin},
		Defaults:      mount.Defaults{DefaultLeaseTTL: time.Hour, MaxLeaseTTL: 10 * time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Init(ctx, unseal.InitRequest{SecretShares: 1, SecretThreshold: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Unseal(ctx, res.Keys[0]); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Seal(context.Background()) })
	if err := c.Mounts().Enable(ctx, &mount.Entry{Table: mount.TableAuth, Path: "team/echo/", Type: "echo"}); err != nil {
		t.Fatal(err)
	}
	return c, res.RootToken
}

func login(t *testing.T, c *core.Core, body map[string]any) (*logical.Auth, error) {
	t.Helper()
	resp, err := c.HandleRequest(context.Background(), &logical.Request{Operation: logical.UpdateOperation, Path: "auth/team/echo/login", Data: body})
	if err != nil {
		return nil, err
	}
	return resp.Auth, nil
}

func TestLoginIssuesOrphanTokens(t *testing.T) {
	c, root := newAuthCore(t)
	ctx := context.Background()
	cases := []struct {
		name     string
		body     map[string]any
		policies string
		ttl      time.Duration
		typ      string
		renew    bool
	}{
		{"mount default ttl, default policy added", map[string]any{"policies": "Web,db"}, "db,default,web", time.Hour, "service", true},
		{"no default policy", map[string]any{"policies": "web", "no_default": true}, "web", time.Hour, "service", true},
		{"ttl capped by the mount max", map[string]any{"ttl": "20h"}, "default", 10 * time.Hour, "service", true},
		{"ttl capped by the backend max", map[string]any{"ttl": "5h", "max_ttl": "2h"}, "default", 2 * time.Hour, "service", true},
		{"periodic", map[string]any{"period": "30m", "ttl": "5h"}, "default", 30 * time.Minute, "service", true},
		{"batch", map[string]any{"type": "batch", "ttl": "2h"}, "default", 2 * time.Hour, "batch", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := login(t, c, tc.body)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(a.Policies, ",") != tc.policies || strings.Join(a.TokenPolicies, ",") != tc.policies ||
				a.TTL != tc.ttl || a.TokenType != tc.typ || a.Renewable != tc.renew || !a.Orphan || a.ClientToken == "" {
				t.Fatalf("auth = %+v", a)
			}
			if tc.typ == "batch" && (!strings.HasPrefix(a.ClientToken, "hvb.") || a.Accessor != "") {
				t.Fatalf("batch login token = %q / %q", a.ClientToken, a.Accessor)
			}
			te, err := c.Tokens().Lookup(ctx, a.ClientToken)
			if err != nil {
				t.Fatal(err)
			}
			if te.DisplayName != "team-echo-alice" || te.Path != "auth/team/echo/login" || te.Meta["user"] != "alice" || te.Parent != "" {
				t.Fatalf("entry = %+v", te)
			}
		})
	}
	// Auth methods may not mint root tokens.
	if _, err := login(t, c, map[string]any{"policies": "root"}); !errors.Is(err, logical.ErrInvalidRequest) {
		t.Fatalf("root from a login: %v", err)
	}
	// The token backend's own answers are not turned into new tokens.
	resp, err := c.HandleRequest(ctx, &logical.Request{Operation: logical.UpdateOperation, Path: "auth/token/create", ClientToken: root, Data: map[string]any{"ttl": "1h"}})
	if err != nil || resp.Auth.Orphan || resp.Auth.TTL != time.Hour {
		t.Fatalf("token create through the core: %+v %v", resp, err)
	}
	acc := resp.Auth.Accessor
	resp, err = c.HandleRequest(ctx, &logical.Request{Operation: logical.UpdateOperation, Path: "auth/token/renew-accessor", ClientToken: root, Data: map[string]any{"accessor": acc}})
	if err != nil || resp.Auth.ClientToken != "" {
		t.Fatalf("renew-accessor minted a token: %+v %v", resp.Auth, err)
	}
}

func TestLimitedUseLoginToken(t *testing.T) {
	c, _ := newAuthCore(t)
	ctx := context.Background()
	a, err := login(t, c, map[string]any{"num_uses": 1})
	if err != nil {
		t.Fatal(err)
	}
	if a.NumUses != 1 {
		t.Fatalf("num_uses = %d", a.NumUses)
	}
	req := func() error {
		_, err := c.HandleRequest(ctx, &logical.Request{Operation: logical.ReadOperation, Path: "auth/token/lookup-self", ClientToken: a.ClientToken})
		return err
	}
	if err := req(); err != nil {
		t.Fatalf("the last use must still be served: %v", err)
	}
	if err := req(); !errors.Is(err, logical.ErrPermissionDenied) {
		t.Fatalf("use after the last: %v", err)
	}
}
