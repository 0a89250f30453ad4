package node

import (
	"context"

	"github.com/container-storage-interface/spec/lib/go/csi"

	"github.com/cofre-io/cofre/csi/volume"
)

// Volumes is what the Node service drives (*volume.Manager).
type Volumes interface {
	Publish(ctx context.Context, req volume.Request) error
	Unpublish(ctx context.Context, volumeID, target string) error
}

// Server implements csi.NodeServer.
type Server struct {
	csi.UnimplementedNodeServer

	nodeID  string
	volumes Volumes
}

var _ csi.NodeServer = (*Server)(nil)

// New returns the Node service of node nodeID.
func New(nodeID string, volumes Volumes) *Server {
	return &Server{nodeID: nodeID, volumes: volumes}
}

// NodeGetInfo returns the node ID; there is no volume limit and no
// topology.
func (s *Server) NodeGetInfo(context.Context, *csi.NodeGetInfoRequest) (*csi.NodeGetInfoResponse, error) {
	return &csi.NodeGetInfoResponse{NodeId: s.nodeID}, nil
}

// NodeGetCapabilities advertises VOLUME_MOUNT_GROUP, so that the kubelet
// passes the pod's fsGroup as volume_mount_group (CSIDriver fsGroupPolicy
// File) and the driver gives the files that group.
func (s *Server) NodeGetCapabilities(context.Context, *csi.NodeGetCapabilitiesRequest) (*csi.NodeGetCapabilitiesResponse, error) {
	return &csi.NodeGetCapabilitiesResponse{Capabilities: []*csi.NodeServiceCapability{{
		Type: &csi.NodeServiceCapability_Rpc{Rpc: &csi.NodeServiceCapability_RPC{
			Type: csi.NodeServiceCapability_RPC_VOLUME_MOUNT_GROUP,
		}},
	}}}, nil
}
