package account

import (
	"github.com/coserver/coserver/server"
)

// handleConnect takes the client's MsgConnect to the account server: it
// arrives after the accept, before the client goes to the game server. There
// is nothing more to say; close the connection as CoEmu does.
func (ss *session) handleConnect(_ []byte) error {
	return server.Kick(server.ReasonDone, errLoginDone)
}
