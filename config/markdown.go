package config

import (
	"flag"
	"fmt"
	"strings"
)

const docHeader = "# coserver configuration\n" +
	"\n" +
	"<!-- Generated from package config; do not edit. Regenerate with:\n" +
	"     go test ./config -run TestConfigDocUpToDate -update -->\n" +
	"\n" +
	"Every setting is a command-line flag of `coserver`; each can also be set in\n" +
	"a config file or an environment variable. When a setting is given in more\n" +
	"than one place, the later source in this list wins:\n" +
	"\n" +
	"1. the built-in default;\n" +
	"2. the config file;\n" +
	"3. the environment;\n" +
	"4. the command line.\n" +
	"\n" +
	"The server checks the settings once they are loaded and refuses to start\n" +
	"on invalid ones, naming each flag; a number or duration outside the range\n" +
	"listed with it (bounds included) is invalid.\n" +
	"\n" +
	"## Config file\n" +
	"\n" +
	"`-config <file>` (or `COSERVER_CONFIG=<file>`) reads a JSON object whose\n" +
	"keys are flag names without the dash. A value is a string, number or\n" +
	"boolean, with the same meaning as on the command line; durations are\n" +
	"strings with a unit (`300ms`, `30s`, `5m`, `1h30m`). An unknown key is an\n" +
	"error. Omitted settings keep their default.\n" +
	"\n" +
	"```json\n" +
	"{\n" +
	"  \"game-host\": \"192.168.1.10\",\n" +
	"  \"auto-register\": true,\n" +
	"  \"save-interval\": \"30s\",\n" +
	"  \"max-players\": 500\n" +
	"}\n" +
	"```\n" +
	"\n" +
	"## Environment\n" +
	"\n" +
	"Each setting is read from `COSERVER_` followed by its flag name in upper\n" +
	"case with `-` replaced by `_`: `-game-host` is `COSERVER_GAME_HOST`. An\n" +
	"empty variable counts as unset. Booleans accept `1`, `t`, `true`, `0`, `f`\n" +
	"and `false` (any case).\n" +
	"\n" +
	"## Settings\n"

// Markdown renders the configuration reference, docs/CONFIG.md, from the
// flags of fs: how settings are loaded, then a table per group of settings,
// in registration order, giving each flag's environment variable, default
// and usage. Flags of fs that Register does not know come last, under
// Other.
func Markdown(fs *flag.FlagSet) string {
	var b strings.Builder
	b.WriteString(docHeader)
	group := ""
	row := func(g string, f *flag.Flag, rng *valueRange) {
		if g != group {
			group = g
			fmt.Fprintf(&b, "\n### %s\n\n", g)
			b.WriteString("| Flag | Environment | Default | Range | Meaning |\n")
			b.WriteString("|------|-------------|---------|-------|---------|\n")
		}
		def := "(empty)"
		if f.DefValue != "" {
			def = "`" + f.DefValue + "`"
		}
		r := ""
		if rng != nil {
			r = rng.String()
		}
		fmt.Fprintf(&b, "| `-%s` | `%s` | %s | %s | %s |\n",
			f.Name, EnvName(f.Name), def, r, strings.ReplaceAll(f.Usage, "|", `\|`))
	}
	known := make(map[string]bool)
	for _, s := range new(Config).settings() {
		known[s.name] = true
		if f := fs.Lookup(s.name); f != nil {
			row(s.group, f, s.rng)
		}
	}
	fs.VisitAll(func(f *flag.Flag) {
		if !known[f.Name] {
			row("Other", f, nil)
		}
	})
	return b.String()
}
