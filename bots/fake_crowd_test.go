package bots

import (
	"net"

	"github.com/coserver/coserver/msg"
)

// seenGoal is how many others' steps the crowd world shows one character
// before it ends that character's connection.
const seenGoal = 50

// crowd is the fake world's crowd mode (on): every character in the world
// is shown every other's spawn and steps, and keeps its id when its account
// logs in again. Once one character has been shown seenGoal steps, its
// connection is ended (its write side shut, so that the client reads all
// before the end); when that account is back in the world, done is
// closed. Guarded by npcWorld.mu.
type crowd struct {
	on      bool
	ids     map[string]uint32    // by account
	in      map[uint32]*fakeConn // the characters in the world
	accts   map[uint32]string
	shown   int // steps shown to others
	shownTo map[uint32]int
	kicked  string // the account whose connection was ended
	done    chan struct{}
	closed  bool // done is closed
}

func newCrowd() crowd {
	return crowd{ids: make(map[string]uint32), in: make(map[uint32]*fakeConn), accts: make(map[uint32]string),
		shownTo: make(map[uint32]int), done: make(chan struct{})}
}

// idOf returns the id of acct's character, fresh the first time.
func (c *crowd) idOf(acct string, fresh uint32) uint32 {
	if id, ok := c.ids[acct]; ok {
		return id
	}
	c.ids[acct], c.accts[fresh] = fresh, acct
	return fresh
}

// enter puts character id, connected on fc, in the world: it and the
// others are shown each other.
func (w *npcWorld) enter(fc *fakeConn, id uint32, acct string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cr := &w.crowd
	if acct == cr.kicked && !cr.closed {
		cr.closed = true
		close(cr.done)
	}
	for oid, oc := range cr.in {
		fc.send(&msg.Player{ID: oid, Name: cr.accts[oid], Mesh: 11003, X: npcArriveX, Y: npcArriveY})
		oc.send(&msg.Player{ID: id, Name: acct, Mesh: 11003, X: npcArriveX, Y: npcArriveY})
	}
	cr.in[id] = fc
}

// leave takes character id out of the world when its connection fc ends.
func (w *npcWorld) leave(id uint32, fc *fakeConn) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.crowd.in[id] == fc {
		delete(w.crowd.in, id)
	}
}

// step shows character id's step to the others, and ends the connection
// of the first that has been shown seenGoal steps.
func (w *npcWorld) step(id uint32, wk *msg.Walk) {
	w.mu.Lock()
	defer w.mu.Unlock()
	cr := &w.crowd
	for oid, oc := range cr.in {
		if oid == id {
			continue
		}
		oc.send(wk)
		cr.shown++
		cr.shownTo[oid]++
		if cr.kicked == "" && cr.shownTo[oid] >= seenGoal {
			cr.kicked = cr.accts[oid]
			delete(cr.in, oid)
			oc.mu.Lock()
			_ = oc.nc.(*net.TCPConn).CloseWrite()
			oc.mu.Unlock()
		}
	}
}
