package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/coserver/coserver/content"
	"github.com/coserver/coserver/itemfile"
	"github.com/coserver/coserver/script"
)

// loadContent reads, checks and compiles the content pack. w, when not nil,
// checks it against the running world's maps too.
func (a *App) loadContent(w content.World) (*content.Pack, *script.Library, error) {
	fsys, where := content.Default(), "built-in content"
	if dir := a.cfg.Game.ContentDir; dir != "" {
		dir = filepath.Clean(dir)
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return nil, nil, fmt.Errorf("-content-dir %s: not a readable folder", dir)
		}
		fsys, where = os.DirFS(dir), dir
	}
	pack, err := content.Load(fsys)
	if err == nil && w != nil {
		err = pack.Check(w)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("content pack %s:\n%w", where, err)
	}
	if dir := a.cfg.Game.ClientDir; dir != "" {
		a.mergeClientItems(pack, filepath.Clean(dir))
	}
	lib, err := script.Compile(pack.Scripts)
	if err != nil {
		return nil, nil, fmt.Errorf("content pack %s: scripts:\n%w", where, err)
	}
	a.log.Info("content pack loaded", "from", where, "npcs", len(pack.NPCs), "portals", len(pack.Portals),
		"scripts", len(pack.Scripts))
	return pack, lib, nil
}

// errNoGame refuses a content reload in a process without a game server.
var errNoGame = errors.New("no game server in this process")

// ReloadContent loads the content pack again and hands it to the game
// server's maps when it passes every check; otherwise the running pack stays
// and the error says why (file:line for each problem).
func (a *App) ReloadContent() error {
	if a.gameSvc == nil {
		return errNoGame
	}
	pack, lib, err := a.loadContent(a.gameSvc.World())
	if err == nil {
		err = a.gameSvc.Reload(pack, lib)
	}
	if err != nil {
		a.log.Error("content reload refused; the running content stays", "err", err)
		return err
	}
	a.log.Info("content reloaded")
	return nil
}

// mergeClientItems gives the pack's item types the names of the client's
// ini/itemtype.dat, when it can be read, and logs where the client's files
// and the pack disagree. The pack stays the source of every number.
func (a *App) mergeClientItems(pack *content.Pack, dir string) {
	fsys := os.DirFS(dir)
	types, err := itemfile.ReadItemTypes(fsys)
	if err != nil {
		a.log.Warn("client item types not read: the pack's names are used", "dir", dir, "err", err)
		return
	}
	var rep itemfile.MergeReport
	pack.Items, rep = itemfile.MergeNames(pack.Items, types.Types)
	a.log.Info("client item names merged", "form", types.Form, "client_types", len(types.Types),
		"renamed", rep.Renamed, "missing_in_client", len(rep.Missing), "bad_names", len(rep.BadNames))
	if len(rep.Missing) > 0 {
		a.log.Warn("item types the client does not know: it draws no picture for them", "types", rep.Missing)
	}
	if shops, err := itemfile.ReadShops(fsys); err == nil {
		if diff := itemfile.CompareShops(pack.Shops, shops); len(diff) > 0 {
			a.log.Warn("the client's Shop.dat and the pack's shops differ", "shops", len(diff))
		}
	}
}
