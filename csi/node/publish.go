package node

import (
	"context"
	"path/filepath"

	"github.com/container-storage-interface/spec/lib/go/csi"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cofre-io/cofre/csi/attributes"
	"github.com/cofre-io/cofre/csi/volume"
)

// NodePublishVolume mounts (or refreshes) an inline Secrets Store volume.
func (s *Server) NodePublishVolume(ctx context.Context, req *csi.NodePublishVolumeRequest) (*csi.NodePublishVolumeResponse, error) {
	if req.GetVolumeId() == "" {
		return nil, status.Error(codes.InvalidArgument, "volume_id is required")
	}
	if err := checkTarget(req.GetTargetPath()); err != nil {
		return nil, err
	}
	vc := req.GetVolumeCapability()
	if vc == nil {
		return nil, status.Error(codes.InvalidArgument, "volume_capability is required")
	}
	if vc.GetBlock() != nil {
		return nil, status.Error(codes.InvalidArgument, "block access is not supported: Secrets Store volumes are file systems")
	}
	if vc.GetMount() == nil {
		return nil, status.Error(codes.InvalidArgument, "volume_capability needs access_type mount")
	}
	if !req.GetReadonly() {
		return nil, status.Error(codes.InvalidArgument, "readonly must be true: Secrets Store volumes are read-only (set readOnly: true on the pod's volume)")
	}
	vol, err := attributes.Parse(req.GetVolumeContext())
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	group, err := attributes.ParseMountGroup(vc.GetMount().GetVolumeMountGroup())
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	err = s.volumes.Publish(ctx, volume.Request{
		VolumeID: req.GetVolumeId(),
		Target:   req.GetTargetPath(),
		Volume:   vol,
		Secrets:  req.GetSecrets(),
		FSGroup:  group,
	})
	if err != nil {
		return nil, toStatus(err)
	}
	return &csi.NodePublishVolumeResponse{}, nil
}

// NodeUnpublishVolume unmounts a volume and removes its target path.
func (s *Server) NodeUnpublishVolume(ctx context.Context, req *csi.NodeUnpublishVolumeRequest) (*csi.NodeUnpublishVolumeResponse, error) {
	if req.GetVolumeId() == "" {
		return nil, status.Error(codes.InvalidArgument, "volume_id is required")
	}
	if err := checkTarget(req.GetTargetPath()); err != nil {
		return nil, err
	}
	if err := s.volumes.Unpublish(ctx, req.GetVolumeId(), req.GetTargetPath()); err != nil {
		return nil, toStatus(err)
	}
	return &csi.NodeUnpublishVolumeResponse{}, nil
}

// checkTarget requires an absolute, clean target path.
func checkTarget(p string) error {
	switch {
	case p == "":
		return status.Error(codes.InvalidArgument, "target_path is required")
	case !filepath.IsAbs(p) || filepath.Clean(p) != p:
		return status.Errorf(codes.InvalidArgument, "target_path %q must be absolute and clean", p)
	}
	return nil
}
