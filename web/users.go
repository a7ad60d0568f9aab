package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/dozvon/dozvon/auth"
	"github.com/dozvon/dozvon/store"
)

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
