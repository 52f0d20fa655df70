package main

import (
	"io"

	"github.com/coserver/coserver/bots"
)

// botsCmd runs the bot swarm; see bots.Main for its flags.
func botsCmd(args []string, stdout, stderr io.Writer) int {
	return bots.Main(args, stdout, stderr)
}
