package api

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/events"
	"github.com/dozvon/dozvon/scheduler"
	"github.com/dozvon/dozvon/store"
)

// CampaignStore is what the campaign routes read and write; *store.DB
// implements it.
type CampaignStore interface {
	scheduler.CampaignStore
	ListDebtors(ctx context.Context, f store.DebtorFilter) ([]store.DebtorView, string, error)
	DebtorFor(ctx context.Context, id, collector string) (store.DebtorView, error)
	Campaign(ctx context.Context, id string) (store.Campaign, error)
	Campaigns(ctx context.Context, state string) ([]store.Campaign, error)
	CampaignCountersOf(ctx context.Context, id string) (store.CampaignCounters, error)
	SetCampaignState(ctx context.Context, id string, from []string, to string) (store.Campaign, error)
	MarkCampaignDone(ctx context.Context, id string) (bool, error)
}

// campaignStore is the configured CampaignStore: Config.Campaigns, else
// the API's Store when it is one (*store.DB is both), else nil (404).
func (s *Server) campaignStore() CampaignStore {
	if s.c.Campaigns != nil {
		return s.c.Campaigns
	}
	cs, _ := s.c.Store.(CampaignStore)
	return cs
}

// maxSelected bounds the debtors one campaign may take, by ids or by a
// selection: a campaign's tasks are written in one request.
const maxSelected = 100_000

// campaignRequest is the body of POST /campaigns: the debtors as ids or as
// a selection (one of the two), and the scheduler's settings.
type campaignRequest struct {
	Name      string              `json:"name"`
	Script    string              `json:"script"`
	Debtors   []string            `json:"debtors"`
	Selection *debtorSelection    `json:"selection"`
	Channels  int                 `json:"channels"`
	Priority  int                 `json:"priority"`
	NonHuman  json.RawMessage     `json:"non_human"`
	Schedule  *scheduler.Schedule `json:"schedule"`
}

// debtorSelection picks debtors by the filters of GET /debtors.
type debtorSelection struct {
	Region    string `json:"region"`
	Outcome   string `json:"outcome"`
	Collector string `json:"collector"`
}

// Campaign is a campaign in the API's answers.
type Campaign struct {
	ID        string             `json:"id"`
	Name      string             `json:"name"`
	State     string             `json:"state"`
	Script    string             `json:"script"`
	Priority  int                `json:"priority"`
	Channels  int                `json:"channels,omitempty"`
	Schedule  scheduler.Schedule `json:"schedule"`
	NonHuman  json.RawMessage    `json:"non_human,omitempty"`
	CreatedAt time.Time          `json:"created_at"`
	Counters  CampaignCounters   `json:"counters"`
}

// CampaignCounters is a campaign's live progress, from its tasks; the
// stream's campaign.progress carries the same.
type CampaignCounters = events.CampaignCounters

func (s *Server) createCampaign(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	cs := s.campaignStore()
	if cs == nil {
		return errNotFound
	}
	var req campaignRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	cfg, err := s.campaignConfig(req)
	if err != nil {
		return err
	}
	debtors, err := selectDebtors(r.Context(), cs, req, scope(p))
	if err != nil {
		return err
	}
	if !anyPhone(debtors) {
		// a campaign with no task would never be dialled nor be done
		return invalid("the debtors have no phone to call", "debtors")
	}
	id := "c-" + rand.Text()[:16]
	name := req.Name
	if name == "" {
		name = id
	}
	if p.Role == auth.Collector {
		name = p.Login + ": " + name // a collector's campaign is under their name
	}
	if _, err := scheduler.CreateCampaign(r.Context(), cs, id, name, cfg, debtors, s.clk.Now()); err != nil {
		return err
	}
	c, err := s.campaignOut(r.Context(), cs, id)
	if err != nil {
		return err
	}
	s.log.Info("campaign created", "campaign", id, "debtors", len(debtors), "tasks", c.Counters.Tasks)
	writeJSON(w, http.StatusCreated, c)
	return nil
}

