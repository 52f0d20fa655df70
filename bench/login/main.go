// Command login measures an honest player's login latency at the account
// server while one IP hammers it with concurrent looping logins (issue 10,
// item 6). It speaks MsgAccount over TCP itself and only talks to loopback
// addresses: the attacker and the honest player each dial from their own
// 127.x address, so the server sees two IPs. Run it against a server started
// with -auto-register: the first login of each account creates it. See
// run.sh for the before/after comparison.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coserver/coserver/msg"
	"github.com/coserver/coserver/rc5"
	"github.com/coserver/coserver/tq"
	"github.com/coserver/coserver/wire"
)

// answerTimeout bounds the wait for one login's answer.
const answerTimeout = 60 * time.Second

func main() {
	addr := flag.String("addr", "127.0.0.1:29958", "account server address (loopback)")
	attackers := flag.Int("attackers", 32, "concurrent looping logins from the attacker IP")
	attackerIP := flag.String("attacker-ip", "127.0.0.2", "loopback address the attacker dials from")
	honestIP := flag.String("honest-ip", "127.0.0.3", "loopback address the honest player dials from")
	n := flag.Int("n", 100, "honest logins measured, one after another")
	warmup := flag.Duration("warmup", 2*time.Second, "attack time before the first measured login")
	interval := flag.Duration("interval", 300*time.Millisecond, "pause between honest logins (keep it under the server's per-IP login rate)")
	flag.Parse()
	if err := run(*addr, *attackers, netip.MustParseAddr(*attackerIP), netip.MustParseAddr(*honestIP), *n, *warmup, *interval); err != nil {
		fmt.Fprintln(os.Stderr, "login bench:", err)
		os.Exit(1)
	}
}

func run(addr string, attackers int, attackerIP, honestIP netip.Addr, n int, warmup, interval time.Duration) error {
	for _, ip := range []netip.Addr{attackerIP, honestIP} {
		if !ip.IsLoopback() {
			return fmt.Errorf("%v is not a loopback address", ip)
		}
	}
	// Create both accounts (auto-registration) before the attack.
	for _, who := range []struct {
		ip   netip.Addr
		name string
	}{{attackerIP, "hammer"}, {honestIP, "honest"}} {
		if code, err := login(who.ip, addr, who.name, "pw"); err != nil || code != 0 {
			return fmt.Errorf("creating %s: code %v, %v", who.name, code, err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var attempts, accepted, failed atomic.Int64
	var codes sync.Map // msg.RejectCode → *atomic.Int64
	for range attackers {
		wg.Go(func() {
			for ctx.Err() == nil {
				code, err := login(attackerIP, addr, "hammer", "pw")
				attempts.Add(1)
				switch {
				case err != nil:
					failed.Add(1)
				case code == 0:
					accepted.Add(1)
				default:
					c, _ := codes.LoadOrStore(code, new(atomic.Int64))
					c.(*atomic.Int64).Add(1)
				}
			}
		})
	}
	start := time.Now()
	select {
	case <-time.After(warmup):
	case <-ctx.Done():
	}
	lat := make([]time.Duration, 0, n)
	refused := map[msg.RejectCode]int{}
	for i := range n {
		if i > 0 {
			select {
			case <-time.After(interval):
			case <-ctx.Done():
			}
		}
		if ctx.Err() != nil {
			break
		}
		t0 := time.Now()
		code, err := login(honestIP, addr, "honest", "pw")
		d := time.Since(t0)
		if err != nil {
			cancel()
			wg.Wait()
			return fmt.Errorf("honest login: %w", err)
		}
		if code != 0 {
			refused[code]++
			continue
		}
		lat = append(lat, d)
	}
	cancel()
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	fmt.Printf("honest logins: %d ok, refused %v\n", len(lat), refused)
	if len(lat) > 0 {
		fmt.Printf("honest latency ms: p50 %.1f  p99 %.1f  max %.1f\n",
			ms(pct(lat, 50)), ms(pct(lat, 99)), ms(lat[len(lat)-1]))
	}
	fmt.Printf("attacker: %d attempts in %.1fs (%.0f/s), %d accepted, %d errors, refused:",
		attempts.Load(), elapsed.Seconds(), float64(attempts.Load())/elapsed.Seconds(), accepted.Load(), failed.Load())
	codes.Range(func(k, v any) bool {
		fmt.Printf(" %v=%d", k, v.(*atomic.Int64).Load())
		return true
	})
	fmt.Println()
	return nil
}

func pct(sorted []time.Duration, p int) time.Duration {
	return sorted[min(len(sorted)-1, len(sorted)*p/100)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// login sends one MsgAccount from the local address from and returns the
// answer's reject code (0: accepted).
func login(from netip.Addr, addr, name, pw string) (msg.RejectCode, error) {
	field, err := rc5.New5017().EncryptPassword(pw)
	if err != nil {
		return 0, err
	}
	var c wire.Codec
	b, err := c.Encode(nil, &msg.Account{Account: name, Password: field, Server: "coserver"})
	if err != nil {
		return 0, err
	}
	d := net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(from, 0)), Timeout: answerTimeout}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		return 0, err
	}
	defer nc.Close()
	cipher := tq.NewClient()
	cipher.Encrypt(b)
	if _, err := nc.Write(b); err != nil {
		return 0, err
	}
	_ = nc.SetReadDeadline(time.Now().Add(answerTimeout))
	p, err := wire.NewFramer(nc, cipher, nil).Next()
	if err != nil {
		return 0, fmt.Errorf("no answer: %w", err)
	}
	var ans msg.ConnectEx
	if err := c.Decode(p, &ans); err != nil {
		return 0, err
	}
	if code, rejected := ans.Rejected(); rejected {
		if code == 0 {
			return 0, errors.New("reject with code 0")
		}
		return code, nil
	}
	return 0, nil
}
