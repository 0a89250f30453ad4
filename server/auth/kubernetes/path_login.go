package kubernetes

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/auth/kubernetes/internal/jwt"
	"github.com/cofre-io/cofre/server/auth/tokenutil"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *backend) pathLogin() *framework.Path {
	return &framework.Path{
		Pattern: "login",
		Fields: map[string]*framework.FieldSchema{
			"role": {Type: framework.TypeString, Description: "Name of the role to log in with."},
			"jwt":  {Type: framework.TypeString, Description: "The ServiceAccount token."},
		},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.login,
		},
		HelpSynopsis: "Log in with a Kubernetes ServiceAccount token.",
	}
}

// login authenticates a ServiceAccount token. The token is parsed only to
// turn away garbage, expired tokens and wrong audiences early; who it
// belongs to comes from a TokenReview by the API server, never from its
// claims. Nothing is cached: a token the API server stops accepting stops
// logging in at once.
func (b *backend) login(ctx context.Context, req *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	name := strings.ToLower(strings.TrimSpace(d.String("role")))
	if name == "" {
		return nil, logical.ErrorResponse("missing role")
	}
	jwt := strings.TrimSpace(d.String("jwt"))
	if jwt == "" {
		return nil, logical.ErrorResponse("missing jwt")
	}
	r, err := getRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, logical.ErrorResponse("invalid role name %q", name)
	}
	cn, err := b.connection(ctx, req.Storage)
	if err != nil {
		return nil, err
	}
	id, err := b.authenticate(ctx, cn, r, jwt)
	if err != nil {
		b.logRefusal(req, name, err)
		return nil, err
	}
	if err := r.allows(id.Namespace, id.Name); err != nil {
		err = refused(err)
		b.logRefusal(req, name, err)
		return nil, err
	}
	auth := b.newAuth(name, r, id)
	if id.PodUID != "" && !isBatch(r.TokenType) {
		if err := b.indexPodToken(ctx, req.Storage, id, r, auth); err != nil {
			b.logRefusal(req, name, err)
			return nil, err
		}
	}
	return &logical.Response{Auth: auth}, nil
}

// timeLeeway absorbs clock skew between this server and the API server in
// the early expiry checks; the TokenReview is the authority anyway.
const timeLeeway = time.Minute

// authenticate runs the local checks and the TokenReview.
func (b *backend) authenticate(ctx context.Context, cn *conn, r *role, token string) (*identity, error) {
	tok, err := jwt.Parse(token)
	if err != nil {
		return nil, &logical.Error{Kind: logical.ErrInvalidRequest, Msg: err.Error(), Err: err}
	}
	if err := tok.CheckTimes(b.now(), timeLeeway); err != nil {
		return nil, denied(err)
	}
	if r.Audience != "" && !tok.Claims.Audience.Contains(r.Audience) {
		return nil, denied(ErrAudience)
	}
	if !cn.cfg.DisableISSValidation {
		want := cn.cfg.Issuer
		if want == "" {
			want = DefaultIssuer
		}
		if tok.Claims.Issuer != want {
			return nil, denied(ErrIssuer)
		}
	}
	if len(cn.keys) > 0 && !tok.Verify(cn.keys) {
		return nil, denied(ErrSignature)
	}
	rctx, cancel := context.WithTimeout(ctx, b.opts.ReviewTimeout)
	defer cancel()
	return review(rctx, cn, token, r.Audience)
}

// newAuth builds the login's Auth from the role and the reviewed identity.
func (b *backend) newAuth(roleName string, r *role, id *identity) *logical.Auth {
	alias := id.UID
	if r.AliasNameSource == AliasSourceName {
		alias = id.Namespace + "/" + id.Name
	}
	md := map[string]string{
		"role":                        roleName,
		"service_account_name":        id.Name,
		"service_account_namespace":   id.Namespace,
		"service_account_uid":         id.UID,
		"service_account_secret_name": "",
	}
	if id.PodUID != "" {
		md["pod_name"] = id.PodName
		md["pod_uid"] = id.PodUID
	}
	auth := &logical.Auth{
		DisplayName: id.Namespace + "-" + id.Name,
		Metadata:    md,
		InternalData: map[string]any{
			"role":       roleName,
			"alias_name": alias,
		},
	}
	r.TokenParams.PopulateAuth(auth)
	return auth
}

func isBatch(t string) bool {
	return t == tokenutil.TypeBatch || t == tokenutil.TypeDefaultBatch
}

// logRefusal records why a login failed, without the token.
func (b *backend) logRefusal(req *logical.Request, roleName string, err error) {
	remote := ""
	if req.Connection != nil {
		remote = req.Connection.RemoteAddr
	}
	var le *logical.Error
	reason := err
	if errors.As(err, &le) && le.Err != nil {
		reason = le.Err
	}
	if errors.Is(err, logical.ErrInternal) {
		b.log.Error("kubernetes login failed", "role", roleName, "remote", remote, "err", reason)
		return
	}
	b.log.Info("kubernetes login refused", "role", roleName, "remote", remote, "reason", reason)
}

// renew answers the core's renewal of a token this method issued: the role
// must still exist and still bind the token's ServiceAccount, and the pod
// of a pod-bound token must not be known gone. The role's current TTLs
// apply.
func (b *backend) renew(ctx context.Context, req *logical.Request) (*logical.Response, error) {
	name, _ := req.Auth.InternalData["role"].(string)
	if name == "" {
		return nil, logical.ErrorResponse("failed to fetch role during renewal")
	}
	r, err := getRole(ctx, req.Storage, name)
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, logical.ErrorResponse("role %q does not exist during renewal", name)
	}
	md := req.Auth.Metadata
	if err := r.allows(md["service_account_namespace"], md["service_account_name"]); err != nil {
		return nil, refused(err)
	}
	if uid := md["pod_uid"]; uid != "" {
		rec, err := getPodRecord(ctx, req.Storage, uid)
		if err != nil {
			return nil, err
		}
		if rec != nil && !rec.GoneSince.IsZero() {
			return nil, denied(ErrPodGone)
		}
	}
	a := *req.Auth
	a.TTL = r.TokenTTL
	a.MaxTTL = r.TokenMaxTTL
	a.Period = r.TokenPeriod
	return &logical.Response{Auth: &a}, nil
}
