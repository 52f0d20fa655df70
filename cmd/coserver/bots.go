package main

import (
	"fmt"
	"io"
)

// botsCmd runs the bot swarm.
func botsCmd(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "coserver bots: not wired yet", args, stdout)
	return 2
}