// campaignConfig checks a request's settings field by field and returns
// the scheduler's config.
func (s *Server) campaignConfig(req campaignRequest) (scheduler.Config, error) {
	switch {
	case req.Script == "":
		return scheduler.Config{}, invalid("a script is required", "script")
	case !filepath.IsLocal(req.Script):
		// a client names a script of the service, never any file of the host
		return scheduler.Config{}, invalid("the script must be a path inside the service's directory", "script")
	case req.Priority < 0:
		return scheduler.Config{}, invalid("priority must be at least 1 (0: the default, 1)", "priority")
	case req.Channels < 0:
		return scheduler.Config{}, invalid("channels must not be negative (0: the service's limit)", "channels")
	case len(req.Debtors) == 0 && req.Selection == nil:
		return scheduler.Config{}, invalid("name the debtors (ids) or a selection", "debtors")
	case len(req.Debtors) > 0 && req.Selection != nil:
		return scheduler.Config{}, invalid("give debtors or a selection, not both", "selection")
	case len(req.Debtors) > maxSelected:
		return scheduler.Config{}, invalid(fmt.Sprintf("at most %d debtors per campaign", maxSelected), "debtors")
	}
	cfg := scheduler.Config{Script: filepath.Join(s.c.CampaignRoot, req.Script), Channels: req.Channels, Priority: req.Priority}
	if req.Schedule != nil {
		cfg.Schedule = *req.Schedule
	}
	if _, _, err := scheduler.ScheduleAt(cfg.Schedule, s.clk.Now()); err != nil {
		return scheduler.Config{}, invalid(err.Error(), "schedule")
	}
	if err := cfg.Validate(); err != nil {
		return scheduler.Config{}, invalid(err.Error(), "")
	}
	if s.c.CheckCampaign == nil {
		cfg.NonHuman = req.NonHuman
		return cfg, nil
	}
	// The dialer's check covers the script and the non-human reaction in
	// one call: asked first without the reaction, its error is the script's.
	if err := s.c.CheckCampaign(cfg); err != nil {
		var e *Error
		if errors.As(err, &e) {
			return scheduler.Config{}, e // the service's own refusal (not configured for campaigns)
		}
		return scheduler.Config{}, invalid(err.Error(), "script")
	}
	cfg.NonHuman = req.NonHuman
	if err := s.c.CheckCampaign(cfg); err != nil {
		return scheduler.Config{}, invalid(err.Error(), "non_human")
	}
	return cfg, nil
}

// selectDebtors resolves a request's debtors (ids, each of which must
// exist, or a selection) to the debtors and phones the campaign dials.
// collector (a collector's login) scopes both in the store's query: another
// collector's debtor is "no debtor", as one that does not exist.
func selectDebtors(ctx context.Context, cs CampaignStore, req campaignRequest, collector string) ([]store.Debtor, error) {
	var out []store.Debtor
	add := func(d store.DebtorView) { out = append(out, store.Debtor{ID: d.ID, Phones: d.Phones}) }
	if req.Selection == nil {
		seen := map[string]bool{}
		for i, id := range req.Debtors {
			if seen[id] {
				continue
			}
			seen[id] = true
			d, err := cs.DebtorFor(ctx, id, collector)
			if errors.Is(err, store.ErrNotFound) {
				return nil, invalid(fmt.Sprintf("no debtor %q", id), fmt.Sprintf("debtors[%d]", i))
			}
			if err != nil {
				return nil, err
			}
			add(d)
		}
		return out, nil
	}
	sel := req.Selection
	f := store.DebtorFilter{Region: sel.Region, Outcome: sel.Outcome, Collector: sel.Collector, Limit: 1000}
	if collector != "" {
		f.Collector = collector
	}
	for {
		page, next, err := cs.ListDebtors(ctx, f)
		if err != nil {
			return nil, err
		}
		for _, d := range page {
			add(d)
		}
		if len(out) > maxSelected {
			return nil, invalid(fmt.Sprintf("the selection holds more than %d debtors: narrow it", maxSelected), "selection")
		}
		if next == "" {
			break
		}
		f.After = next
	}
	if len(out) == 0 {
		return nil, invalid("no debtor matches the selection", "selection")
	}
	return out, nil
}

