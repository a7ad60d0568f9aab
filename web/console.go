package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
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

// scriptName is a script's name as the API's routes take it.
var scriptName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)

// scriptNames lists the scripts directory's YAML files by name.
func (h *Handler) scriptNames() ([]string, error) {
	if h.c.ScriptsDir == "" {
		return nil, nil
	}
	files, err := filepath.Glob(filepath.Join(h.c.ScriptsDir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, f := range files {
		if n := strings.TrimSuffix(filepath.Base(f), ".yaml"); scriptName.MatchString(n) {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

func (h *Handler) scriptList(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if h.c.ScriptsDir == "" {
		return errNotFound
	}
	names, err := h.scriptNames()
	if err != nil {
		return err
	}
	h.render(w, http.StatusOK, "scripts", view{Title: "Сценарии", P: p, Nav: "scripts", Data: names})
	return nil
}

type editorData struct {
	Name, Text string
	New        bool
}

func (h *Handler) scriptEditor(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	name := r.PathValue("name")
	if h.c.ScriptsDir == "" || !scriptName.MatchString(name) {
		return errNotFound
	}
	d := editorData{Name: name}
	b, err := os.ReadFile(filepath.Join(h.c.ScriptsDir, name+".yaml"))
	switch {
	case errors.Is(err, os.ErrNotExist):
		d.New = true // a new script: published by its first PUT
	case err != nil:
		return err
	}
	d.Text = string(b)
	h.render(w, http.StatusOK, "script", view{Title: "Сценарий " + name, P: p, Nav: "scripts", Data: d})
	return nil
}

// userRow is a user with their tokens.
type userRow struct {
	U      store.User
	Tokens []auth.Token
}

func (h *Handler) users(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if h.c.Users == nil {
		return errNotFound
	}
	us, err := h.c.Users.ListUsers(r.Context())
	if err != nil {
		return err
	}
	rows := make([]userRow, len(us))
	for i, u := range us {
		rows[i].U = u
		if rows[i].Tokens, err = h.c.Users.ListTokens(r.Context(), u.Login); err != nil {
			return err
		}
	}
	h.render(w, http.StatusOK, "users", view{Title: "Пользователи и токены", P: p, Nav: "users", Data: rows})
	return nil
}

// readJSON decodes a page action's small JSON body.
func readJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &httpError{http.StatusBadRequest, "тело запроса: " + err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return &httpError{http.StatusBadRequest, "тело запроса: один объект JSON"}
	}
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // the status is sent; a client gone has nothing left to tell
}

func (h *Handler) addUser(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	if h.c.Users == nil {
		return errNotFound
	}
	var req struct {
		Login, Role, Password string
		Recordings            bool
	}
	if err := readJSON(w, r, &req); err != nil {
		return err
	}
	role, err := auth.ParseRole(req.Role)
	if err != nil {
		return &httpError{http.StatusUnprocessableEntity, err.Error()}
	}
	id, err := h.c.Users.AddUser(r.Context(), req.Login, role, req.Password, req.Recordings)
	if err != nil {
		return &httpError{http.StatusUnprocessableEntity, err.Error()}
	}
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "login": req.Login, "role": role})
	return nil
}

func (h *Handler) disableUser(w http.ResponseWriter, r *http.Request, p auth.Principal) error {
	if h.c.Users == nil {
		return errNotFound
	}
	login := r.PathValue("login")
	if login == p.Login {
		return &httpError{http.StatusUnprocessableEntity, "нельзя отключить себя"}
	}
	if err := h.c.Users.DisableUser(r.Context(), login); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// maxTokenDays bounds a token's life: a leaked token expires within a year.
const maxTokenDays = 366

func (h *Handler) createToken(w http.ResponseWriter, r *http.Request, _ auth.Principal) error {
	if h.c.Users == nil {
		return errNotFound
	}
	var req struct {
		Name string
		Days int
	}
	if err := readJSON(w, r, &req); err != nil {
		return err
	}
	if req.Days < 1 || req.Days > maxTokenDays {
		return &httpError{http.StatusUnprocessableEntity, fmt.Sprintf("срок: от 1 до %d дней", maxTokenDays)}
	}
	secret, t, err := h.c.Users.CreateToken(r.Context(), r.PathValue("login"), req.Name, time.Duration(req.Days)*24*time.Hour)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return errNotFound
		}
		return &httpError{http.StatusUnprocessableEntity, err.Error()}
	}
	// the only time the secret is shown: the page displays it once
	writeJSON(w, http.StatusCreated, map[string]any{"token": secret, "id": t.ID, "expires_at": t.ExpiresAt})
	return nil
}
