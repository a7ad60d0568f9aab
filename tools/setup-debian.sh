#!/usr/bin/env bash
# setup-debian.sh — install what dozvon's build, demo and tests need on a fresh Debian machine.
#
# Debian packages: the real peers and voices the tests use (sipp, baresip, kamailio, espeak-ng, festival
# with the Russian voice, sox, PostgreSQL, Asterisk's Russian prompts), chromium for the pages'
# real-browser test, npm for libvosk.
# Then libvosk from the npm registry (tools/install-libvosk.sh) and the Go modules.
# Idempotent: packages already installed are skipped, so a second run is quick.
# Go itself (1.26+) and gcc are expected on the machine (see README).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PKGS=(sip-tester baresip kamailio espeak-ng festival festvox-ru sox postgresql asterisk-core-sounds-ru-wav curl unzip chromium)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Tools that may come from elsewhere than Debian (Node.js from NodeSource brings
# its own npm, and Debian's npm package would conflict with it): check the command.
for c in npm:npm make:make gcc:gcc; do
	command -v "${c%%:*}" >/dev/null || missing+=("${c##*:}")
done
if ((${#missing[@]})); then
	echo "setup-debian: installing ${missing[*]}"
	SUDO=""
	if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v go >/dev/null || { echo "setup-debian: Go 1.26+ is required (https://go.dev/dl)" >&2; exit 1; }

"$ROOT/tools/install-libvosk.sh"
(cd "$ROOT" && go mod download)
echo "setup-debian: ready"
