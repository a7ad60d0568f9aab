// Package sipguard is the inbound SIP policy of dozvon's user agent: which
// sources may call (trunk allow-lists, digest-authenticated users), who may
// be called (our users only), how many calls at once, how fast one source
// may knock, and which scanners are turned away. It decides; package
// telephony applies its verdicts to sipgo requests.
package sipguard
