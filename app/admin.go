package app

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/coserver/coserver/admin"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/mapdata"
	"github.com/coserver/coserver/realm"
	"github.com/coserver/coserver/store"
)

// adminProcess is the App as the admin page sees it (admin.Process).
type adminProcess struct{ a *App }

var _ admin.Process = adminProcess{}

func (p adminProcess) Status() admin.Status {
	a := p.a
	s := admin.Status{Version: buildVersion(), Started: a.started, Uptime: time.Since(a.started).Seconds(),
		AccountServer: a.acctSvc != nil, GameServer: a.gameSvc != nil, Online: a.Online(),
		LoginsWaiting: a.LoginsWaiting()}
	if a.acctSvc != nil {
		s.LoginsAccepted = a.acctSvc.Accepted()
		s.Maintenance = a.acctSvc.Maintenance()
	}
	for _, r := range a.Realms() {
		s.Realms = append(s.Realms, admin.Realm{Name: r.Realm, Host: r.Host, Port: r.Port, Online: r.Online,
			MaxPlayers: r.MaxPlayers, PID: r.PID})
	}
	if a.gameSvc != nil {
		count := make(map[uint32]int)
		for _, pl := range a.gameSvc.Players() {
			count[pl.Map]++
		}
		for _, m := range a.gameSvc.Maps() {
			s.Maps = append(s.Maps, admin.Map{ID: m.ID, Name: m.Name, Width: m.Width, Height: m.Height, Players: count[m.ID]})
		}
	}
	return s
}

// players converts the game server's list.
func players(in []game.PlayerInfo) []admin.Player {
	out := make([]admin.Player, 0, len(in))
	for _, p := range in {
		out = append(out, admin.Player{Name: p.Name, Account: p.Account, Map: p.Map, X: p.X, Y: p.Y,
			Level: int(p.Level), IP: p.IP.String()})
	}
	return out
}

func (p adminProcess) Players() []admin.Player {
	if p.a.gameSvc == nil {
		return nil
	}
	return players(p.a.gameSvc.Players())
}

// errNoAccount refuses what needs the account server in a game-server
// process.
var errNoAccount = errors.New("no account server in this process")

func (p adminProcess) Kick(name string) (bool, error) {
	a := p.a
	if a.gameSvc == nil && a.node == nil {
		return false, fmt.Errorf("kick: %w: %w", admin.ErrUnavailable, errNoGame)
	}
	if a.gameSvc != nil && a.gameSvc.Kick(name) {
		return true, nil
	}
	n, err := a.remoteKick(name, 0, realm.ReasonKick)
	return n > 0, err
}

// storeError marks a store's not-found for the admin.
func storeError(what string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%s: %w: %w", what, admin.ErrNotFound, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

func (p adminProcess) Ban(ctx context.Context, account string) (bool, error) {
	a := p.a
	db := a.db
	if err := db.SetStatus(ctx, account, store.StatusBanned); err != nil {
		return false, storeError("ban", err)
	}
	if a.gameSvc == nil && a.node == nil {
		return false, nil // the game server runs in another process: it refuses the next login
	}
	acc, err := db.AccountByName(ctx, account)
	if err != nil {
		return false, storeError("ban", err)
	}
	if a.gameSvc != nil && a.gameSvc.KickAccount(acc.ID) {
		return true, nil
	}
	n, err := a.remoteKick("", acc.ID, realm.ReasonBan)
	return n > 0, err
}

func (p adminProcess) Unban(ctx context.Context, account string) error {
	if err := p.a.db.SetStatus(ctx, account, store.StatusActive); err != nil {
		return storeError("unban", err)
	}
	return nil
}

func (p adminProcess) Unlock(account string) (int, error) {
	if p.a.acctSvc == nil {
		return 0, fmt.Errorf("unlock: %w: %w", admin.ErrUnavailable, errNoAccount)
	}
	return p.a.acctSvc.Unlock(account), nil
}

func (p adminProcess) Broadcast(text string) (int, error) {
	a := p.a
	if a.gameSvc == nil && a.node == nil {
		return 0, fmt.Errorf("broadcast: %w: %w", admin.ErrUnavailable, errNoGame)
	}
	if text == "" || len(text) > realm.MaxTextLen {
		return 0, fmt.Errorf("%w: %w (got %d)", admin.ErrInvalid, game.ErrBadBroadcast, len(text))
	}
	n := 0
	if a.gameSvc != nil {
		local, err := a.gameSvc.Broadcast(text)
		if err != nil {
			return 0, err
		}
		n = local
	}
	if a.node != nil {
		ctx, cancel := context.WithTimeout(context.Background(), realmRequestTimeout)
		defer cancel()
		remote, err := a.node.Broadcast(ctx, text)
		if err != nil {
			return n, fmt.Errorf("broadcast to the other realms: %w", err)
		}
		n += remote
	}
	return n, nil
}

func (p adminProcess) SetMaintenance(on bool) error {
	if p.a.acctSvc == nil {
		return fmt.Errorf("maintenance: %w: %w", admin.ErrUnavailable, errNoAccount)
	}
	p.a.acctSvc.SetMaintenance(on)
	return nil
}

func (p adminProcess) ReloadContent() error {
	if p.a.gameSvc == nil {
		return fmt.Errorf("reload: %w: %w", admin.ErrUnavailable, errNoGame)
	}
	return p.a.ReloadContent()
}

func (p adminProcess) MapPlayers(id uint32) ([]admin.Player, bool) {
	if p.a.gameSvc == nil || p.a.gameSvc.MapFloor(id) == nil {
		return nil, false
	}
	return players(p.a.gameSvc.MapPlayers(id)), true
}

func (p adminProcess) MapFloor(id uint32) *mapdata.Floor {
	if p.a.gameSvc == nil {
		return nil
	}
	return p.a.gameSvc.MapFloor(id)
}

// buildVersion returns the module version and VCS revision the binary was
// built from, as far as the build recorded them.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	v := bi.Main.Version
	for _, s := range bi.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
		if s.Key == "vcs.modified" && s.Value == "true" {
			v += " (modified)"
		}
	}
	return v
}
