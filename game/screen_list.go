package game

// screenList is the players one player sees, each of whom sees it too
// (screens are symmetric): a dense list, so that a move goes through its
// observers as a slice, whose entries each keep where the pair's other
// half is on the other player's list. A pair so comes off both lists in
// O(1) (the last entry of each list takes the freed place), and once the
// lists have reached their working size nothing allocates (under a screen
// cap, a list takes room for the cap with its first player and never
// grows). The order of
// the list means nothing. Looking a given player up (find) goes through
// the shorter of the two lists: the paths taken at every step (a move, a
// refresh, a logout) go by index and look nobody up. A player's list
// belongs to the goroutine of the map it is on.
type screenList struct {
	e []screenEntry
}

// screenEntry is a player on a screen and the index of the screen's owner
// on that player's list.
type screenEntry struct {
	o    *Player
	back int32
}

// len returns how many players are on the screen.
func (s *screenList) len() int { return len(s.e) }

// at returns the i-th player on the screen.
func (s *screenList) at(i int) *Player { return s.e[i].o }

// byID returns the player with id on the screen, nil when none is.
func (s *screenList) byID(id uint32) *Player {
	for _, e := range s.e {
		if e.o.id == id {
			return e.o
		}
	}
	return nil
}

// cut removes the i-th entry: the last one takes its place, and its
// player's entry for the list's owner learns the new index.
func (s *screenList) cut(i int) {
	last := len(s.e) - 1
	if i != last {
		moved := s.e[last]
		s.e[i] = moved
		moved.o.screen.e[moved.back].back = int32(i)
	}
	s.e[last] = screenEntry{} // keep no pointer to a player who may leave
	s.e = s.e[:last]
}

// add appends e; a list without room yet takes room for size players
// (when size is more than one) instead of growing step by step.
func (s *screenList) add(e screenEntry, size int) {
	if s.e == nil && size > 1 {
		s.e = make([]screenEntry, 0, size)
	}
	s.e = append(s.e, e)
}

// link puts p and o on each other's screen; size is the room a screen
// takes with its first player (the screen cap, 0 for none). Neither may be
// on the other's screen.
func link(p, o *Player, size int) {
	i, j := len(p.screen.e), len(o.screen.e)
	p.screen.add(screenEntry{o: o, back: int32(j)}, size)
	o.screen.add(screenEntry{o: p, back: int32(i)}, size)
}

// unlink takes the i-th player on p's screen and p off each other's
// screen, and returns that player. The last player on p's screen takes
// place i: a loop that unlinks as it goes runs from the end down.
func unlink(p *Player, i int) *Player {
	e := p.screen.e[i]
	p.screen.cut(i)
	e.o.screen.cut(int(e.back))
	return e.o
}

// find returns the index of o on p's screen, -1 when o is not on it.
func find(p, o *Player) int {
	if len(o.screen.e) < len(p.screen.e) { // look for p on o's: same pair
		for _, e := range o.screen.e {
			if e.o == p {
				return int(e.back)
			}
		}
		return -1
	}
	for i, e := range p.screen.e {
		if e.o == o {
			return i
		}
	}
	return -1
}
