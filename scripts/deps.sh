#!/bin/sh
# Install what Amparo needs to build and test, on Debian 12, where missing.
# Runs apt-get only when something is missing; as root, or through sudo.
set -eu
pkgs="build-essential cmake pkg-config libsodium-dev libsqlite3-dev sqlite3
libncurses-dev libcmocka-dev gettext tmux clang libclang-rt-14-dev sqlcipher
age pandoc python3 e2fsprogs util-linux cppcheck"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "Installing:$missing"
if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
