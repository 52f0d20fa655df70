package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// get admits only GET (and HEAD) requests to f.
func get(f http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, r.Method+" not allowed: use GET")
			return
		}
		f(w, r)
	}
}

// post admits only POST requests to f.
func post(f http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			writeError(w, http.StatusMethodNotAllowed, r.Method+" not allowed: use POST")
			return
		}
		f(w, r)
	}
}

// writeJSON answers v as JSON with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

// apiError is the body of every error answer.
type apiError struct {
	Error string `json:"error"`
}

// writeError answers {"error": text} with status code.
func writeError(w http.ResponseWriter, code int, text string) {
	writeJSON(w, code, apiError{Error: text})
}

// writeFailure answers a Process error with the status its kind calls for.
func writeFailure(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	switch {
	case errors.Is(err, ErrInvalid):
		code = http.StatusBadRequest
	case errors.Is(err, ErrNotFound):
		code = http.StatusNotFound
	case errors.Is(err, ErrUnavailable):
		code = http.StatusConflict
	}
	writeError(w, code, err.Error())
}

// Requests of the POST endpoints.
type (
	nameRequest struct {
		Name string `json:"name"`
	}
	accountRequest struct {
		Account string `json:"account"`
	}
	textRequest struct {
		Text string `json:"text"`
	}
	maintenanceRequest struct {
		On *bool `json:"on"`
	}
)

// decodeBody reads one JSON object of at most MaxBodyBytes from body into v,
// refusing unknown fields and anything after the object.
func decodeBody(body io.Reader, v any) error {
	dec := json.NewDecoder(io.LimitReader(body, MaxBodyBytes+1))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request body: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("request body: more than one JSON value")
	}
	return nil
}

// decode reads r's JSON body into v, answering 400 (or 413) and returning
// false when it is not acceptable.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	if err := decodeBody(r.Body, v); err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes", MaxBodyBytes))
			return false
		}
		writeError(w, http.StatusBadRequest, err.Error())
		return false
	}
	return true
}

// checkName returns an error when a name in a request is empty or too long.
func checkName(field, name string) error {
	if strings.TrimSpace(name) == "" || len(name) > MaxNameLen {
		return fmt.Errorf("%s: want 1 to %d bytes, got %q", field, MaxNameLen, name)
	}
	return nil
}

func (h *Handler) handleStatus(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, h.p.Status())
}

func (h *Handler) handlePlayers(w http.ResponseWriter, r *http.Request) {
	ps := h.p.Players()
	if ps == nil {
		ps = []Player{}
	}
	writeJSON(w, http.StatusOK, ps)
}

// mapView is the answer of GET map/{id}: the map, the URL of its floor and
// the players on it.
type mapView struct {
	ID      uint32   `json:"id"`
	Name    string   `json:"name"`
	Width   int      `json:"width"`
	Height  int      `json:"height"`
	Floor   string   `json:"floor"`
	Players []Player `json:"players"`
}

// mapID parses the {id} of a map path.
func mapID(r *http.Request) (uint32, error) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%w: map id %q is not a number", ErrInvalid, r.PathValue("id"))
	}
	return uint32(id), nil
}

func (h *Handler) handleMap(w http.ResponseWriter, r *http.Request) {
	id, err := mapID(r)
	if err != nil {
		writeFailure(w, err)
		return
	}
	f := h.p.MapFloor(id)
	ps, ok := h.p.MapPlayers(id)
	if f == nil || !ok {
		writeError(w, http.StatusNotFound, fmt.Sprintf("map %d is not loaded", id))
		return
	}
	if ps == nil {
		ps = []Player{}
	}
	v := mapView{ID: id, Width: f.Width(), Height: f.Height(), Floor: fmt.Sprintf("/admin/api/map/%d/floor.png", id),
		Players: ps}
	for _, m := range h.p.Status().Maps {
		if m.ID == id {
			v.Name = m.Name
		}
	}
	writeJSON(w, http.StatusOK, v)
}

