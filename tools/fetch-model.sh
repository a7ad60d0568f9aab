#!/usr/bin/env bash
# fetch-model.sh — make a Russian Vosk model available for dozvon.
#
# When VOSK_MODEL is set, only its layout is verified (nothing is downloaded).
# Otherwise vosk-model-small-ru-0.22 is downloaded from the official alphacephei site into
# var/models/, unzipped, its layout verified, and its path printed on the last line of stdout.
# Fails fast with a clear message when the site cannot be reached (connect timeout, stall timeout).
#
# Usage: tools/fetch-model.sh             then: export VOSK_MODEL="$(tools/fetch-model.sh | tail -1)"
# Env:   VOSK_MODEL            an existing model directory to verify instead of downloading
#        VOSK_MODEL_URL        override the download URL (a mirror); default is the official site
#        FETCH_CONNECT_TIMEOUT seconds to wait for the TCP/TLS connection (default 10)
#        DOZVON_MODELS_DIR     where to install (default var/models in the repository)
set -euo pipefail

NAME=vosk-model-small-ru-0.22
URL="${VOSK_MODEL_URL:-https://alphacephei.com/vosk/models/$NAME.zip}"
CONNECT_TIMEOUT="${FETCH_CONNECT_TIMEOUT:-10}"

die() { echo "fetch-model: $*" >&2; exit 1; }

# verify_layout DIR: the files libvosk reads for a "v2" model (am/, conf/, graph/). Mirrors
# asr/vosk.CheckModelDir, which the robot runs again before any call starts.
verify_layout() {
	local d="$1" f
	[[ -d "$d" ]] || die "model directory $d does not exist"
	for f in am/final.mdl conf/model.conf; do
		[[ -s "$d/$f" ]] || die "model directory $d: missing or empty $f (not a Vosk model?)"
	done
	[[ -s "$d/conf/mfcc.conf" || -s "$d/conf/fbank.conf" ]] ||
		die "model directory $d: missing conf/mfcc.conf (or conf/fbank.conf)"
	if [[ ! -s "$d/graph/HCLG.fst" ]]; then
		for f in graph/HCLr.fst graph/Gr.fst graph/disambig_tid.int; do
			[[ -s "$d/$f" ]] || die "model directory $d: missing graph/HCLG.fst and $f"
		done
	fi
}

if [[ -n "${VOSK_MODEL:-}" ]]; then
	verify_layout "$VOSK_MODEL"
	echo "fetch-model: VOSK_MODEL=$VOSK_MODEL has a valid layout; nothing to download" >&2
	echo "$VOSK_MODEL"
	exit 0
fi

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MODELS="${DOZVON_MODELS_DIR:-$ROOT/var/models}"
DEST="$MODELS/$NAME"

if [[ -d "$DEST" ]]; then
	verify_layout "$DEST"
	echo "fetch-model: $DEST is already in place" >&2
	echo "$DEST"
	exit 0
fi

command -v curl >/dev/null || die "curl is not installed (Debian: apt-get install -y curl)"
command -v unzip >/dev/null || die "unzip is not installed (Debian: apt-get install -y unzip)"

mkdir -p "$MODELS"
TMP="$(mktemp -d "$MODELS/.fetch.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT

echo "fetch-model: downloading $URL" >&2
# --connect-timeout: fail fast when the host is unreachable; --speed-limit/--speed-time: give up
# on a stalled transfer (under 1 KiB/s for 30 s) instead of hanging.
if ! curl --fail --location --silent --show-error \
	--connect-timeout "$CONNECT_TIMEOUT" --speed-limit 1024 --speed-time 30 \
	--output "$TMP/$NAME.zip" "$URL"; then
	die "cannot download $URL (no network access to alphacephei.com?).
  Download $NAME.zip on a machine with Internet access, unzip it, and set VOSK_MODEL=/path/to/$NAME
  (or VOSK_MODEL_URL to a reachable mirror). Without a model, dozvon can still run with --asr dtmf."
fi

unzip -q "$TMP/$NAME.zip" -d "$TMP" || die "cannot unzip $TMP/$NAME.zip (corrupt download?)"
[[ -d "$TMP/$NAME" ]] || die "$NAME.zip does not contain a $NAME/ directory"
verify_layout "$TMP/$NAME"
mv "$TMP/$NAME" "$DEST"
echo "fetch-model: installed $DEST; export VOSK_MODEL=$DEST" >&2
echo "$DEST"
