package identity

import (
	"context"
	"errors"
	"fmt"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/wrapperspb"
	"k8s.io/apimachinery/pkg/util/validation"
)

// ErrBadName: the driver name is not a valid CSI driver name.
var ErrBadName = errors.New("invalid CSI driver name")

// Server implements csi.IdentityServer.
type Server struct {
	csi.UnimplementedIdentityServer

	name, version string
	ready         func(ctx context.Context) error
}

var _ csi.IdentityServer = (*Server)(nil)

// New returns the Identity service of the driver called name (a domain
// name of at most 63 characters, as CSI requires) at version. ready, when
// set, decides Probe's answer: nil means ready.
func New(name, version string, ready func(ctx context.Context) error) (*Server, error) {
	if len(name) > 63 || len(validation.IsDNS1123Subdomain(name)) > 0 {
		return nil, fmt.Errorf("%w: %q", ErrBadName, name)
	}
	return &Server{name: name, version: version, ready: ready}, nil
}

// GetPluginInfo returns the name and version.
func (s *Server) GetPluginInfo(context.Context, *csi.GetPluginInfoRequest) (*csi.GetPluginInfoResponse, error) {
	return &csi.GetPluginInfoResponse{Name: s.name, VendorVersion: s.version}, nil
}

// GetPluginCapabilities returns none: the driver has no controller service
// and serves only inline volumes, which need no topology.
func (s *Server) GetPluginCapabilities(context.Context, *csi.GetPluginCapabilitiesRequest) (*csi.GetPluginCapabilitiesResponse, error) {
	return &csi.GetPluginCapabilitiesResponse{}, nil
}

// Probe reports readiness; an error from the readiness check is returned
// as FailedPrecondition with its reason.
func (s *Server) Probe(ctx context.Context, _ *csi.ProbeRequest) (*csi.ProbeResponse, error) {
	if s.ready != nil {
		if err := s.ready(ctx); err != nil {
			return nil, status.Errorf(codes.FailedPrecondition, "not ready: %v", err)
		}
	}
	return &csi.ProbeResponse{Ready: wrapperspb.Bool(true)}, nil
}
