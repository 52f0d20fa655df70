package bots

import (
	"bytes"
	"net"
	"strings"
	"testing"
)

func TestDiagnose(t *testing.T) {
	cases := map[string]string{
		"login_eof":                    "-max-conns-per-ip",
		"login_conn_reset":             "-max-conns-per-ip",
		"login_conn_refused":           "-account-addr",
		"login_reject_InvalidPassword": "-auto-register",
		"login_reject_ServerDown":      "maintenance",
		"login_timeout":                "-rate",
	}
	for kind, want := range cases {
		rep := Report{Bots: 100, Logins: 32, Errors: map[string]int64{kind: 68, "conn_eof": 99}}
		if !failedMostly(rep) {
			t.Fatal("32 of 100 is a failed run")
		}
		if got := diagnose(rep); !strings.Contains(got, want) {
			t.Errorf("%s: %q lacks %q", kind, got, want)
		}
	}
	if failedMostly(Report{Bots: 100, Logins: 50}) {
		t.Error("half the bots logged in: not a failure")
	}
}

// TestMainFailsWhenNoServer runs the command against a closed port: it exits
// 1 and says why.
func TestMainFailsWhenNoServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	var out, errOut bytes.Buffer
	code := Main([]string{"-account-addr", addr, "-n", "2", "-rate", "50", "-duration", "300ms"}, &out, &errOut)
	if code != exitRun || !strings.Contains(errOut.String(), "only 0 of 2 bots logged in") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut.String())
	}
}
