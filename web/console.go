package web

import (
	"fmt"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/store"
)

// campaignRow is one campaign on the live dashboard.
type campaignRow struct {
	C       store.Campaign
	N       store.CampaignCounters
	Denied  map[string]int
	ETA     string // "" when not running or not yet known
	Percent int
}

// dashboardData is the console's live part: the campaigns and their sums.
type dashboardData struct {
	Rows     []campaignRow
	InFlight int
	Outcomes map[string]int
	Denied   map[string]int
}

type consoleData struct {
	Dashboard dashboardData
	Scripts   []string // campaign scripts, as POST /campaigns names them
	Outcomes  []string
}

func (h *Handler) console(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	dash, err := h.dashboardData(r)
	if err != nil {
		return err
	}
	d := consoleData{Dashboard: dash, Outcomes: outcomes}
	names, err := h.scriptNames()
	if err != nil {
		return err
	}
	for _, n := range names {
		d.Scripts = append(d.Scripts, filepath.ToSlash(filepath.Join(h.c.ScriptsDir, n+".yaml")))
	}
	h.render(w, http.StatusOK, "console", view{Title: "Пульт", P: p, Nav: "console", Data: d})
	return nil
}

// dashboard is the live part alone: the page's script swaps it in when
// events arrive.
func (h *Handler) dashboard(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	dash, err := h.dashboardData(r)
	if err != nil {
		return err
	}
	h.renderAs(w, http.StatusOK, "console", "dashboard", view{P: p, Data: consoleData{Dashboard: dash}})
	return nil
}

// maxDashboard bounds the campaigns the dashboard lists (newest first).
const maxDashboard = 30

func (h *Handler) dashboardData(r *http.Request) (dashboardData, error) {
	ctx := r.Context()
	list, err := h.c.Store.Campaigns(ctx, "")
	if err != nil {
		return dashboardData{}, err
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].CreatedAt.After(list[j].CreatedAt) })
	if len(list) > maxDashboard {
		list = list[:maxDashboard]
	}
	d := dashboardData{Outcomes: map[string]int{}, Denied: map[string]int{}}
	now := h.clk.Now()
	for _, c := range list {
		n, err := h.c.Store.CampaignCountersOf(ctx, c.ID)
		if err != nil {
			return dashboardData{}, err
		}
		ds, err := h.c.Store.CampaignDenials(ctx, c.ID)
		if err != nil {
			return dashboardData{}, err
		}
		denied := map[string]int{} // by the guard's reasons, as "window,limit_day"
		for _, d := range ds {
			denied[strings.Join(d.Reasons, ",")] += d.Count
		}
		row := campaignRow{C: c, N: n, Denied: denied, ETA: eta(c, n, now)}
		if n.Tasks > 0 {
			row.Percent = 100 * n.Finished / n.Tasks
		}
		d.Rows = append(d.Rows, row)
		d.InFlight += n.InFlight
		for k, v := range n.Outcomes {
			d.Outcomes[k] += v
		}
		for k, v := range denied {
			d.Denied[k] += v
		}
	}
	return d, nil
}

// eta estimates when an active campaign ends at the pace it has had since
// it was created (tasks finished per second): a guess, said as one.
func eta(c store.Campaign, n store.CampaignCounters, now time.Time) string {
	left := n.Tasks - n.Finished
	elapsed := now.Sub(c.CreatedAt)
	if c.State != store.CampaignActive || left <= 0 || n.Finished == 0 || elapsed <= 0 {
		return ""
	}
	d := time.Duration(float64(elapsed) / float64(n.Finished) * float64(left)).Round(time.Minute)
	if d < time.Minute {
		return "меньше минуты"
	}
	if d < time.Hour {
		return fmt.Sprintf("≈ %d мин", int(d.Minutes()))
	}
	return fmt.Sprintf("≈ %d ч %d мин", int(d.Hours()), int(d.Minutes())%60)
}

func (h *Handler) quarantine(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	sts, err := h.c.Store.PhoneStatuses(r.Context(), store.PhoneQuarantined, "")
	if err != nil {
		return err
	}
	h.render(w, http.StatusOK, "quarantine", view{Title: "Карантин номеров", P: p, Nav: "quarantine", Data: sts})
	return nil
}
