#!/usr/bin/env bash
# install-libvosk.sh — put libvosk.so (Vosk 0.3.39, linux-x86_64) into third_party/vosk/lib/.
#
# The only source is the npm registry: `npm pack vosk@0.3.39` downloads the package tarball
# (npm checks it against the registry's sha512 integrity), and we extract the one shared library.
# No header is installed: package asr/vosk declares the few C prototypes it needs itself and loads
# the library with dlopen at run time, so `go build ./...` never needs this step.
#
# Idempotent: when the library is already in place with the expected checksum, nothing is done.
# Usage: tools/install-libvosk.sh            (from anywhere inside the repository)
set -euo pipefail

VERSION=0.3.39
# sha256 of package/lib/linux-x86_64/libvosk.so inside vosk-0.3.39.tgz (npm integrity
# sha512-/pWD6KLLxV/0Pu/ZfovNWadFC6q01hyvzY5DTEQY5r/6QlQMg60FaY1bjK0qcWN42roNOOnRrBxtAOqk7/OGkw==).
SO_SHA256=9f94ef218c32e271ae8ac84065ab25191af48832c06c6e624984b1c80f0b0920

die() { echo "install-libvosk: $*" >&2; exit 1; }

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST_DIR="$ROOT/third_party/vosk/lib"
DEST="$DEST_DIR/libvosk.so"

case "$(uname -s)-$(uname -m)" in
Linux-x86_64) ;;
*) die "only linux-x86_64 is supported by the npm vosk@$VERSION package (this is $(uname -s)-$(uname -m))" ;;
esac

if [[ -f "$DEST" ]] && echo "$SO_SHA256  $DEST" | sha256sum --check --status; then
	echo "install-libvosk: $DEST is already installed (vosk $VERSION)"
	exit 0
fi

command -v npm >/dev/null || die "npm is not installed (Debian: apt-get install -y npm)"
command -v tar >/dev/null || die "tar is not installed"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "install-libvosk: npm pack vosk@$VERSION"
(cd "$TMP" && npm pack --silent "vosk@$VERSION" >/dev/null) ||
	die "npm pack vosk@$VERSION failed (is the npm registry reachable?)"
TGZ="$TMP/vosk-$VERSION.tgz"
[[ -f "$TGZ" ]] || die "npm pack did not produce $TGZ"

tar -xzf "$TGZ" -C "$TMP" package/lib/linux-x86_64/libvosk.so ||
	die "vosk-$VERSION.tgz has no package/lib/linux-x86_64/libvosk.so"
SO="$TMP/package/lib/linux-x86_64/libvosk.so"
echo "$SO_SHA256  $SO" | sha256sum --check --status ||
	die "libvosk.so from vosk-$VERSION.tgz has an unexpected sha256 $(sha256sum "$SO" | cut -d' ' -f1)"

mkdir -p "$DEST_DIR"
install -m 0755 "$SO" "$DEST.tmp"
mv -f "$DEST.tmp" "$DEST"
echo "install-libvosk: installed $DEST"
