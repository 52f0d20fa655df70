package main

import (
	"fmt"
	"io"
	"runtime/debug"
)

// versionCmd prints the module version, the VCS commit the binary was built
// from and the Go version.
func versionCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "coserver version: unexpected argument %q\n", args[0])
		return 2
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(stderr, "coserver version: the binary carries no build information")
		return 1
	}
	fmt.Fprint(stdout, versionText(bi))
	return 0
}

// versionText formats the build information of a binary.
func versionText(bi *debug.BuildInfo) string {
	vcs := map[string]string{}
	for _, s := range bi.Settings {
		vcs[s.Key] = s.Value
	}
	commit := vcs["vcs.revision"]
	if commit == "" {
		commit = "unknown (built without VCS information)"
	} else if vcs["vcs.modified"] == "true" {
		commit += " (with uncommitted changes)"
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	s := fmt.Sprintf("coserver %s\nmodule  %s\ncommit  %s\n", version, bi.Main.Path, commit)
	if t := vcs["vcs.time"]; t != "" {
		s += fmt.Sprintf("time    %s\n", t)
	}
	return s + fmt.Sprintf("go      %s\n", bi.GoVersion)
}
