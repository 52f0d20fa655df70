package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"time"

	"github.com/coserver/coserver/config"
)

// Limits of a call to the running server's admin API.
const (
	adminCallTimeout = 5 * time.Second // the whole call
	adminAnswerBytes = 64 << 10        // the answer read at most
)

// errNoServer says that no server answered on the admin address.
var errNoServer = errors.New("no running server answered")

// adminClient calls the admin API of the server running with the same
// settings (-admin-addr, -admin-token).
type adminClient struct {
	base  string // http://host:port
	token string
	http  *http.Client
}

// newAdminClient returns a client of the admin address of cfg. A server
// listening on every interface is reached on loopback.
func newAdminClient(cfg config.Config) (*adminClient, error) {
	addr := cfg.General.AdminAddr
	if addr == "" {
		return nil, fmt.Errorf("%w: the admin address is off (-admin-addr is empty)", errNoServer)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("-admin-addr %q: %w", addr, err)
	}
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return &adminClient{base: "http://" + net.JoinHostPort(host, port), token: cfg.General.AdminToken,
		http: &http.Client{Timeout: adminCallTimeout}}, nil
}

// post sends req as JSON to the API endpoint path and decodes the answer
// into resp. A server that cannot be reached is errNoServer; an answer other
// than 200 is an error with the server's text.
func (c *adminClient) post(ctx context.Context, path string, req, resp any) error {
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	return c.call(ctx, http.MethodPost, path, bytes.NewReader(body), resp)
}

// get asks the API endpoint path and decodes the answer into resp, as post
// does.
func (c *adminClient) get(ctx context.Context, path string, resp any) error {
	return c.call(ctx, http.MethodGet, path, nil, resp)
}

// call sends one request to the API endpoint path (a JSON body when body
// is not nil) and decodes the answer into resp.
func (c *adminClient) call(ctx context.Context, method, path string, body io.Reader, resp any) error {
	r, err := http.NewRequestWithContext(ctx, method, c.base+"/admin/api/"+path, body)
	if err != nil {
		return err
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		r.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(r)
	if err != nil {
		return fmt.Errorf("%w at %s: %w", errNoServer, c.base, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, adminAnswerBytes))
	if err != nil {
		return fmt.Errorf("reading the answer of %s: %w", c.base, err)
	}
	if res.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error = string(data)
		}
		return fmt.Errorf("the server at %s answered %s: %s", c.base, res.Status, e.Error)
	}
	if err := json.Unmarshal(data, resp); err != nil {
		return fmt.Errorf("the answer of %s: %w", c.base, err)
	}
	return nil
}

// unlockAccount asks the running server to clear the login lockouts of
// account: they live in its memory, not in the database.
func unlockAccount(ctx context.Context, cfg config.Config, account string, stdout io.Writer) error {
	c, err := newAdminClient(cfg)
	if err != nil {
		return fmt.Errorf("unlock needs the running account server (lockouts live in its memory): %w", err)
	}
	var ans struct {
		Cleared int `json:"cleared"`
	}
	if err := c.post(ctx, "unlock", map[string]string{"account": account}, &ans); err != nil {
		return fmt.Errorf("unlock needs the running account server (lockouts live in its memory): %w", err)
	}
	fmt.Fprintf(stdout, "account %s unlocked on the server at %s (%d lockout records cleared)\n", account, c.base, ans.Cleared)
	return nil
}

// disconnectBanned asks the running server, if there is one, to disconnect
// the banned account's character, and says what happened. Only a server
// that answered with an error is an error.
func disconnectBanned(ctx context.Context, cfg config.Config, account string, stdout io.Writer) error {
	c, err := newAdminClient(cfg)
	if err == nil {
		var ans struct {
			Disconnected bool `json:"disconnected"`
		}
		if err = c.post(ctx, "ban", map[string]string{"account": account}, &ans); err == nil {
			if ans.Disconnected {
				fmt.Fprintf(stdout, "the server at %s disconnected its character\n", c.base)
			} else {
				fmt.Fprintf(stdout, "its character is not online on the server at %s\n", c.base)
			}
			return nil
		}
	}
	if errors.Is(err, errNoServer) {
		fmt.Fprintf(stdout, "%v: a character online stays until it logs out; its next login is refused\n", err)
		return nil
	}
	return fmt.Errorf("the ban is stored, but disconnecting its character failed: %w", err)
}
