package providerapi

import (
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ErrorDomain is the Domain of the ErrorInfo detail of Cofre's provider
// errors.
const ErrorDomain = "provider.cofre.io"

// Code is a stable error code of a failed Mount. New codes may be added;
// existing ones keep their meaning.
type Code string

// The error codes of Mount.
const (
	// CodeInvalidRequest: the request or the SecretProviderClass parameters
	// are malformed (unknown parameter, bad objects YAML, duplicate object
	// names, a path escaping the volume, a bad template).
	CodeInvalidRequest Code = "InvalidRequest"
	// CodeIdentityUnavailable: no ServiceAccount token for the pod could be
	// found or requested.
	CodeIdentityUnavailable Code = "IdentityUnavailable"
	// CodeAuthFailed: the server refused the login, or the identity it
	// verified is not the pod's.
	CodeAuthFailed Code = "AuthenticationFailed"
	// CodePermissionDenied: the server refused to read a secret.
	CodePermissionDenied Code = "PermissionDenied"
	// CodeSecretNotFound: a non-optional secret, or a key of it, is missing.
	CodeSecretNotFound Code = "SecretNotFound"
	// CodeRenderFailed: a secret could not be turned into files (bad
	// encoding, template error, key names that are not file names).
	CodeRenderFailed Code = "RenderFailed"
	// CodeServerUnavailable: the server could not be reached or answered
	// with a server error.
	CodeServerUnavailable Code = "ServerUnavailable"
	// CodeInternal: anything else.
	CodeInternal Code = "Internal"
)

// GRPCCode is the gRPC status code a Code travels with.
func (c Code) GRPCCode() codes.Code {
	switch c {
	case CodeInvalidRequest, CodeRenderFailed:
		return codes.InvalidArgument
	case CodeIdentityUnavailable, CodeAuthFailed:
		return codes.Unauthenticated
	case CodePermissionDenied:
		return codes.PermissionDenied
	case CodeSecretNotFound:
		return codes.NotFound
	case CodeServerUnavailable:
		return codes.Unavailable
	default:
		return codes.Internal
	}
}

// Status builds the gRPC status error for code with message msg: the
// message is prefixed with the code and the ErrorInfo detail attached.
func Status(code Code, msg string) error {
	st := status.New(code.GRPCCode(), string(code)+": "+msg)
	if withInfo, err := st.WithDetails(&errdetails.ErrorInfo{Reason: string(code), Domain: ErrorDomain}); err == nil {
		st = withInfo
	}
	return st.Err()
}

// CodeOf extracts the Code of a Mount error returned by a Cofre provider.
// ok is false for errors that carry none (other providers, transport
// failures).
func CodeOf(err error) (c Code, ok bool) {
	if err == nil {
		return "", false
	}
	var se interface{ GRPCStatus() *status.Status }
	if !errors.As(err, &se) {
		return "", false
	}
	for _, d := range se.GRPCStatus().Details() {
		if info, isInfo := d.(*errdetails.ErrorInfo); isInfo && info.GetDomain() == ErrorDomain {
			return Code(info.GetReason()), true
		}
	}
	return "", false
}
