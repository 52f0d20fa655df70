package msg

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/coserver/coserver/wire"
)

// TaskDialog is MsgTaskDialog (2032), both directions: one piece of an NPC
// dialog, or the player's answer to one. The server sends a page as
// separate packets, in order: text × n, link or edit × n, pic, create
// (DialogPage builds them); the client shows the page on create and
// answers with DialogAnswer.
//
// 12 bytes, then a TQ string list: one string for the actions that carry
// text (DialogAction.HasText), none for pic and create. A packet without a
// string is 14 bytes, a count of 0 and one spare byte, as COPS and Java
// send it; CoEmu's 13-byte form decodes too (world-content.md §1.3).
type TaskDialog struct {
	// TaskID is 0 from the server, and the task the client launches with
	// DialogTaskID. For DialogPic it is the picture's position, x in the
	// low 16 bits (COPS7, Redux; WCO swaps them); sent as 0.
	TaskID uint32
	// Data is the face id for DialogPic and the input's maximum length for
	// DialogEdit; 0 otherwise.
	Data uint16
	// Option is the index a link or edit returns when chosen, the chosen
	// index in DialogAnswer (OptionClose closes the dialog), 0 on text
	// and OptionClose on create.
	Option uint8
	// Action is what the packet is.
	Action DialogAction
	// Text is the string: body text, link caption, input prompt, or the
	// text the player typed. Encoding writes it when the action carries
	// text or when it is set; decoding reads the first string of the list
	// (any more are ignored) and clears it when there is none.
	Text string
}

// Type returns wire.TypeTaskDialog.
func (*TaskDialog) Type() wire.Type { return wire.TypeTaskDialog }

// Marshal reads or writes the body in wire order.
func (p *TaskDialog) Marshal(c *wire.Codec) {
	c.U32(&p.TaskID, "TaskID")
	c.U16(&p.Data, "Data")
	c.U8(&p.Option, "Option")
	c.U8((*uint8)(&p.Action), "Action")
	var n uint8
	if p.Text != "" || p.Action.HasText() {
		n = 1
	}
	c.ListCount(&n, "StringCount")
	if n > 0 {
		c.ListString(&p.Text, "Text")
		return
	}
	p.Text = "" // a decoded packet without a string
	if c.Decoding() && c.Remaining() == 0 {
		return // CoEmu's 13-byte form
	}
	c.Zero(1, "Reserved")
}

// OptionClose is the Option of DialogCreate and of an answer that closes
// the dialog (COPS7: "255 is end").
const OptionClose = 255

// DialogAction is TaskDialog's action (COPS, CoEmu, Java, Wiki 5517).
type DialogAction uint8

// TaskDialog actions. S→C is server to client, C→S the reverse.
const (
	// DialogText (1): S→C body text; the client joins consecutive texts.
	DialogText DialogAction = 1
	// DialogLink (2): S→C an answer button returning its Option.
	DialogLink DialogAction = 2
	// DialogEdit (3): S→C an input box returning its Option and the typed
	// text; Data is the maximum length, Text the prompt.
	DialogEdit DialogAction = 3
	// DialogPic (4): S→C the NPC's face; Data is the face id.
	DialogPic DialogAction = 4
	// DialogListLine (5): S→C a list line; its use in 5017 is unknown.
	DialogListLine DialogAction = 5
	// DialogCreate (100): S→C show the page built so far.
	DialogCreate DialogAction = 100
	// DialogAnswer (101): C→S the chosen Option and the typed Text.
	DialogAnswer DialogAction = 101
	// DialogTaskID (102): C→S a task launched from a client window: TaskID,
	// and a name in Text.
	DialogTaskID DialogAction = 102
)

// HasText reports whether packets of action a carry a string.
func (a DialogAction) HasText() bool {
	switch a {
	case DialogText, DialogLink, DialogEdit, DialogListLine, DialogAnswer, DialogTaskID:
		return true
	}
	return false
}

// String returns the action's name without the Dialog prefix ("Link"), or
// its number.
func (a DialogAction) String() string {
	switch a {
	case DialogText:
		return "Text"
	case DialogLink:
		return "Link"
	case DialogEdit:
		return "Edit"
	case DialogPic:
		return "Pic"
	case DialogListLine:
		return "ListLine"
	case DialogCreate:
		return "Create"
	case DialogAnswer:
		return "Answer"
	case DialogTaskID:
		return "TaskID"
	}
	return strconv.Itoa(int(a))
}

