package callbacks_test

import (
	"path/filepath"
	"testing"

	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/store"
)

// publishedForTests stands in for the event hub: it keeps what is published.
type publishedForTests chan events.Envelope

func (p publishedForTests) Publish(e events.Envelope) { p <- e }

func openStore(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(t.Context(), "sqlite:"+filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
