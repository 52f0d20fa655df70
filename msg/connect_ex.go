package msg

import (
	"strconv"

	"github.com/coserver/coserver/wire"
)

// ConnectEx is MsgConnectEx (1055), account server to client: the answer to
// Account. One struct holds both forms:
//
//   - accept: Identity and Code are the low and high halves of the login
//     token the client presents to the game server (Connect), at Host:Port;
//   - reject: Identity is 0 and Code is a RejectCode the client shows as a
//     dialog.
//
// Encoding always writes the 32-byte form (CoEmu, Java, COPS, Wiki 5017).
// Decoding accepts the shorter and longer forms servers send: 12 bytes
// (Comet's reject, identity and code only), 28 (CoEmu's reject, no port),
// 32, and 34 (Comet's accept, two trailing zero bytes). Fields past the end
// of the packet decode as zero; a field cut in the middle is an error.
type ConnectEx struct {
	// Identity is the low 32 bits of the login token; 0 marks a reject, so a
	// server never issues a token whose low half is 0.
	Identity uint32
	// Code is the high 32 bits of the login token, or the RejectCode when
	// Identity is 0.
	Code uint32
	// Host is the game server's IPv4 address as dotted text, char[16]. It
	// must not be a 127.x address: the client refuses those. In a reject it
	// is empty, or (COPS) GB2312 text for the code.
	Host string
	// Port is the game server's TCP port; 0 in a reject.
	Port uint32
}

// Type returns wire.TypeConnectEx.
func (*ConnectEx) Type() wire.Type { return wire.TypeConnectEx }

// Marshal reads or writes the body in wire order.
func (p *ConnectEx) Marshal(c *wire.Codec) {
	c.U32(&p.Identity, "Identity")
	c.U32(&p.Code, "Code")
	if c.Decoding() && c.Remaining() == 0 {
		p.Host, p.Port = "", 0 // Comet's 12-byte reject
		return
	}
	c.Fixed(&p.Host, 16, "Host")
	if c.Decoding() && c.Remaining() == 0 {
		p.Port = 0 // CoEmu's 28-byte reject
		return
	}
	c.U32(&p.Port, "Port")
}

// Token returns the 64-bit login token: Code in the high half, Identity in
// the low half, as the client sends it back in Connect.
func (p *ConnectEx) Token() uint64 { return uint64(p.Code)<<32 | uint64(p.Identity) }

// Rejected reports whether p is a reject, and its code.
func (p *ConnectEx) Rejected() (RejectCode, bool) {
	if p.Identity != 0 {
		return 0, false
	}
	return RejectCode(p.Code), true
}

// AcceptLogin returns the accept form sending the client to the game server
// at host:port with token. The token's low half must not be 0, or the client
// reads the packet as a reject.
func AcceptLogin(token uint64, host string, port uint32) *ConnectEx {
	return &ConnectEx{Identity: uint32(token), Code: uint32(token >> 32), Host: host, Port: port}
}

// RejectLogin returns the reject form carrying code.
func RejectLogin(code RejectCode) *ConnectEx {
	return &ConnectEx{Code: uint32(code)}
}

// RejectCode is why the account server refuses a login: the Code of a
// ConnectEx whose Identity is 0. The client picks the dialog text from it.
// Names follow Comet and CoEmu; the texts quoted are the client string table
// of a later patch (5635), the 5017 wording is unverified.
type RejectCode uint32

// Reject codes.
const (
	RejectInvalidPassword         RejectCode = 1   // "Invalid Account ID or Password"
	RejectReady                   RejectCode = 2   // CoEmu only; no client text known
	RejectServerDown              RejectCode = 10  // "Server maintenance. Please try again later!"
	RejectTryAgainLater           RejectCode = 11  // "Please try again later."
	RejectAccountBanned           RejectCode = 12  // "This account has been banned."
	RejectServerBusy              RejectCode = 20  // "Server is busy." (COPS: server full text)
	RejectServerFull              RejectCode = 21  // COPS only: same client text as 20 (COPS: busy text)
	RejectAccountLocked           RejectCode = 22  // "Your account has been locked. Please contact GM for more help."
	RejectAccountNotActivated     RejectCode = 30  // "This account has not been activated."
	RejectAccountActivationFailed RejectCode = 31  // "Failed to activate the account."
	RejectServerTimedOut          RejectCode = 42  // "Timed Out"
	RejectAccountMaxLoginAttempts RejectCode = 51  // "...used up your login attempts. Please wait 30 minutes..."
	RejectServerLocked            RejectCode = 70  // "Server Locked"
	RejectServerOldProtocol       RejectCode = 73  // "Authentication Protocol is invalid or expired."
	RejectDatabaseError           RejectCode = 999 // "Database Error"
)

// String returns the code's name without the Reject prefix
// ("InvalidPassword"), or its number.
func (r RejectCode) String() string {
	switch r {
	case RejectInvalidPassword:
		return "InvalidPassword"
	case RejectReady:
		return "Ready"
	case RejectServerDown:
		return "ServerDown"
	case RejectTryAgainLater:
		return "TryAgainLater"
	case RejectAccountBanned:
		return "AccountBanned"
	case RejectServerBusy:
		return "ServerBusy"
	case RejectServerFull:
		return "ServerFull"
	case RejectAccountLocked:
		return "AccountLocked"
	case RejectAccountNotActivated:
		return "AccountNotActivated"
	case RejectAccountActivationFailed:
		return "AccountActivationFailed"
	case RejectServerTimedOut:
		return "ServerTimedOut"
	case RejectAccountMaxLoginAttempts:
		return "AccountMaxLoginAttempts"
	case RejectServerLocked:
		return "ServerLocked"
	case RejectServerOldProtocol:
		return "ServerOldProtocol"
	case RejectDatabaseError:
		return "DatabaseError"
	}
	return strconv.FormatUint(uint64(r), 10)
}
