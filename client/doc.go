// Package client speaks the Conquer Online patch 5017 protocol from the
// player's side, against any 5017 server: operators use it to check a
// server, emulator authors to test theirs, and coserver's end-to-end tests
// and bot swarm are built on it.
//
// Login runs the whole login the way the real client does:
//
//  1. MsgAccount to the account server, the password RC5-encrypted;
//  2. MsgConnectEx back: a refusal is a *RejectError with its code, an
//     accept carries a one-time token and the game server's address, used
//     as is;
//  3. the account-server MsgConnect as a goodbye;
//  4. MsgConnect with the token to the game server, after which the
//     client's cipher encrypts under the token's key (tq.Cipher.Rekey);
//  5. the answer on the login channel: ANSWER_OK and MsgUserInfo, or
//     NEW_ROLE, answered with MsgRegister for Config.Character; once the
//     server has said ANSWER_OK to that, the token is spent and Login
//     starts again from step 1;
//  6. the login chain: MsgAction 74 and its answer (map and position),
//     then 75, 76, 77, 78, 97 and 130, whose echo ends the login.
//
// Authenticate (steps 1–3) and Connect (4–6) are the two halves, for tests
// that need the token itself. Conn is the raw transport underneath, for
// speaking the protocol packet by packet.
//
// A logged-in Client has one reader goroutine. It decodes every packet
// with the same msg definitions and wire.Codec as the server, keeps the
// player's own position (from its echoed walks and jumps, and teleports)
// and its screen (MsgPlayer and MsgNpcInfo add, MsgAction 132 and MsgNpc
// 2 remove, others' walks and jumps move, distance beyond ViewRange drops,
// a new map empties it), matches the server's answers to the player's moves
// (Ack), collects the MsgTaskDialog packets of an NPC dialog into a Dialog
// page on their create, and delivers each packet as an Event. Config's
// hooks report, on the reader goroutine, the answers to the player's moves
// (OnAck), dialog pages (OnDialog) and other entities' steps and spawns
// (OnSighting: what a load test needs to time how late others see a move).
//
// NPCs and portals: ClickNPC opens an NPC's dialog, Answer picks an option
// of the open page (or closes it), TakePortal steps into a portal; a
// teleport to another map (MsgAction 86, then MsgMapInfo) empties the
// screen and closes the dialog.
//
// Items: the client keeps the items it holds (MsgItemInfo add and update;
// MsgItem 3 and 18 remove, 5 and 6 move between the inventory and the
// equipment), its silver and CPs (MsgUserInfo, then MsgUserAttrib), the
// last warehouse list (MsgPackage) and the floor items on its screen
// (MsgMapItem create and delete, as entities of kind EntityFloorItem).
// Buy, Sell, UseItem, Equip, Unequip, DropItem, DropMoney, PickUp,
// QueryWarehouse, CheckIn, CheckOut and the warehouse-money methods send
// the requests; the server's answers update the state.
//
// The reader never blocks on the
// consumer: a full event buffer drops its oldest event and counts it. A
// malformed packet stops the client with an error wrapping the
// *wire.FieldError that names the packet and field.
package client
