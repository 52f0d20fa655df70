// Package deploy_test checks the deployment files (the Dockerfile at the
// repository root and deploy/coserver.service) for the rules they must keep.
// Neither Docker nor systemd is needed: the files are parsed here, and
// .ci/run adds `systemd-analyze verify` and hadolint where installed.
package deploy_test

import (
	"bufio"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with its stage index.
type instruction struct {
	stage int
	cmd   string // upper case: FROM, RUN, USER...
	args  string
	line  int
}

// parseDockerfile reads instructions, joining continuation lines and
// dropping comments.
func parseDockerfile(t *testing.T, path string) []instruction {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []instruction
	stage, start := -1, 0
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = n
		}
		if strings.HasSuffix(line, `\`) {
			cur.WriteString(strings.TrimSuffix(line, `\`) + " ")
			continue
		}
		cur.WriteString(line)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		cur.Reset()
		cmd = strings.ToUpper(cmd)
		if cmd == "FROM" {
			stage++
		}
		out = append(out, instruction{stage, cmd, strings.TrimSpace(args), start})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(t, "../Dockerfile")
	last := ins[len(ins)-1].stage
	if last < 1 {
		t.Fatal("not a multi-stage build")
	}
	var final []instruction
	for _, in := range ins {
		if in.cmd == "FROM" {
			image := strings.Fields(in.args)[0]
			if !strings.Contains(image, ":") || strings.HasSuffix(image, ":latest") {
				t.Errorf("line %d: image %q: pin a tag, never latest", in.line, image)
			}
		}
		if in.stage == last {
			final = append(final, in)
		}
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") && !strings.Contains(in.args, "CGO_ENABLED=0") {
			t.Errorf("line %d: go build without CGO_ENABLED=0 (the final image has no libc)", in.line)
		}
		if in.cmd == "ADD" {
			t.Errorf("line %d: use COPY, not ADD", in.line)
		}
	}
	has := func(cmd string, match func(string) bool) bool {
		return slices.ContainsFunc(final, func(in instruction) bool { return in.cmd == cmd && match(in.args) })
	}
	finalImage := strings.Fields(final[0].args)[0]
	if !strings.Contains(finalImage, "distroless/static") && finalImage != "scratch" {
		t.Errorf("final image %q: want distroless/static or scratch", finalImage)
	}
	var user string
	for _, in := range final {
		if in.cmd == "USER" {
			user = in.args
		}
	}
	if u, _, _ := strings.Cut(user, ":"); u == "" || u == "root" || u == "0" {
		t.Errorf("final stage runs as %q: want a non-root USER", user)
	}
	if !has("VOLUME", func(a string) bool { return strings.Contains(a, "/data") }) {
		t.Error("no /data VOLUME for the database")
	}
	if !has("ENV", func(a string) bool { return strings.Contains(a, "COSERVER_DB=/data/") }) {
		t.Error("the database is not put in /data (ENV COSERVER_DB)")
	}
	if !has("ENV", func(a string) bool { return strings.Contains(a, "COSERVER_ADMIN_ADDR=127.0.0.1:") }) {
		t.Error("the admin endpoint is not on loopback (ENV COSERVER_ADMIN_ADDR)")
	}
	for _, port := range []string{"9958", "5816"} {
		if !has("EXPOSE", func(a string) bool { return slices.Contains(strings.Fields(a), port) }) {
			t.Errorf("port %s not exposed", port)
		}
	}
	if !has("ENTRYPOINT", func(a string) bool { return strings.HasPrefix(a, "[") }) {
		t.Error("ENTRYPOINT must be in exec form (signals reach coserver)")
	}
}

// parseUnit reads a systemd unit file: section → key → values (a key may
// repeat).
func parseUnit(t *testing.T, path string) map[string]map[string][]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string][]string{}
	section := ""
	header := regexp.MustCompile(`^\[([A-Za-z]+)\]$`)
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";") {
			continue
		}
		if m := header.FindStringSubmatch(line); m != nil {
			section = m[1]
			out[section] = map[string][]string{}
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || section == "" {
			t.Fatalf("%s:%d: not a key=value line in a section: %q", path, n+1, line)
		}
		out[section][k] = append(out[section][k], v)
	}
	return out
}

func TestSystemdUnit(t *testing.T) {
	u := parseUnit(t, "coserver.service")
	svc := u["Service"]
	if svc == nil || u["Unit"] == nil || u["Install"] == nil {
		t.Fatalf("sections: want Unit, Service, Install; got %v", u)
	}
	want := map[string]string{
		"NoNewPrivileges":       "yes",
		"ProtectSystem":         "strict",
		"ProtectHome":           "yes",
		"PrivateTmp":            "yes",
		"PrivateDevices":        "yes",
		"StateDirectory":        "coserver",
		"ExecReload":            "/bin/kill -HUP $MAINPID",
		"KillSignal":            "SIGTERM",
		"CapabilityBoundingSet": "",
	}
	for k, v := range want {
		if got := svc[k]; len(got) == 0 || got[len(got)-1] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if len(svc["DynamicUser"]) == 0 && len(svc["User"]) == 0 {
		t.Error("no User= or DynamicUser=: it would run as root")
	}
	if !slices.Contains(svc["SystemCallFilter"], "@system-service") {
		t.Errorf("SystemCallFilter = %q, want @system-service", svc["SystemCallFilter"])
	}
	fams := strings.Fields(strings.Join(svc["RestrictAddressFamilies"], " "))
	for _, f := range []string{"AF_INET", "AF_INET6"} {
		if !slices.Contains(fams, f) {
			t.Errorf("RestrictAddressFamilies lacks %s", f)
		}
	}
	if exec := svc["ExecStart"]; len(exec) != 1 || !strings.Contains(exec[0], "coserver serve") {
		t.Errorf("ExecStart = %q", exec)
	}
	if db := strings.Join(svc["Environment"], " "); !strings.Contains(db, "COSERVER_DB=/var/lib/coserver/") {
		t.Errorf("the database is not in the state directory: Environment = %q", db)
	}
	// The stop timeout must leave coserver its -shutdown-timeout (20s) to save.
	if st := svc["TimeoutStopSec"]; len(st) != 1 || atoi(st[0]) <= 20 {
		t.Errorf("TimeoutStopSec = %q: want more than the 20s shutdown timeout, in seconds", st)
	}
}

// atoi returns the number s, or -1.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}
