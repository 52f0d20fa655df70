package admin

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Guard returns next behind the admin address's access rule:
//
//   - a client on loopback needs no token, but must name the server by a
//     loopback address or "localhost" in the Host header (a web page whose
//     name was rebound to 127.0.0.1 cannot reach it);
//   - any other client must send "Authorization: Bearer <token>"; with no
//     token set, only loopback clients get in;
//   - a POST from a web page of another origin is refused
//     (http.CrossOriginProtection), so a page the operator visits cannot
//     kick or ban through the operator's browser.
//
// A loopback client that sends a token must send the right one.
func Guard(token string, next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth, hasAuth := bearer(r)
		switch {
		case hasAuth:
			if token == "" || subtle.ConstantTimeCompare([]byte(auth), []byte(token)) != 1 {
				w.Header().Set("WWW-Authenticate", `Bearer realm="coserver admin"`)
				writeError(w, http.StatusUnauthorized, "wrong admin token")
				return
			}
		case !loopbackClient(r):
			w.Header().Set("WWW-Authenticate", `Bearer realm="coserver admin"`)
			writeError(w, http.StatusUnauthorized,
				"the admin API needs Authorization: Bearer <token> (-admin-token) from clients that are not on loopback")
			return
		case !loopbackHost(r.Host):
			writeError(w, http.StatusForbidden, "use http://127.0.0.1:PORT or http://localhost:PORT from this host")
			return
		}
		protected.ServeHTTP(w, r)
	})
}

// bearer returns the token of r's Authorization header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", false
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", true // present but not a bearer token: wrong
	}
	return strings.TrimSpace(tok), true
}

// loopbackClient reports whether r comes from a loopback address.
func loopbackClient(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && ap.Addr().Unmap().IsLoopback()
}

// loopbackHost reports whether a Host header names this host by loopback.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
