package game

import (
	"github.com/coserver/coserver/server"
	"github.com/coserver/coserver/wire"
)

// Session states.
const (
	stateConnect    server.State = iota // waiting for MsgConnect with the token
	stateCreate                         // NEW_ROLE sent: waiting for MsgRegister
	stateRegistered                     // character created; the client reconnects or re-sends MsgConnect
	stateLogin                          // ANSWER_OK and MsgUserInfo sent: the login chain (MsgAction)
	stateWorld                          // placed on its map
)

// routes is the game server's packet table: every packet it handles, the
// file that handles it, and the states that accept it.
func (s *Server) routes() {
	s.mux.Handle(wire.TypeConnect, (*session).handleConnect, stateConnect, stateRegistered) // handle_connect.go
	s.mux.Handle(wire.TypeRegister, (*session).handleRegister, stateCreate)                 // handle_register.go
	s.mux.Handle(wire.TypeAction, (*session).handleAction, stateLogin, stateWorld)          // handle_action.go
	s.mux.Handle(wire.TypeWalk, (*session).handleWalk, stateWorld)                          // handle_walk.go
	s.mux.Handle(wire.TypeTalk, (*session).handleTalk, stateLogin, stateWorld)              // handle_talk.go
	s.mux.Handle(wire.TypeNpc, (*session).handleNpc, stateWorld)                            // handle_npc.go
	s.mux.Handle(wire.TypeItem, (*session).handleItem, stateWorld)                          // handle_item.go
	s.mux.Handle(wire.TypeTaskDialog, (*session).handleTaskDialog, stateWorld)              // handle_task_dialog.go
	s.mux.Handle(wire.TypeMapItem, (*session).handleMapItem, stateWorld)                    // handle_map_item.go
	s.mux.Handle(wire.TypeInteract, (*session).handleInteract, stateWorld)                  // handle_interact.go
	s.mux.Handle(wire.TypeAllot, (*session).handleAllot, stateWorld)                        // handle_allot.go
	s.mux.Handle(wire.TypePackage, (*session).handlePackage, stateWorld)                    // handle_package.go
}
