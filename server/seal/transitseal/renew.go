package transitseal

import (
	"context"
	"time"
)

// Renewal timing: renew at half the token's TTL; after a failure, retry
// after a tenth of the last known TTL, kept between the two bounds.
const (
	minRenewRetry = time.Second
	maxRenewRetry = time.Minute
)

// sleeper waits d or until ctx ends; it reports whether d passed.
type sleeper func(ctx context.Context, d time.Duration) bool

// renewLoop keeps the seal's token alive: it looks the token up, and if it
// is renewable and expires, renews it at half its TTL, again and again,
// until ctx ends. A token that never expires (a root token) or cannot be
// renewed ends the loop. Failures are logged and retried; the token's
// value is never logged.
func (t *Transit) renewLoop(ctx context.Context, sleep sleeper) {
	ttl, err := t.lookupTTL(ctx)
	for {
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			t.log.Warn("transit seal: token lookup or renewal failed; retrying", "addr", t.addr, "err", err)
			if !sleep(ctx, retryAfter(ttl)) {
				return
			}
			if ttl == 0 {
				ttl, err = t.lookupTTL(ctx)
			} else {
				ttl, err = t.renew(ctx)
			}
			continue
		}
		if ttl <= 0 {
			t.log.Info("transit seal: the token does not expire or is not renewable; not renewing it", "addr", t.addr)
			return
		}
		if !sleep(ctx, ttl/2) {
			return
		}
		next, rerr := t.renew(ctx)
		if rerr != nil {
			err = rerr // keep ttl: retry relative to it
			continue
		}
		ttl = next
		t.log.Debug("transit seal: token renewed", "ttl", ttl)
	}
}

func retryAfter(ttl time.Duration) time.Duration {
	return min(max(ttl/10, minRenewRetry), maxRenewRetry)
}

// lookupTTL returns the token's remaining TTL, or 0 when it never expires
// or cannot be renewed.
func (t *Transit) lookupTTL(ctx context.Context) (time.Duration, error) {
	sec, err := t.client.Auth().Token().LookupSelfWithContext(ctx)
	if err != nil {
		return 0, t.remoteError("token lookup", err, false)
	}
	renewable, err := sec.TokenIsRenewable()
	if err != nil || !renewable {
		return 0, nil
	}
	ttl, err := sec.TokenTTL()
	if err != nil {
		return 0, nil
	}
	return ttl, nil
}

// renew renews the token and returns its new TTL.
func (t *Transit) renew(ctx context.Context) (time.Duration, error) {
	sec, err := t.client.Auth().Token().RenewSelfWithContext(ctx, 0)
	if err != nil {
		return 0, t.remoteError("token renewal", err, false)
	}
	if sec == nil || sec.Auth == nil || !sec.Auth.Renewable {
		return 0, nil
	}
	return time.Duration(sec.Auth.LeaseDuration) * time.Second, nil
}
