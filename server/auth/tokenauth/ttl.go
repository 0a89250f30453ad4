package tokenauth

import (
	"fmt"
	"slices"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/token"
)

// applyTTLs sets te's period, explicit max, TTL, expiry and renewability
// from the request and role, as Vault does at creation.
func (b *backend) applyTTLs(d *framework.FieldData, r *role, te *token.Entry, parent *token.Entry, isSudo bool, renewable *bool, resp *logical.Response) error {
	explicit := d.Duration("explicit_max_ttl")
	period := d.Duration("period")
	if period > 0 && !isSudo {
		return badRequest("root or sudo privileges required to create periodic token")
	}
	ttl := d.Duration("ttl")
	if _, ok := d.GetOk("ttl"); !ok {
		ttl = d.Duration("lease")
	}
	if r != nil && te.Type != token.TypeBatch {
		if r.TokenExplicitMaxTTL != 0 {
			if explicit != 0 {
				resp.Warnings = append(resp.Warnings, fmt.Sprintf("Explicit max TTL specified both during creation call and in role; using the lesser value of %d seconds", int64(min(explicit, r.TokenExplicitMaxTTL).Seconds())))
			}
			if explicit == 0 || r.TokenExplicitMaxTTL < explicit {
				explicit = r.TokenExplicitMaxTTL
			}
		}
		if r.TokenPeriod != 0 {
			if period != 0 {
				resp.Warnings = append(resp.Warnings, fmt.Sprintf("Period specified both during creation call and in role; using the lesser value of %d seconds", int64(min(period, r.TokenPeriod).Seconds())))
			}
			if period == 0 || r.TokenPeriod < period {
				period = r.TokenPeriod
			}
		}
	}
	te.ExplicitMaxTTL, te.Period = explicit, period
	isRoot := slices.Contains(te.Policies, token.RootPolicy)
	if period > 0 || ttl > 0 || !isRoot {
		got, warnings, err := token.CalculateTTL(token.TTLRequest{
			Now: te.CreationTime, TTL: ttl, Period: period, ExplicitMaxTTL: explicit, Limits: b.limits(),
		})
		if err != nil {
			return badRequest("%s", err.Error())
		}
		resp.Warnings = append(resp.Warnings, warnings...)
		ttl = got
	}
	if ttl == 0 && explicit > 0 {
		ttl = explicit
	}
	if ttl == 0 {
		if !parent.ExpireTime.IsZero() {
			return badRequest("expiring root tokens cannot create non-expiring root tokens")
		}
		*renewable = false
		te.BoundCIDRs = nil
	}
	te.TTL = ttl
	if ttl > 0 {
		te.ExpireTime = te.CreationTime.Truncate(time.Second).Add(ttl)
	}
	te.Renewable = *renewable
	return nil
}
