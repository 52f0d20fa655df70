package admin

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"time"
)

// web holds the page's template, script and style.
//
//go:embed web
var web embed.FS

// pageFuncs are the template's helpers.
var pageFuncs = template.FuncMap{
	"duration": func(seconds float64) string {
		return (time.Duration(seconds) * time.Second).String()
	},
}

// pageData is what the page's template renders.
type pageData struct {
	Status  Status
	Players []Player
	// MapID is the map the live map shows first: the busiest one.
	MapID uint32
	// MaxText and MaxName are the inputs' limits (MaxBroadcastLen,
	// MaxNameLen).
	MaxText, MaxName int
}

func (h *Handler) handlePage(w http.ResponseWriter, r *http.Request) {
	d := pageData{Status: h.p.Status(), Players: h.p.Players(), MaxText: MaxBroadcastLen, MaxName: MaxNameLen}
	best := -1
	for _, m := range d.Status.Maps {
		if m.Players > best {
			d.MapID, best = m.ID, m.Players
		}
	}
	var buf bytes.Buffer
	if err := h.page.Execute(&buf, d); err != nil {
		h.log.Error("admin page", "err", err)
		http.Error(w, fmt.Sprintf("rendering the page: %v", err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'")
	_, _ = buf.WriteTo(w)
}