func (s *Server) listCampaigns(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	cs := s.campaignStore()
	if cs == nil {
		return errNotFound
	}
	q, limit, err := listQuery(r)
	if err != nil {
		return err
	}
	list, err := cs.Campaigns(r.Context(), q.Get("state"))
	if err != nil {
		return err
	}
	// Paged here: an agency has hundreds of campaigns, not millions, and
	// what a page bounds is the counting of each campaign's tasks.
	if after := q.Get("cursor"); after != "" {
		i := slices.IndexFunc(list, func(c store.Campaign) bool { return c.ID == after })
		if i < 0 {
			return badRequest("bad_parameter", fmt.Sprintf("cursor %q: no such campaign (want the next_cursor of the previous page)", after), "cursor")
		}
		list = list[i+1:]
	}
	next := ""
	if len(list) > limit {
		list = list[:limit]
		next = list[limit-1].ID
	}
	out := make([]Campaign, 0, len(list))
	for _, c := range list {
		counters, err := cs.CampaignCountersOf(r.Context(), c.ID)
		if err != nil {
			return err
		}
		out = append(out, campaignView(c, counters))
	}
	writeJSON(w, http.StatusOK, map[string]any{"campaigns": out, "next_cursor": next})
	return nil
}

func (s *Server) getCampaign(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	cs := s.campaignStore()
	if cs == nil {
		return errNotFound
	}
	c, err := s.campaignOut(r.Context(), cs, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// The state changes an operator may ask for: from which states, to which.
var (
	pauseCampaign  = stateChange{from: []string{store.CampaignActive}, to: store.CampaignPaused}
	resumeCampaign = stateChange{from: []string{store.CampaignPaused}, to: store.CampaignActive}
	stopCampaign   = stateChange{from: []string{store.CampaignActive, store.CampaignPaused}, to: store.CampaignStopped}
)

type stateChange struct {
	from []string
	to   string
}

// handler moves the campaign of the path: 409 when its state does not
// allow the change. Paused and stopped campaigns are not leased by the
// scheduler (it runs active ones only); calls in flight end as they would.
func (sc stateChange) handler(s *Server) handler {
	return func(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
		cs := s.campaignStore()
		if cs == nil {
			return errNotFound
		}
		id := r.PathValue("id")
		if _, err := cs.SetCampaignState(r.Context(), id, sc.from, sc.to); err != nil {
			if errors.Is(err, store.ErrCampaignState) {
				return &Error{Status: http.StatusConflict, Code: "conflict", Message: err.Error(), Field: "state"}
			}
			return notFound(err)
		}
		if sc.to == store.CampaignActive {
			// its last calls may have ended while it was paused: no task
			// would come to mark it done
			if _, err := cs.MarkCampaignDone(r.Context(), id); err != nil {
				return err
			}
		}
		c, err := s.campaignOut(r.Context(), cs, id)
		if err != nil {
			return err
		}
		s.log.Info("campaign state changed", "campaign", id, "state", c.State)
		writeJSON(w, http.StatusOK, c)
		return nil
	}
}

// campaignOut loads one campaign with its counters (404 when missing).
func (s *Server) campaignOut(ctx context.Context, cs CampaignStore, id string) (Campaign, error) {
	c, err := cs.Campaign(ctx, id)
	if err != nil {
		return Campaign{}, notFound(err)
	}
	counters, err := cs.CampaignCountersOf(ctx, id)
	if err != nil {
		return Campaign{}, err
	}
	return campaignView(c, counters), nil
}

func campaignView(c store.Campaign, n store.CampaignCounters) Campaign {
	out := Campaign{ID: c.ID, Name: c.Name, State: c.State, Priority: c.Priority, CreatedAt: c.CreatedAt.UTC(),
		Counters: events.CountersOf(n)}
	// A config the scheduler cannot read (written by hand) still lists:
	// its settings are left out, the scheduler skips it and says why.
	if cfg, err := scheduler.ParseConfig(c); err == nil {
		out.Script, out.Channels, out.Schedule, out.NonHuman = cfg.Script, cfg.Channels, cfg.Schedule, cfg.NonHuman
	}
	return out
}

func anyPhone(ds []store.Debtor) bool {
	for _, d := range ds {
		if len(d.Phones) > 0 {
			return true
		}
	}
	return false
}
