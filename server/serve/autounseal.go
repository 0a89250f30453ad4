package serve

import (
	"context"
	"errors"
	"time"

	"github.com/cofre-io/cofre/server/logical"
)

// autoUnsealer retries auto-unseal in the background while the seal's key
// keeper (a transit server) is unreachable, so the server unseals by itself
// when it comes back. It is owned by a Server and stopped before Stop seals.
type autoUnsealer struct {
	cancel context.CancelFunc
	done   chan struct{}
}

// Retry bounds for auto-unseal attempts.
const (
	autoUnsealFirstRetry = time.Second
	autoUnsealMaxRetry   = 30 * time.Second
)

// startAutoUnseal tries once now and, if that fails, keeps trying with
// capped exponential backoff until it succeeds or the server stops.
func (s *Server) startAutoUnseal() {
	ctx, cancel := context.WithCancel(context.Background())
	u := &autoUnsealer{cancel: cancel, done: make(chan struct{})}
	s.unsealer = u
	err := s.Core.AutoUnseal(ctx)
	if err == nil {
		close(u.done)
		return
	}
	s.log.Error("auto-unseal failed; staying sealed and retrying", "err", err)
	go func() {
		defer close(u.done)
		wait := autoUnsealFirstRetry
		for {
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			err := s.Core.AutoUnseal(ctx)
			switch {
			case err == nil:
				if !s.Core.Sealed() {
					s.log.Info("auto-unseal succeeded after retrying")
				}
				return
			case errors.Is(err, context.Canceled):
				return
			case errors.Is(err, logical.ErrInvalidRequest):
				// A configuration problem (wrong seal type): retrying will
				// not help; the operator must act.
				s.log.Error("auto-unseal failed for good", "err", err)
				return
			}
			s.log.Warn("auto-unseal still failing", "err", err, "retry_in", wait)
			if wait *= 2; wait > autoUnsealMaxRetry {
				wait = autoUnsealMaxRetry
			}
		}
	}()
}

func (s *Server) stopAutoUnseal() {
	if s.unsealer == nil {
		return
	}
	s.unsealer.cancel()
	<-s.unsealer.done
}
