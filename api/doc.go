// Package api serves dozvon over HTTP: a JSON API, WebSocket events and the
// mobile web page for field collectors.
package api
