package account

import (
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

// BenchmarkLogin is a whole login through the account server over TCP
// (connect, cipher, MsgAccount, RC5, argon2id, token, MsgConnectEx), many
// clients in parallel, with the production hash parameters. Compare its
// ns/op with BenchmarkVerifyAlone's: the difference is what the server adds.
func BenchmarkLogin(b *testing.B) {
	f := newFixture(b, Config{})
	f.svc.cfg.HashParams = password.DefaultParams
	hash, err := password.Hash("secret", password.DefaultParams)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := f.db.CreateAccount(b.Context(), "bench", hash); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetParallelism(loginBenchClients) // clients per core: the server always has a hash to run
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			ans, conn := rawLogin(b, f.addr, "bench", "secret")
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
