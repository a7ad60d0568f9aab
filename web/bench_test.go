package web_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/store"
	"github.com/dozvon/dozvon/web"
)

// collectorForTests authenticates every request as ivanova.
type collectorForTests struct{}

func (collectorForTests) Authenticate(*http.Request) (auth.Principal, error) {
	return auth.Principal{UserID: 1, Login: "ivanova", Role: auth.Collector}, nil
}

// BenchmarkCollectorPage5000: the collector's page over 5,000 of her
// debtors — the first page, a page deep in the list, the address filter
// and the outcome filter (a subquery per debtor) — rendered whole.
//
//	go test ./web -run '^$' -bench CollectorPage5000 -benchtime 20x
func BenchmarkCollectorPage5000(b *testing.B) {
	ctx := b.Context()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	importForTests(b, db, 5000)
	all, _, err := db.ListDebtors(ctx, store.DebtorFilter{Limit: 500})
	if err != nil {
		b.Fatal(err)
	}
	for f := (store.DebtorFilter{Limit: 500}); ; {
		page, next, err := db.ListDebtors(ctx, f)
		if err != nil {
			b.Fatal(err)
		}
		for _, d := range page {
			if err := db.AssignCollector(ctx, d.ID, "ivanova"); err != nil {
				b.Fatal(err)
			}
		}
		if next == "" {
			break
		}
		f.After = next
	}
	h, err := web.New(web.Config{Store: db, Auth: collectorForTests{}})
	if err != nil {
		b.Fatal(err)
	}
	for _, path := range []string{"/app/debtors", "/app/debtors?cursor=" + all[len(all)-1].ID, "/app/debtors?address=" + "%D0%9C%D0%B8%D1%80%D0%B0",
		"/app/debtors?outcome=identified"} {
		b.Run(strings.SplitN(path, "?", 2)[len(strings.SplitN(path, "?", 2))-1], func(b *testing.B) {
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequestWithContext(ctx, "GET", path, nil))
				if rec.Code != 200 {
					b.Fatalf("%s: %d", path, rec.Code)
				}
			}
		})
	}
}