func (h *Handler) handleFloor(w http.ResponseWriter, r *http.Request) {
	id, err := mapID(r)
	if err != nil {
		writeFailure(w, err)
		return
	}
	png, err := h.floorPNG(id)
	if err != nil {
		writeFailure(w, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=3600") // a floor never changes while the process runs
	_, _ = w.Write(png)
}

func (h *Handler) handleItems(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if err := checkName("character", name); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	hs, err := h.p.Items(r.Context(), name)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, hs)
}

func (h *Handler) handleKick(w http.ResponseWriter, r *http.Request) {
	var req nameRequest
	if !decode(w, r, &req) {
		return
	}
	if err := checkName("name", req.Name); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ok, err := h.p.Kick(req.Name)
	if err != nil {
		writeFailure(w, err)
		return
	}
	if !ok {
		writeError(w, http.StatusNotFound, req.Name+" is not online")
		return
	}
	h.log.Info("admin: kicked", "character", req.Name, "by", r.RemoteAddr)
	writeJSON(w, http.StatusOK, map[string]any{"name": req.Name, "kicked": true})
}

// decodeAccount reads an accountRequest and checks its name, answering the
// error itself when either fails.
func decodeAccount(w http.ResponseWriter, r *http.Request) (accountRequest, bool) {
	var req accountRequest
	if !decode(w, r, &req) {
		return req, false
	}
	if err := checkName("account", req.Account); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return req, false
	}
	return req, true
}

func (h *Handler) handleBan(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeAccount(w, r)
	if !ok {
		return
	}
	disconnected, err := h.p.Ban(r.Context(), req.Account)
	if err != nil {
		writeFailure(w, err)
		return
	}
	h.log.Info("admin: banned", "account", req.Account, "disconnected", disconnected, "by", r.RemoteAddr)
	writeJSON(w, http.StatusOK, map[string]any{"account": req.Account, "status": "banned", "disconnected": disconnected})
}

func (h *Handler) handleUnban(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeAccount(w, r)
	if !ok {
		return
	}
	if err := h.p.Unban(r.Context(), req.Account); err != nil {
		writeFailure(w, err)
		return
	}
	h.log.Info("admin: unbanned", "account", req.Account, "by", r.RemoteAddr)
	writeJSON(w, http.StatusOK, map[string]any{"account": req.Account, "status": "active"})
}

func (h *Handler) handleUnlock(w http.ResponseWriter, r *http.Request) {
	req, ok := decodeAccount(w, r)
	if !ok {
		return
	}
	n, err := h.p.Unlock(req.Account)
	if err != nil {
		writeFailure(w, err)
		return
	}
	h.log.Info("admin: unlocked", "account", req.Account, "records", n, "by", r.RemoteAddr)
	writeJSON(w, http.StatusOK, map[string]any{"account": req.Account, "cleared": n})
}

func (h *Handler) handleBroadcast(w http.ResponseWriter, r *http.Request) {
	var req textRequest
	if !decode(w, r, &req) {
		return
	}
	if strings.TrimSpace(req.Text) == "" || len(req.Text) > MaxBroadcastLen {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("text: want 1 to %d bytes, got %d", MaxBroadcastLen, len(req.Text)))
		return
	}
	n, err := h.p.Broadcast(req.Text)
	if err != nil {
		writeFailure(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"players": n})
}

func (h *Handler) handleMaintenance(w http.ResponseWriter, r *http.Request) {
	var req maintenanceRequest
	if !decode(w, r, &req) {
		return
	}
	if req.On == nil {
		writeError(w, http.StatusBadRequest, `want {"on": true} or {"on": false}`)
		return
	}
	if err := h.p.SetMaintenance(*req.On); err != nil {
		writeFailure(w, err)
		return
	}
	h.log.Info("admin: maintenance", "on", *req.On, "by", r.RemoteAddr)
	writeJSON(w, http.StatusOK, map[string]any{"maintenance": *req.On})
}

func (h *Handler) handleReload(w http.ResponseWriter, r *http.Request) {
	if err := h.p.ReloadContent(); err != nil {
		if errors.Is(err, ErrUnavailable) {
			writeFailure(w, err)
			return
		}
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"reloaded": true})
}

// handleReloadText is POST /admin/reload-content, answered in plain text as
// before the API existed.
func (h *Handler) handleReloadText(w http.ResponseWriter, r *http.Request) {
	if err := h.p.ReloadContent(); err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	fmt.Fprintln(w, "content reloaded")
}
