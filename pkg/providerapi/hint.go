package providerapi

import (
	"context"
	"fmt"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// HeaderRefreshAfter is the gRPC response header (metadata key, lower
// case) carrying the refresh hint of a Mount response.
const HeaderRefreshAfter = "cofre-refresh-after"

// SetRefreshAfter sends the refresh hint t with the response of the
// unary call whose server context is ctx. A zero t sends nothing.
func SetRefreshAfter(ctx context.Context, t time.Time) error {
	if t.IsZero() {
		return nil
	}
	md := metadata.Pairs(HeaderRefreshAfter, t.UTC().Format(time.RFC3339Nano))
	if err := grpc.SetHeader(ctx, md); err != nil {
		return fmt.Errorf("refresh hint: %w", err)
	}
	return nil
}

// RefreshAfter reads the refresh hint from the response header md (as
// captured by the grpc.Header call option). ok is false when the header is
// absent or not a valid time.
func RefreshAfter(md metadata.MD) (t time.Time, ok bool) {
	vals := md.Get(HeaderRefreshAfter)
	if len(vals) == 0 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, vals[0])
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}
