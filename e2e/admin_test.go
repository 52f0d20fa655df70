package e2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/coserver/coserver/config"
)

// Browser test settings.
const (
	// chromiumPath is Debian's Chromium, which .ci/run installs.
	chromiumPath = "/usr/bin/chromium"
	// requireBrowserEnv set to 1 makes a missing Chromium a failure
	// instead of a skip (CI sets it).
	requireBrowserEnv = "COSERVER_REQUIRE_BROWSER"
	// browserTimeout bounds the whole browser session.
	browserTimeout = 30 * time.Second
)

// newBrowser starts a headless Chromium for the test, or skips the test when
// there is none (fails if requireBrowserEnv is 1).
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv(requireBrowserEnv) == "1" {
			t.Fatalf("%s=1 but there is no browser: %v (apt-get install chromium)", requireBrowserEnv, err)
		}
		t.Skipf("no headless browser: %v (apt-get install chromium, or set %s=1 to fail instead)", err, requireBrowserEnv)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox, // CI runs as root
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
	}
	ctx, cancel := context.WithTimeout(t.Context(), browserTimeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc(); cancel() })
	if err := chromedp.Do(bctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	return bctx
}

// TestAdminPageKick: a bot logs in, the operator sees it in the admin page's
// player table and as a dot on the live map, clicks Kick, and the bot is
// disconnected and gone from the table.
func TestAdminPageKick(t *testing.T) {
	s := startServerWith(t, newDB(t), "", func(c *config.Config) { c.General.AdminAddr = loopback + ":0" })
	bot := login(t, s.clientConfig("adm", 0))
	name := bot.Name()
	row := chromedp.CSS(fmt.Sprintf(`#players tr[data-name=%q]`, name))

	ctx := newBrowser(t)
	url := "http://" + s.app.AdminAddr().String() + "/admin/"
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url),
		chromedp.WaitVisible(row),
	); err != nil {
		t.Fatalf("the player table never showed %s: %v", name, err)
	}

	// The live map shows the bot's map first (the busiest): a red dot where
	// the bot stands, drawn over the floor.
	dot := fmt.Sprintf(`window.adminMap.floor && window.adminMap.dots.some(d => d.name === %q)`, name)
	pixel := fmt.Sprintf(`(() => {
		const d = window.adminMap.dots.find(d => d.name === %q);
		const p = document.getElementById("map").getContext("2d").getImageData(d.x, d.y, 1, 1).data;
		return p[0] > 200 && p[1] < 80 && p[2] < 80;
	})()`, name)
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](dot, chromedp.WithPollingTimeout(waitTimeout))); err != nil {
		t.Fatalf("no dot for %s on the map: %v", name, err)
	}
	red, err := chromedp.Run(ctx, chromedp.Evaluate[bool](pixel))
	if err != nil {
		t.Fatalf("reading the map canvas: %v", err)
	}
	if !red {
		t.Errorf("the map has no red dot at %s's position", name)
	}

	if err := chromedp.Do(ctx, chromedp.Click(row+" button.kick")); err != nil {
		t.Fatalf("clicking Kick: %v", err)
	}
	select {
	case <-bot.Done():
	case <-time.After(waitTimeout):
		t.Fatal("the bot is still connected after Kick")
	}
	if err := chromedp.Do(ctx, chromedp.WaitNotPresent(row)); err != nil {
		t.Fatalf("%s never left the table: %v", name, err)
	}
	msg, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("message")))
	if err != nil {
		t.Fatalf("reading the page's message: %v", err)
	}
	if want := name + " kicked"; msg != want {
		t.Errorf("page says %q, want %q", msg, want)
	}
	eventually(t, "nobody online", func() bool { return s.app.Online() == 0 })
}
