package script

import "errors"

// Limits of a dialog page and of the values a script hands to the host.
const (
	// MaxOptions is the most answer options one ask() page may show.
	MaxOptions = 8
	// MaxOptionLen is the longest option text, in bytes (a MsgTaskDialog string has a u8 length).
	MaxOptionLen = 255
	// MaxTextLen is the longest page text, say() or log() text, in bytes; the game splits page
	// text into MsgTaskDialog strings of at most 255 bytes.
	MaxTextLen = 2048
	// MaxInputLen is the largest maximum length of an input() box, in bytes.
	MaxInputLen = 255
	// DefaultInputLen is the maximum length of an input() box when the script gives none.
	DefaultInputLen = 16
	// MaxFace is the largest face id (MsgTaskDialog data is a u16).
	MaxFace = 0xFFFF
)

// Limits of per-character variables, checked before the host is called.
const (
	// MaxVarKeyLen is the longest variable name, in bytes.
	MaxVarKeyLen = 32
	// MaxVarValueLen is the longest variable value, in bytes.
	MaxVarValueLen = 255
	// MaxVars is the most variables one character may hold.
	MaxVars = 256
)

// Errors a caller may test with errors.Is.
var (
	// ErrNoScript is returned by Start for a name the library does not hold.
	ErrNoScript = errors.New("no such script")
	// ErrBudget ends a run that used more than MaxInstructions.
	ErrBudget = errors.New("instruction budget exceeded")
	// ErrPageLimit ends a dialog that asked more than MaxPages pages.
	ErrPageLimit = errors.New("page limit exceeded")
	// ErrInvalidAnswer is an answer that does not fit the page shown (option out of range,
	// text too long); the dialog is unchanged and still waits.
	ErrInvalidAnswer = errors.New("invalid answer")
	// ErrEnded is an Answer to a dialog that already ended or was cancelled.
	ErrEnded = errors.New("dialog ended")
	// ErrBusy is a Start or Answer made while a script of the same VM runs (from a host callback).
	ErrBusy = errors.New("script VM busy")
)

// NPC is the NPC whose dialog runs; scripts read it as the table npc.
type NPC struct {
	ID   uint32 // npc.id
	Name string // npc.name
}

// Player is the player in a dialog, implemented by the game and called only on the map
// goroutine that runs the dialog. Later features (money, items) are added as separate small
// interfaces that the player value may also implement; the API function for them checks with a
// type assertion and raises a script error when the host does not provide it.
type Player interface {
	Name() string
	Level() int
	Class() int
	MapID() uint32
	Position() (x, y uint16)
	// Say sends a MsgTalk to the player.
	Say(text string)
	// Teleport moves the player; the dialog ends after it returns.
	Teleport(mapID uint32, x, y uint16) error
	// Var returns a per-character persistent variable.
	Var(key string) (string, bool)
	// SetVar stores a per-character persistent variable; an empty value deletes it.
	SetVar(key, value string) error
	// VarCount returns how many variables the character holds (for the MaxVars limit).
	VarCount() int
}

// Page is one dialog page the game shows: text, then either answer options or an input box,
// with an optional NPC face.
type Page struct {
	// Text is the body text (at most MaxTextLen bytes).
	Text string
	// Options are the answer buttons, 1 to MaxOptions; the answer is the 1-based index.
	// Empty on an input page.
	Options []string
	// Input is true on an input page: an edit box whose typed text is the answer.
	Input bool
	// Prompt is the edit box's label on an input page.
	Prompt string
	// MaxInput is the edit box's maximum length in bytes on an input page.
	MaxInput int
	// Face is the NPC face id set with face() before this page; 0 means none.
	Face int
}
