// Package e2e holds coserver's end-to-end tests: real account and game
// servers started in-process with app.Start on loopback, driven by the
// client package over TCP exactly as players reach them. The package has
// no code of its own; run it with `go test ./e2e/`.
//
// Environment: COSERVER_E2E_LOG=1 prints the servers' logs.
// TestAdminPageKick drives the admin page in headless Chromium
// (/usr/bin/chromium); without it the test skips, unless
// COSERVER_REQUIRE_BROWSER=1 (as in CI), which makes it fail.
package e2e
