#!/bin/sh
# Create (once) and open a demo vault, started from the built-in template
# library. The passphrase is printed: this vault is for trying Amparo out,
# never for real data.
set -eu
amparo=${1:-build/tui/amparo}
dir=demo
vault=$dir/demo.amparo
pass="demo passphrase for trying amparo"
lang=en
case "${LANG:-}" in es*) lang=es ;; esac
mkdir -p "$dir"
if [ ! -f "$vault" ]; then
	printf '%s\n' "$pass" | "$amparo" init "$vault" --name "Demo Admin" \
		--template comprehensive --lang "$lang" --passphrase-fd 0
fi
echo
echo "Demo vault: $vault"
echo "Demo passphrase: $pass"
echo
# The full-screen interface when there is a terminal and this build has
# one; the document list otherwise.
if [ -t 0 ] && [ -t 1 ] && "$amparo" --help | grep -q "amparo FILE "; then
	exec "$amparo" "$vault"
fi
printf '%s\n' "$pass" | "$amparo" ls "$vault" --passphrase-fd 0
