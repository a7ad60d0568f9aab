package scheduler

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strings"
	"time"

	"github.com/dozvon/dozvon/phonenum"
	"github.com/dozvon/dozvon/portfolio"
	"github.com/dozvon/dozvon/store"
)

// PortfolioCampaign is a campaign made from an imported portfolio.
type PortfolioCampaign struct {
	ID      string
	Tasks   int            // tasks added now (one per phone; only new ones when resumed)
	Debtors []store.Debtor // the portfolio's debtors as the store keeps them
}

// CampaignFromPortfolio creates the campaign that sweeps debtors (read from
// source) with cfg: one task per debtor phone, due from start. The same
// script, source and debtors make the same campaign ID, so running a sweep
// again after an interruption resumes it and adds only new tasks.
func CampaignFromPortfolio(ctx context.Context, st CampaignStore, cfg Config, source string, debtors []portfolio.Debtor, start time.Time) (PortfolioCampaign, error) {
	h := sha256.New()
	fmt.Fprintln(h, cfg.Script, source)
	for _, d := range debtors {
		fmt.Fprintln(h, d.ID, strings.Join(phonenum.Strings(d.Phones), ","))
	}
	pc := PortfolioCampaign{ID: fmt.Sprintf("sweep-%x", h.Sum(nil)[:6]), Debtors: make([]store.Debtor, len(debtors))}
	for i, d := range debtors {
		pc.Debtors[i] = store.Debtor{ID: d.ID, Name: d.Name, Region: d.Region, Phones: phonenum.Strings(d.Phones)}
	}
	n, err := CreateCampaign(ctx, st, pc.ID, "sweep of "+source, cfg, pc.Debtors, start)
	if err != nil {
		return pc, err
	}
	pc.Tasks = n
	return pc, nil
}
