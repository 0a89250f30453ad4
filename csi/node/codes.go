package node

import (
	"context"
	"errors"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/cofre-io/cofre/csi/kubeapi"
	"github.com/cofre-io/cofre/csi/mounter"
	"github.com/cofre-io/cofre/csi/volume"
	"github.com/cofre-io/cofre/pkg/providerclient"
)

// toStatus maps a volume error to its gRPC status; the message keeps the
// reason.
func toStatus(err error) error {
	code := codes.Internal
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		code = codes.DeadlineExceeded
	case errors.Is(err, context.Canceled):
		code = codes.Canceled
	case errors.Is(err, kubeapi.ErrClassNotFound), errors.Is(err, volume.ErrNotFound):
		code = codes.NotFound
	case errors.Is(err, volume.ErrConflict):
		code = codes.AlreadyExists
	case errors.Is(err, volume.ErrBadClass), errors.Is(err, providerclient.ErrBadProviderName),
		errors.Is(err, providerclient.ErrNoProvider), errors.Is(err, mounter.ErrNotDir):
		code = codes.FailedPrecondition
	case errors.Is(err, providerclient.ErrUnavailable):
		code = codes.Unavailable
	}
	return status.Error(code, err.Error())
}
