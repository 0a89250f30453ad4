package providerapi

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

func TestStatusRoundTrip(t *testing.T) {
	for _, c := range []struct {
		code Code
		grpc codes.Code
	}{
		{CodeInvalidRequest, codes.InvalidArgument}, {CodeIdentityUnavailable, codes.Unauthenticated},
		{CodeAuthFailed, codes.Unauthenticated}, {CodePermissionDenied, codes.PermissionDenied},
		{CodeSecretNotFound, codes.NotFound}, {CodeRenderFailed, codes.InvalidArgument},
		{CodeServerUnavailable, codes.Unavailable}, {CodeInternal, codes.Internal},
	} {
		err := Status(c.code, "details")
		if status.Code(err) != c.grpc || !strings.HasPrefix(status.Convert(err).Message(), string(c.code)+": details") {
			t.Errorf("%s: %v", c.code, err)
		}
		// Wrapped, as a client may return it.
		got, ok := CodeOf(fmt.Errorf("mount: %w", err))
		if !ok || got != c.code {
			t.Errorf("%s: CodeOf %q %v", c.code, got, ok)
		}
	}
	if _, ok := CodeOf(status.Error(codes.Internal, "another provider")); ok {
		t.Fatal("code from a foreign status")
	}
	if _, ok := CodeOf(errors.New("plain")); ok {
		t.Fatal("code from a plain error")
	}
	if _, ok := CodeOf(nil); ok {
		t.Fatal("code from nil")
	}
}

func TestRefreshAfter(t *testing.T) {
	want := time.Date(2026, 5, 1, 12, 40, 0, 123, time.UTC)
	md := metadata.Pairs(HeaderRefreshAfter, want.Format(time.RFC3339Nano))
	if got, ok := RefreshAfter(md); !ok || !got.Equal(want) {
		t.Fatalf("%v %v", got, ok)
	}
	if _, ok := RefreshAfter(metadata.Pairs(HeaderRefreshAfter, "soon")); ok {
		t.Fatal("bad time accepted")
	}
	if _, ok := RefreshAfter(nil); ok {
		t.Fatal("absent header")
	}
}
