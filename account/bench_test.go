package account

import (
	"fmt"
	"net/netip"
	"sync/atomic"
	"testing"

	"github.com/coserver/coserver/password"
)

// BenchmarkVerifyAlone is the cost the account server cannot avoid: one
// argon2id check with the production parameters, run on every core.
func BenchmarkVerifyAlone(b *testing.B) {
	hash, err := password.Hash("secret", password.DefaultParams)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if ok, err := password.Verify(hash, "secret"); !ok || err != nil {
				b.Error("verify failed")
			}
		}
	})
}

// loginBenchClients is how many clients per core BenchmarkLogin runs.
const loginBenchClients = 8

// loginBenchAccounts is how many accounts BenchmarkLogin's clients share
// (one account runs at most MaxHashesPerAccount hashes at once).
const loginBenchAccounts = 256

// BenchmarkLogin is a whole login through the account server over TCP
// (connect, cipher, MsgAccount, RC5, argon2id, token, MsgConnectEx), many
// clients in parallel, each on its own account, from an IP exempt from the
// per-IP limits, with the production hash parameters. Compare its ns/op with
// BenchmarkVerifyAlone's: the difference is what the server adds.
func BenchmarkLogin(b *testing.B) {
	f := newFixture(b, Config{HashQueue: loginBenchAccounts,
		Throttle: ThrottleConfig{ExemptIPs: []netip.Prefix{netip.PrefixFrom(clientIP, 32)}}})
	f.svc.cfg.HashParams = password.DefaultParams
	hash, err := password.Hash("secret", password.DefaultParams)
	if err != nil {
		b.Fatal(err)
	}
	for i := range loginBenchAccounts {
		if _, err := f.db.CreateAccount(b.Context(), fmt.Sprint("bench", i), hash); err != nil {
			b.Fatal(err)
		}
	}
	var next atomic.Int64
	b.ReportAllocs()
	b.SetParallelism(loginBenchClients) // clients per core: the server always has a hash to run
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		name := fmt.Sprint("bench", next.Add(1)%loginBenchAccounts)
		for pb.Next() {
			ans, conn := rawLogin(b, f.addr, name, "secret")
			if ans == nil {
				b.Error("no answer")
				return
			}
			if _, rejected := ans.Rejected(); rejected {
				b.Errorf("rejected: %+v", ans)
				return
			}
			conn.Close()
		}
	})
}
