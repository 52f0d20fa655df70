package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/coserver/coserver/app"
	"github.com/coserver/coserver/config"
)

// listenAddr is one address a server role listens on, with the flag that
// sets it.
type listenAddr struct {
	flag, addr string
}

// listenAddrs returns the addresses a role listens on.
func listenAddrs(cfg config.Config, r app.Role) []listenAddr {
	var out []listenAddr
	if r != app.RoleGame {
		out = append(out, listenAddr{"account-addr", cfg.Account.AccountAddr})
	}
	if r != app.RoleAccount {
		out = append(out, listenAddr{"game-addr", cfg.Game.GameAddr})
	}
	if cfg.General.AdminAddr != "" {
		out = append(out, listenAddr{"admin-addr", cfg.General.AdminAddr})
	}
	return out
}

// listenFunc opens a listener (net.Listen; tests inject failures).
type listenFunc func(network, addr string) (net.Listener, error)

// checkPorts tries to listen on every address and releases them again. The
// error names each flag whose address cannot be used, all at once.
func checkPorts(addrs []listenAddr, listen listenFunc) error {
	var errs []error
	var held []net.Listener
	defer func() {
		for _, ln := range held {
			_ = ln.Close()
		}
	}()
	for _, a := range addrs {
		ln, err := listen("tcp", a.addr)
		if err != nil {
			errs = append(errs, fmt.Errorf("-%s %s: %w", a.flag, a.addr, portError(err)))
			continue
		}
		held = append(held, ln) // held until all are tried: two flags on one port collide too
	}
	return errors.Join(errs...)
}

// portError shortens the common listen failures to their cause and fix.
func portError(err error) error {
	switch msg := err.Error(); {
	case strings.Contains(msg, "address already in use"):
		return errors.New("the port is in use by another program (another coserver?); stop it or choose another port")
	case strings.Contains(msg, "permission denied"):
		return errors.New("permission denied: ports below 1024 need privileges; choose a port above 1024")
	case strings.Contains(msg, "cannot assign requested address"):
		return errors.New("this host has no such address; use one of its own addresses or leave the host empty")
	}
	return err
}

// printGroupedUsage writes head and the flags of fs in the given config
// groups, group by group, in the format of flag.PrintDefaults. Flags that
// belong to no config group (a command's own) come first.
func printGroupedUsage(fs *flag.FlagSet, head string, groups []string) {
	w := fs.Output()
	fmt.Fprintln(w, head)
	var own []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) {
		if config.GroupOf(f.Name) == "" {
			own = append(own, f)
		}
	})
	if len(own) > 0 {
		fmt.Fprintln(w, "\nThis command:")
		for _, f := range own {
			printFlag(w, f)
		}
	}
	for _, g := range groups {
		fmt.Fprintf(w, "\n%s:\n", g)
		fs.VisitAll(func(f *flag.Flag) {
			if config.GroupOf(f.Name) == g {
				printFlag(w, f)
			}
		})
	}
	fmt.Fprintln(w, "\nEach flag is also a COSERVER_* environment variable (-game-host: COSERVER_GAME_HOST)\n"+
		"and a key of the -config file; docs/CONFIG.md lists them all.")
}

// printFlag writes one flag as flag.PrintDefaults does.
func printFlag(w io.Writer, f *flag.Flag) {
	name, usage := flag.UnquoteUsage(f)
	line := "  -" + f.Name
	if name != "" {
		line += " " + name
	}
	line += "\n    \t" + strings.ReplaceAll(usage, "\n", "\n    \t")
	switch {
	case f.DefValue == "" || f.DefValue == "0" || f.DefValue == "false" || f.DefValue == "0s":
	case name == "string":
		line += fmt.Sprintf(" (default %q)", f.DefValue)
	default:
		line += " (default " + f.DefValue + ")"
	}
	fmt.Fprintln(w, line)
}
