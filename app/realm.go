package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coserver/coserver/account"
	"github.com/coserver/coserver/game"
	"github.com/coserver/coserver/names"
	"github.com/coserver/coserver/realm"
)

// realmRequestTimeout bounds an operator's kick, ban or broadcast sent to
// the other realms.
const realmRequestTimeout = 3 * time.Second

// connectRealm joins the processes on NATS (-nats): a game server claims
// its realm name there, and every process follows the realms' directory.
func (a *App) connectRealm(ctx context.Context, role Role) error {
	rc := a.cfg.Realm
	name := ""
	if role != RoleAccount {
		if rc.Name == "" {
			return errors.New("-nats: a game server needs -realm, the server name its clients pick")
		}
		name = rc.Name
	}
	node, err := realm.Connect(ctx, realm.Options{URL: rc.NATS, Name: name, Interval: rc.AnnounceInterval,
		Logger: a.log.With("server", "realm"), Registerer: a.reg})
	if err != nil {
		return err
	}
	a.node = node
	if name == "" {
		return nil
	}
	if err := node.Claim(ctx); err != nil {
		return fmt.Errorf("game server: %w", err)
	}
	a.log.Info("realm claimed on NATS", "realm", name, "instance", node.Instance())
	return nil
}

// realmLockName is the database lock of realm name: with realms the
// database is shared by several game servers, one per realm, so the lock
// that keeps a second process off is per realm (a lower-case word: each
// byte of the name's key as two letters a–p).
func realmLockName(name string) string {
	key := names.Key(name)
	b := make([]byte, 0, len("realm")+2*len(key))
	b = append(b, "realm"...)
	for i := 0; i < len(key); i++ {
		b = append(b, 'a'+key[i]>>4, 'a'+key[i]&0x0f)
	}
	return string(b)
}

// serveRealm starts announcing the realm at host:port and answering the
// other processes' requests.
func (a *App) serveRealm(host string, port uint32) error {
	self := func() realm.Announce {
		return realm.Announce{Host: host, Port: int(port), Online: a.gameSvc.Online(), MaxPlayers: a.cfg.Game.MaxPlayers}
	}
	if err := a.node.Serve(self, realmHandlers{a.gameSvc}); err != nil {
		return fmt.Errorf("game server: %w", err)
	}
	a.log.Info("realm announced on NATS", "realm", a.cfg.Realm.Name, "host", host, "port", port,
		"interval", a.cfg.Realm.AnnounceInterval)
	return nil
}

// claimLogin is game.Config.ClaimLogin over NATS.
func (a *App) claimLogin(ctx context.Context, accountID int64) error {
	n, err := a.node.ClaimLogin(ctx, accountID)
	if err != nil {
		return err
	}
	if n > 0 {
		a.log.Info("account's session on another realm disconnected", "account_id", accountID)
	}
	return nil
}

// route is account.Config.Realm over the directory.
func (a *App) route(name string) (account.Route, bool) {
	r, ok := a.node.Lookup(name)
	if !ok {
		return account.Route{}, false
	}
	return account.Route{Host: r.Host, Port: uint32(r.Port), Full: r.Full()}, true
}

// realmHandlers answers the other processes with the game server.
type realmHandlers struct{ g *game.Server }

func (h realmHandlers) ReleaseAccount(ctx context.Context, id int64) int {
	return h.g.ReleaseAccount(ctx, id)
}

func (h realmHandlers) Kick(k realm.Kick) int {
	ok := false
	if k.Character != "" {
		ok = h.g.Kick(k.Character)
	} else {
		ok = h.g.KickAccount(k.AccountID)
	}
	if ok {
		return 1
	}
	return 0
}

func (h realmHandlers) Broadcast(sender, text string) int { return h.g.Relayed(sender, text) }

// remoteKick disconnects name, or account id, on the other realms.
func (a *App) remoteKick(name string, id int64, reason string) (int, error) {
	if a.node == nil || len(name) > realm.MaxCharacterLen {
		return 0, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), realmRequestTimeout)
	defer cancel()
	n, err := a.node.Kick(ctx, name, id, reason)
	if err != nil {
		return 0, fmt.Errorf("%s on the other realms: %w", reason, err)
	}
	return n, nil
}

// Realms returns the realms alive in this process's directory, sorted by
// name; nil without -nats.
func (a *App) Realms() []realm.Announce {
	if a.node == nil {
		return nil
	}
	return a.node.Realms()
}
