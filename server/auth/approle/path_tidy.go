package approle

import (
	"context"
	"strings"
	"time"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
)

func (b *backend) pathTidy() *framework.Path {
	return &framework.Path{
		Pattern: "tidy/secret-id",
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.UpdateOperation: b.tidy,
		},
		HelpSynopsis: "Delete expired secret IDs and dangling accessors.",
	}
}

// tidy removes expired secret IDs and accessor index entries whose secret ID
// is gone. It runs within the request and stops when ctx is cancelled.
func (b *backend) tidy(ctx context.Context, req *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	s := req.Storage
	now := b.now()
	dirs, err := s.List(ctx, "secret_id/")
	if err != nil {
		return nil, err
	}
	var secrets, accessors int
	for _, dir := range dirs {
		if !strings.HasSuffix(dir, "/") {
			continue
		}
		st := secretStore{s: s, prefix: "secret_id/" + dir, accPre: "accessor/" + dir}
		n, err := b.tidyExpired(ctx, st, now)
		secrets += n
		if err != nil {
			return nil, err
		}
		n, err = b.tidyAccessors(ctx, st)
		accessors += n
		if err != nil {
			return nil, err
		}
	}
	b.log.Info("approle tidy done", "secret_ids_deleted", secrets, "accessors_deleted", accessors)
	return &logical.Response{
		Data:     map[string]any{"secret_ids_deleted": secrets, "accessors_deleted": accessors},
		Warnings: []string{"Tidy operation successfully completed."},
	}, nil
}

// tidyExpired deletes the expired secret IDs of one role.
func (b *backend) tidyExpired(ctx context.Context, st secretStore, now time.Time) (int, error) {
	hs, err := st.s.List(ctx, st.prefix)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, h := range hs {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		if strings.HasSuffix(h, "/") {
			continue
		}
		removed, err := b.tidyOne(ctx, st, h, now)
		if removed {
			n++
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

func (b *backend) tidyOne(ctx context.Context, st secretStore, h string, now time.Time) (bool, error) {
	sl := b.secretLocks.get(h)
	sl.Lock()
	defer sl.Unlock()
	e, err := st.get(ctx, h)
	if err != nil || e == nil || !e.expired(now) {
		return false, err
	}
	return true, st.remove(ctx, e)
}

// tidyAccessors deletes accessor index entries whose secret ID is gone,
// left behind when a deletion was interrupted.
func (b *backend) tidyAccessors(ctx context.Context, st secretStore) (int, error) {
	accs, err := st.s.List(ctx, st.accPre)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, acc := range accs {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		h, err := st.byAccessor(ctx, acc)
		if err != nil {
			return n, err
		}
		dangling, err := b.accessorDangling(ctx, st, acc, h)
		if err != nil {
			return n, err
		}
		if !dangling {
			continue
		}
		if err := st.s.Delete(ctx, st.accPre+acc); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// accessorDangling checks, under the secret ID's lock, that the accessor's
// secret ID no longer exists (a creation in progress holds that lock).
func (b *backend) accessorDangling(ctx context.Context, st secretStore, acc, h string) (bool, error) {
	if h == "" {
		return true, nil
	}
	sl := b.secretLocks.get(h)
	sl.Lock()
	defer sl.Unlock()
	e, err := st.get(ctx, h)
	if err != nil {
		return false, err
	}
	return e == nil || e.Accessor != acc, nil
}
