package transit

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/cofre-io/cofre/server/logical"
	"github.com/cofre-io/cofre/server/logical/framework"
	"github.com/cofre-io/cofre/server/storage"
)

// engineConfigKey holds the engine-wide key settings.
const engineConfigKey = "config/keys"

// engineConfig is config/keys.
type engineConfig struct {
	// DisableUpsert stops encrypt/ from creating missing keys.
	DisableUpsert bool `json:"disable_upsert"`
}

// engineConfigStore caches config/keys; the backend is its only writer.
type engineConfigStore struct {
	view storage.Backend
	mu   sync.Mutex // serialises loads and writes
	cur  atomic.Pointer[engineConfig]
}

func (s *engineConfigStore) get(ctx context.Context) (*engineConfig, error) {
	if c := s.cur.Load(); c != nil {
		return c, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.getLocked(ctx)
}

func (s *engineConfigStore) getLocked(ctx context.Context) (*engineConfig, error) {
	if c := s.cur.Load(); c != nil {
		return c, nil
	}
	e, err := s.view.Get(ctx, engineConfigKey)
	if err != nil {
		return nil, fmt.Errorf("transit: read config: %w", err)
	}
	c := &engineConfig{}
	if e != nil {
		if err := json.Unmarshal(e.Value, c); err != nil {
			return nil, fmt.Errorf("%w: config/keys: %v", ErrCorrupt, err)
		}
	}
	s.cur.Store(c)
	return c, nil
}

func (b *Backend) engineConfigPath() *framework.Path {
	return &framework.Path{
		Pattern: "config/keys",
		Fields:  map[string]*framework.FieldSchema{"disable_upsert": {Type: framework.TypeBool}},
		Operations: map[logical.Operation]framework.OperationFunc{
			logical.ReadOperation:   b.engineConfigRead,
			logical.UpdateOperation: b.engineConfigWrite,
		},
		HelpSynopsis: "Engine-wide key settings: whether encrypt/ may create missing keys.",
	}
}

func (b *Backend) engineConfigRead(ctx context.Context, _ *logical.Request, _ *framework.FieldData) (*logical.Response, error) {
	c, err := b.cfg.get(ctx)
	if err != nil {
		return nil, err
	}
	return &logical.Response{Data: map[string]any{"disable_upsert": c.DisableUpsert}}, nil
}

func (b *Backend) engineConfigWrite(ctx context.Context, _ *logical.Request, d *framework.FieldData) (*logical.Response, error) {
	b.cfg.mu.Lock()
	defer b.cfg.mu.Unlock()
	cur, err := b.cfg.getLocked(ctx)
	if err != nil {
		return nil, err
	}
	next := *cur
	if v, ok := d.GetOk("disable_upsert"); ok {
		next.DisableUpsert = v.(bool)
	}
	enc, err := json.Marshal(&next)
	if err != nil {
		return nil, err
	}
	if err := b.view.Put(ctx, &storage.Entry{Key: engineConfigKey, Value: enc}); err != nil {
		return nil, fmt.Errorf("transit: write config: %w", err)
	}
	b.cfg.cur.Store(&next)
	return &logical.Response{Data: map[string]any{"disable_upsert": next.DisableUpsert}}, nil
}
