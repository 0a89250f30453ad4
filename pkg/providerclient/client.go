package providerclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"sigs.k8s.io/secrets-store-csi-driver/provider/v1alpha1"

	"github.com/cofre-io/cofre/pkg/providerapi"
)

// ProtocolVersion is the version sent in Version requests.
const ProtocolVersion = "v1alpha1"

// DefaultMaxReceiveBytes bounds a Mount response unless Options say
// otherwise (gRPC's own default).
const DefaultMaxReceiveBytes = 4 << 20

// serviceConfig retries a call a few times while the provider's socket
// refuses connections (a provider restarting).
const serviceConfig = `{"methodConfig": [{
  "name": [{"service": "v1alpha1.CSIDriverProvider"}],
  "retryPolicy": {"maxAttempts": 3, "initialBackoff": "0.2s", "maxBackoff": "1s",
    "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}
}]}`

// Options tune a Client.
type Options struct {
	// MaxReceiveBytes bounds a response (default DefaultMaxReceiveBytes).
	MaxReceiveBytes int
	// DialOptions are added to the defaults (tests).
	DialOptions []grpc.DialOption
}

// Client talks to one provider.
type Client struct {
	name string
	conn *grpc.ClientConn
	rpc  v1alpha1.CSIDriverProviderClient
}

// Dial returns a client of the provider called name listening on the unix
// socket at socketPath. It does not connect: the first call does.
func Dial(name, socketPath string, opts Options) (*Client, error) {
	if opts.MaxReceiveBytes <= 0 {
		opts.MaxReceiveBytes = DefaultMaxReceiveBytes
	}
	dial := append([]grpc.DialOption{
		// The socket's file permissions are the only protection, as with
		// every Secrets Store provider.
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithAuthority("localhost"),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(opts.MaxReceiveBytes)),
		grpc.WithDefaultServiceConfig(serviceConfig),
	}, opts.DialOptions...)
	conn, err := grpc.NewClient("unix://"+socketPath, dial...)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", name, err)
	}
	return &Client{name: name, conn: conn, rpc: v1alpha1.NewCSIDriverProviderClient(conn)}, nil
}

// Close closes the connection.
func (c *Client) Close() error { return c.conn.Close() }

// Name is the provider's name.
func (c *Client) Name() string { return c.name }

// Version asks the provider for its name and version.
func (c *Client) Version(ctx context.Context) (VersionInfo, error) {
	resp, err := c.rpc.Version(ctx, &v1alpha1.VersionRequest{Version: ProtocolVersion})
	if err != nil {
		return VersionInfo{}, c.callError(err)
	}
	return VersionInfo{Version: resp.GetVersion(), RuntimeName: resp.GetRuntimeName(), RuntimeVersion: resp.GetRuntimeVersion()}, nil
}

// Mount asks the provider for a volume's files. Errors wrap ErrProvider,
// ErrUnavailable (as *Error) or ErrBadResponse.
func (c *Client) Mount(ctx context.Context, req *MountRequest) (*MountResponse, error) {
	wire, err := encode(req)
	if err != nil {
		return nil, err
	}
	var header metadata.MD
	resp, err := c.rpc.Mount(ctx, wire, grpc.Header(&header))
	if err != nil {
		return nil, c.callError(err)
	}
	if code := resp.GetError().GetCode(); code != "" {
		return nil, &Error{Provider: c.name, Code: code, kind: ErrProvider}
	}
	out, err := decode(resp)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", c.name, err)
	}
	if t, ok := providerapi.RefreshAfter(header); ok {
		out.RefreshAfter = t
	}
	return out, nil
}

// callError turns a gRPC error into an *Error.
func (c *Client) callError(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &Error{Provider: c.name, Code: codes.DeadlineExceeded.String(), Message: err.Error(), kind: ErrUnavailable}
	}
	st, _ := status.FromError(err)
	e := &Error{Provider: c.name, Code: st.Code().String(), Message: st.Message(), kind: ErrProvider}
	if code, ok := providerapi.CodeOf(err); ok {
		e.Code = string(code)
	}
	if st.Code() == codes.Unavailable {
		e.kind = ErrUnavailable
	}
	return e
}

func encode(req *MountRequest) (*v1alpha1.MountRequest, error) {
	attrs, err := json.Marshal(req.Attributes)
	if err != nil {
		return nil, fmt.Errorf("encoding attributes: %w", err)
	}
	secrets, err := json.Marshal(req.Secrets)
	if err != nil {
		return nil, fmt.Errorf("encoding secrets: %w", err)
	}
	perm, err := json.Marshal(req.Permission)
	if err != nil {
		return nil, fmt.Errorf("encoding permission: %w", err)
	}
	wire := &v1alpha1.MountRequest{
		Attributes: string(attrs),
		Secrets:    string(secrets),
		TargetPath: req.TargetPath,
		Permission: string(perm),
	}
	for _, ov := range req.CurrentObjectVersions {
		wire.CurrentObjectVersion = append(wire.CurrentObjectVersion, &v1alpha1.ObjectVersion{Id: ov.ID, Version: ov.Version})
	}
	return wire, nil
}

func decode(resp *v1alpha1.MountResponse) (*MountResponse, error) {
	if resp.GetObjectVersion() == nil {
		return nil, fmt.Errorf("%w: no object versions", ErrBadResponse)
	}
	out := &MountResponse{}
	for _, ov := range resp.GetObjectVersion() {
		if ov.GetId() == "" {
			return nil, fmt.Errorf("%w: object version without an id", ErrBadResponse)
		}
		out.ObjectVersions = append(out.ObjectVersions, ObjectVersion{ID: ov.GetId(), Version: ov.GetVersion()})
	}
	for _, f := range resp.GetFiles() {
		if f.GetMode() < 0 || f.GetMode() > 0o777 {
			return nil, fmt.Errorf("%w: file %q has mode %d", ErrBadResponse, f.GetPath(), f.GetMode())
		}
		out.Files = append(out.Files, File{Path: f.GetPath(), Mode: os.FileMode(f.GetMode()), Contents: f.GetContents()})
	}
	return out, nil
}
