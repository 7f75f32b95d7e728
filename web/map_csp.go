package web

import (
	"net/url"
	"strings"
)

// tileSource is what the CSP's img-src adds for the map's tile server
// (Config.MapTileURL): its origin, with a Leaflet subdomain placeholder
// ("https://{s}.tile.example.org/...") as a wildcard. "" when no tiles
// are configured or the URL is not an http(s) one.
func tileSource(tileURL string) string {
	if tileURL == "" {
		return ""
	}
	u, err := url.Parse(strings.ReplaceAll(tileURL, "{s}.", "wildcard-subdomain."))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || strings.ContainsAny(u.Host, "{}; ,'\"") {
		return ""
	}
	host := strings.Replace(u.Host, "wildcard-subdomain.", "*.", 1)
	return " " + u.Scheme + "://" + host
}
