// Package web is dozvon's pages: the login, the collector's phone page and
// the supervisor's console, served by `dozvon serve` from files embedded in
// the binary.
//
// The front end is server-rendered html/template pages and one small
// hand-written script (static/app.js, no framework, no build step): a cheap
// phone on a poor network gets a page that works as soon as its HTML
// arrives and is light to download; the script only does what a page
// cannot — the live updates over the events WebSocket, the API calls behind
// the buttons (with the session's CSRF token) and the script editor's
// lint-as-you-type. Nothing comes from a CDN, no external font: the service
// runs on a machine with no internet.
//
// Who may open which page is one table (pages in web.go), of the same kind
// as the API's, tested role by role; what a page shows comes from the
// store's queries with the principal's scope (a collector's debtors only),
// the same queries the API runs. Buttons act through the API's routes, so
// every action is authorised there, once. Phone numbers are shown masked.
package web