// Limits of a dialog page built by DialogPage.
const (
	// MaxDialogText is the most bytes of body text in one DialogText
	// packet: COPS and CoEmu cut text into 250-unit chunks.
	MaxDialogText = 250
	// MaxDialogPageText is the most bytes of body text on one page: eight
	// chunks. The client's own limit is unknown; this one bounds what a
	// script can make the server send per page.
	MaxDialogPageText = 8 * MaxDialogText
	// MaxDialogOptions is the most links on one page (WCO allows 8; the
	// client's limit is unknown).
	MaxDialogOptions = 8
	// MaxDialogOption is the longest link caption or input prompt, in
	// bytes: one string of a TQ string list.
	MaxDialogOption = wire.MaxListString
)

// ErrDialogPage is wrapped by DialogPage's errors: the page does not fit the
// limits above.
var ErrDialogPage = errors.New("msg: dialog page out of limits")

// DialogInput is the input box of a dialog page.
type DialogInput struct {
	// Prompt is the text beside the box.
	Prompt string
	// MaxLen is the most characters the player may type (official data: 9
	// for a PIN).
	MaxLen uint16
	// Option is the index the answer carries when the player confirms the
	// box: neither 0, nor OptionClose, nor the index of a link.
	Option uint8
}

// DialogPage appends to dst the packets of one dialog page and returns the
// extended slice: text in DialogText chunks, a DialogLink per option with
// Option = its 1-based index, the input box when input is not nil, the
// face when face is not 0, then DialogCreate with OptionClose. It
// allocates nothing when dst has room and no string holds a '~'.
//
// A '~' (TQ's space inside action parameters) becomes a space everywhere.
// Text is cut into chunks of at most MaxDialogText bytes, never inside a
// UTF-8 sequence, after the last space of the chunk when that space is in
// its second half; the chunks joined give the text back. Empty text sends
// no text packet. A page beyond the limits (MaxDialogPageText,
// MaxDialogOptions, MaxDialogOption) or with an input Option that clashes
// is an error wrapping ErrDialogPage, and dst is returned unchanged.
func DialogPage(dst []TaskDialog, text string, options []string, input *DialogInput, face uint16) ([]TaskDialog, error) {
	if err := checkPage(text, options, input); err != nil {
		return dst, err
	}
	text = strings.ReplaceAll(text, "~", " ")
	for len(text) > 0 {
		n := len(text)
		if n > MaxDialogText {
			n = textCut(text[:MaxDialogText+1])
		}
		dst = append(dst, TaskDialog{Action: DialogText, Text: text[:n]})
		text = text[n:]
	}
	for i, o := range options {
		dst = append(dst, TaskDialog{Option: uint8(i + 1), Action: DialogLink, Text: strings.ReplaceAll(o, "~", " ")})
	}
	if input != nil {
		dst = append(dst, TaskDialog{Data: input.MaxLen, Option: input.Option, Action: DialogEdit,
			Text: strings.ReplaceAll(input.Prompt, "~", " ")})
	}
	if face != 0 {
		dst = append(dst, TaskDialog{Data: face, Action: DialogPic})
	}
	return append(dst, TaskDialog{Option: OptionClose, Action: DialogCreate}), nil
}

// checkPage reports a page DialogPage cannot send.
func checkPage(text string, options []string, input *DialogInput) error {
	if len(text) > MaxDialogPageText {
		return fmt.Errorf("%w: text of %d bytes, at most %d", ErrDialogPage, len(text), MaxDialogPageText)
	}
	if len(options) > MaxDialogOptions {
		return fmt.Errorf("%w: %d options, at most %d", ErrDialogPage, len(options), MaxDialogOptions)
	}
	for i, o := range options {
		if o == "" || len(o) > MaxDialogOption {
			return fmt.Errorf("%w: option %d is %d bytes, want 1 to %d", ErrDialogPage, i+1, len(o), MaxDialogOption)
		}
	}
	if input == nil {
		return nil
	}
	if len(input.Prompt) > MaxDialogOption {
		return fmt.Errorf("%w: input prompt of %d bytes, at most %d", ErrDialogPage, len(input.Prompt), MaxDialogOption)
	}
	if input.Option == 0 || input.Option == OptionClose || int(input.Option) <= len(options) {
		return fmt.Errorf("%w: input option %d is 0, %d or a link's index (1 to %d)", ErrDialogPage,
			input.Option, OptionClose, len(options))
	}
	return nil
}

// textCut returns where to end the first chunk of window, the text's first
// MaxDialogText+1 bytes: after the last space within MaxDialogText bytes
// when it lies in the second half, else at the last UTF-8 sequence start
// (a byte after the chunk that starts a sequence ends it cleanly), else,
// for text that is not UTF-8, at MaxDialogText.
func textCut(window string) int {
	if i := strings.LastIndexByte(window[:MaxDialogText], ' '); i >= MaxDialogText/2 {
		return i + 1
	}
	for n := MaxDialogText; n > MaxDialogText-utf8.UTFMax; n-- {
		if utf8.RuneStart(window[n]) {
			return n
		}
	}
	return MaxDialogText
}
