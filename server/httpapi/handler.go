package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/core"
	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/unseal"
)

// Core is what the HTTP layer needs from the server.
type Core interface {
	HandleRequest(ctx context.Context, req *logical.Request) (*logical.Response, error)
	Init(ctx context.Context, req unseal.InitRequest) (*unseal.InitResult, error)
	Initialized(ctx context.Context) (bool, error)
	SealStatus(ctx context.Context) (unseal.Status, error)
	Unseal(ctx context.Context, key []byte) (unseal.Status, error)
	// AutoUnseal unseals with the configured auto seal (it finishes a
	// migration to one).
	AutoUnseal(ctx context.Context) error
	ResetUnseal()
	// SealWithToken checks that token may seal (update + sudo on sys/seal)
	// and seals.
	SealWithToken(ctx context.Context, token string) error
	Keys() *unseal.Manager
	Sealed() bool
	StorageType() string
	ClusterName() string
	Leader() core.LeaderInfo
	Now() time.Time
}

// Config constructs the handler.
type Config struct {
	Core   Core
	Logger *slog.Logger
	// MaxRequestSize caps request bodies (bytes); 0 means 32 MiB.
	MaxRequestSize int64
	// MaxRequestDuration bounds a request's context; 0 means 90 s.
	MaxRequestDuration time.Duration
	Version            string
}

type handler struct {
	cfg Config
	mux *http.ServeMux
}

// New returns the /v1/ API handler.
func New(cfg Config) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxRequestSize == 0 {
		cfg.MaxRequestSize = 32 << 20
	}
	if cfg.MaxRequestDuration == 0 {
		cfg.MaxRequestDuration = 90 * time.Second
	}
	h := &handler{cfg: cfg, mux: http.NewServeMux()}
	h.mux.HandleFunc("/v1/sys/init", h.sysInit)
	h.mux.HandleFunc("/v1/sys/seal-status", h.sysSealStatus)
	h.mux.HandleFunc("/v1/sys/unseal", h.sysUnseal)
	h.mux.HandleFunc("/v1/sys/seal", h.sysSeal)
	h.mux.HandleFunc("/v1/sys/health", h.sysHealth)
	h.mux.HandleFunc("/v1/sys/leader", h.sysLeader)
	h.mux.HandleFunc("/v1/sys/rekey/init", h.sysRekeyInit)
	h.mux.HandleFunc("/v1/sys/rekey/update", h.sysRekeyUpdate)
	h.mux.HandleFunc("/v1/sys/generate-root/attempt", h.sysGenRootAttempt)
	h.mux.HandleFunc("/v1/sys/generate-root/update", h.sysGenRootUpdate)
	h.mux.HandleFunc("/v1/", h.logical)
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), h.cfg.MaxRequestDuration)
	defer cancel()
	r = r.WithContext(ctx)
	if r.ContentLength > h.cfg.MaxRequestSize {
		respondErrorStatus(w, http.StatusRequestEntityTooLarge, "http: request body too large")
		return
	}
	h.mux.ServeHTTP(w, r)
}

// body parses the request body, answering the error itself when it fails.
func (h *handler) body(w http.ResponseWriter, r *http.Request) (map[string]any, bool) {
	m, err := parseBody(r, h.cfg.MaxRequestSize)
	if errors.Is(err, errBodyTooLarge) {
		respondErrorStatus(w, http.StatusRequestEntityTooLarge, "http: request body too large")
		return nil, false
	}
	if err != nil {
		respondError(w, err)
		return nil, false
	}
	return m, true
}

func (h *handler) logical(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, "/v1/")
	op, ok := operation(r)
	if !ok {
		respondErrorStatus(w, http.StatusMethodNotAllowed, "unsupported operation")
		return
	}
	req, err := wrapTTL(r)
	if err != nil {
		respondError(w, err)
		return
	}
	var data map[string]any
	switch op {
	case logical.UpdateOperation, logical.PatchOperation:
		if data, ok = h.body(w, r); !ok {
			return
		}
	default:
		data = queryData(r)
		if op == logical.DeleteOperation {
			// DELETE may carry a body too (kv delete versions).
			body, ok := h.body(w, r)
			if !ok {
				return
			}
			for k, v := range body {
				if data == nil {
					data = map[string]any{}
				}
				data[k] = v
			}
		}
	}
	if op == logical.ListOperation && path != "" && !strings.HasSuffix(path, "/") {
		path += "/"
	}
	req.ID = newRequestID()
	req.Operation = op
	req.Path = path
	req.Data = data
	req.ClientToken = clientToken(r)
	req.Connection = &logical.Connection{RemoteAddr: remoteAddr(r)}
	req.Headers = map[string][]string{}
	for _, k := range []string{"X-Vault-Request", "If-Match"} {
		if v := r.Header.Values(k); len(v) > 0 {
			req.Headers[k] = v
		}
	}
	resp, err := h.cfg.Core.HandleRequest(r.Context(), &req)
	if err != nil {
		respondError(w, err)
		return
	}
	h.respondLogical(w, &req, op, resp)
}

func remoteAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
