package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
)

// EnvPrefix starts the name of every environment variable read by Load.
const EnvPrefix = "COSERVER_"

// EnvName returns the environment variable of a flag: EnvPrefix followed by
// the flag name in upper case with '-' replaced by '_' (game-host is
// COSERVER_GAME_HOST).
func EnvName(flagName string) string {
	return EnvPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// Load sets the flags of fs, registered by Config.Register, from three
// sources in increasing precedence:
//
//  1. the JSON config file named by -config in args, or else by the
//     COSERVER_CONFIG environment variable, if either is given;
//  2. the environment: EnvName(flag) for every flag, if non-empty;
//  3. args, parsed with fs.Parse.
//
// getenv looks up environment variables (os.Getenv); nil means an empty
// environment. Errors name the file key, variable or flag at fault. Load
// does not validate the result; call Config.Validate.
func Load(fs *flag.FlagSet, args []string, getenv func(string) string) error {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	path, err := configFlag(fs, args)
	if err != nil {
		// Let fs report the bad command line the way it is set up to.
		return fs.Parse(args)
	}
	if path == "" {
		path = getenv(EnvName("config"))
	}
	if path != "" {
		if err := loadFile(fs, path); err != nil {
			return err
		}
	}
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := EnvName(f.Name)
		v := getenv(name)
		if v == "" || envErr != nil {
			return
		}
		if err := fs.Set(f.Name, v); err != nil {
			envErr = fmt.Errorf("environment variable %s=%q: %w", name, v, err)
		}
	})
	if envErr != nil {
		return envErr
	}
	return fs.Parse(args)
}

// configFlag returns the value of -config in args without touching fs: it
// parses args with a copy of fs whose flags discard their values.
func configFlag(fs *flag.FlagSet, args []string) (string, error) {
	var path string
	probe := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	probe.SetOutput(io.Discard)
	probe.Usage = func() {}
	fs.VisitAll(func(f *flag.Flag) {
		p := probeValue{}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok {
			p.isBool = b.IsBoolFlag()
		}
		if f.Name == "config" {
			p.dst = &path
		}
		probe.Var(p, f.Name, "")
	})
	err := probe.Parse(args)
	return path, err
}

// probeValue is a flag.Value that records into dst, if set, and otherwise
// discards what it is given.
type probeValue struct {
	isBool bool
	dst    *string
}

func (p probeValue) String() string   { return "" }
func (p probeValue) IsBoolFlag() bool { return p.isBool }
func (p probeValue) Set(s string) error {
	if p.dst != nil {
		*p.dst = s
	}
	return nil
}

// loadFile sets flags of fs from the JSON object in the file at path.
func loadFile(fs *flag.FlagSet, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	if err := applyJSON(fs, data); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// applyJSON sets flags of fs from a JSON object of flag names to strings,
// numbers or booleans, in sorted key order.
func applyJSON(fs *flag.FlagSet, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return fmt.Errorf("not a JSON object: %w", err)
	}
	if obj == nil {
		return errors.New("not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON object")
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "config" {
			return fmt.Errorf("key %q: a config file cannot name another config file", k)
		}
		if fs.Lookup(k) == nil {
			return fmt.Errorf("unknown key %q (keys are flag names, see docs/CONFIG.md)", k)
		}
		var s string
		switch v := obj[k].(type) {
		case string:
			s = v
		case json.Number:
			s = v.String()
		case bool:
			s = strconv.FormatBool(v)
		default:
			return fmt.Errorf("key %q: value must be a string, number or boolean", k)
		}
		if err := fs.Set(k, s); err != nil {
			return fmt.Errorf("key %q: invalid value %q: %w", k, s, err)
		}
	}
	return nil
}
