#!/bin/sh
# Create (once) and open a demo vault. The passphrase is printed: this vault
# is for trying Amparo out, never for real data.
set -eu
amparo=${1:-build/tui/amparo}
dir=demo
vault=$dir/demo.amparo
pass="demo passphrase for trying amparo"
mkdir -p "$dir"
if [ ! -f "$vault" ]; then
	printf '%s\n' "$pass" | "$amparo" init "$vault" --name "Demo Admin" --passphrase-fd 0
	for f in policies/en/00-comprehensive-policy.md policies/en/09-detention.md; do
		[ -f "$f" ] || continue
		title=$(sed -n 's/^title: //p' "$f" | head -n 1)
		cat=$(sed -n 's/^category: //p' "$f" | head -n 1)
		sed '1,/^---$/d' "$f" > "$dir/.body"
		exec 3<<EOT
$pass
EOT
		"$amparo" add "$vault" --title "$title" --category "$cat" --passphrase-fd 3 < "$dir/.body"
		rm -f "$dir/.body"
	done
fi
echo
echo "Demo vault: $vault"
echo "Demo passphrase: $pass"
echo
printf '%s\n' "$pass" | "$amparo" ls "$vault" --passphrase-fd 0
