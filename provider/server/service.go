package server

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"google.golang.org/grpc/status"
	"sigs.k8s.io/secrets-store-csi-driver/provider/v1alpha1"

	"github.com/cofre-io/cofre/pkg/providerapi"
	"github.com/cofre-io/cofre/provider/metrics"
	"github.com/cofre-io/cofre/provider/mount"
)

// Mounter serves Mount requests (mount.Provider).
type Mounter interface {
	Mount(ctx context.Context, attributes, secrets, permission, targetPath string) (*mount.Result, error)
}

var _ Mounter = (*mount.Provider)(nil)

// RuntimeName is what Version reports as the provider's name.
const RuntimeName = "cofre"

// protocolVersion is the only provider API version there is.
const protocolVersion = "v1alpha1"

// Service implements the CSIDriverProvider gRPC service.
type Service struct {
	v1alpha1.UnimplementedCSIDriverProviderServer

	mounter Mounter
	version string
	metrics *metrics.Metrics
	log     *slog.Logger
	now     func() time.Time
}

var _ v1alpha1.CSIDriverProviderServer = (*Service)(nil)

// NewService returns a Service answering with m. version is the
// provider's own version; metrics may be nil.
func NewService(m Mounter, version string, met *metrics.Metrics, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{mounter: m, version: version, metrics: met, log: log, now: time.Now}
}

// Version implements CSIDriverProviderServer.
func (s *Service) Version(context.Context, *v1alpha1.VersionRequest) (*v1alpha1.VersionResponse, error) {
	return &v1alpha1.VersionResponse{Version: protocolVersion, RuntimeName: RuntimeName, RuntimeVersion: s.version}, nil
}

// Mount implements CSIDriverProviderServer.
func (s *Service) Mount(ctx context.Context, req *v1alpha1.MountRequest) (*v1alpha1.MountResponse, error) {
	start := s.now()
	if req.GetAttributes() == "" {
		s.metrics.Mount(s.now().Sub(start), providerapi.CodeInvalidRequest)
		return nil, providerapi.Status(providerapi.CodeInvalidRequest, "attributes are required")
	}
	res, err := s.mounter.Mount(ctx, req.GetAttributes(), req.GetSecrets(), req.GetPermission(), req.GetTargetPath())
	if err != nil {
		code := providerapi.CodeInternal
		var me *mount.Error
		if errors.As(err, &me) {
			code = me.Code
		}
		if ctx.Err() != nil {
			s.metrics.Mount(s.now().Sub(start), code)
			return nil, status.FromContextError(ctx.Err()).Err()
		}
		s.metrics.Mount(s.now().Sub(start), code)
		s.log.Warn("mount failed", "target", req.GetTargetPath(), "code", string(code), "err", err)
		return nil, providerapi.Status(code, err.Error())
	}
	if err := providerapi.SetRefreshAfter(ctx, res.RefreshAfter); err != nil {
		s.log.Debug("refresh hint not sent", "err", err)
	}
	out := &v1alpha1.MountResponse{
		Files:         make([]*v1alpha1.File, len(res.Files)),
		ObjectVersion: make([]*v1alpha1.ObjectVersion, len(res.Versions)),
	}
	for i, f := range res.Files {
		out.Files[i] = &v1alpha1.File{Path: f.Path, Mode: int32(f.Mode.Perm()), Contents: f.Contents}
	}
	for i, v := range res.Versions {
		out.ObjectVersion[i] = &v1alpha1.ObjectVersion{Id: v.ID, Version: v.Version}
	}
	s.metrics.Mount(s.now().Sub(start), "")
	s.log.Info("mounted", "target", req.GetTargetPath(), "files", len(out.Files), "objects", len(out.ObjectVersion),
		"took", s.now().Sub(start))
	return out, nil
}
