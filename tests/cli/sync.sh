# sync.sh: copies of one vault exchanging changes through files only.
# Two copies through a sync folder: divergent edits of one policy, "needs
# merge", a clean three-way merge, convergence (same text, same log, same
# object count); overlapping edits: conflict markers, refusals, a resolved
# text accepted; a revert in one copy survives the merge; three copies in
# a chain until they converge; a member added in one copy opens another
# (key slots travel); export/import by file: nothing new, replays, --all,
# missing prerequisites.
. "$(dirname "$0")/lib.sh" "$@"

# sync V DIR: `amparo sync`, which must succeed.
sync_ok()
{
	pass "$PW" sync "$1" "$2"
	assert_status 0
}

# view V OUT: everything a member sees of the vault, for comparing copies:
# ls, member ls, and for every document its log and text.
view()
{
	local id
	pass "$PW" ls "$1"
	assert_status 0
	cp "$T/out" "$2"
	cut -c1-12 "$T/out" >"$T/view.ids"
	pass "$PW" member "$1" ls
	assert_status 0
	# "(you)" and the slot note are about the copy, not the history.
	sed 's/  (no key slot in this copy)//' "$T/out" >>"$2"
	while read -r id; do
		pass "$PW" log "$1" "$id"
		assert_status 0
		cat "$T/out" >>"$2"
		pass "$PW" show "$1" "$id" --raw
		assert_status 0
		cat "$T/out" >>"$2"
	done <"$T/view.ids"
}

# objects V: the number of objects verify checked, in NOBJ.
objects()
{
	pass "$PW" verify "$1"
	assert_status 0
	NOBJ=$(sed -n 's/^All \([0-9]*\) objects verified.*/\1/p' "$T/out")
	[ -n "$NOBJ" ] || fail "verify printed no object count"
}

# same_copies V...: every copy shows what the first shows, and holds as
# many objects.
same_copies()
{
	local first=$1 n0 f
	shift
	view "$first" "$T/view.0"
	objects "$first"
	n0=$NOBJ
	for f in "$@"; do
		view "$f" "$T/view.1"
		cmp -s "$T/view.0" "$T/view.1" ||
			fail "$(basename "$f") differs from $(basename "$first"): $(diff "$T/view.0" "$T/view.1" | head -5 | tr '\n' '|')"
		objects "$f"
		[ "$NOBJ" -eq "$n0" ] ||
			fail "$(basename "$f") holds $NOBJ objects, $(basename "$first") $n0"
	done
}

# row_has V DOC TEXT: the document's row in ls holds TEXT (or, with !,
# does not).
row_has()
{
	pass "$PW" ls "$1"
	assert_status 0
	grep "^$2 " "$T/out" >"$T/row" || fail "ls of $(basename "$1") does not list $2"
	if [ "$3" = '!' ]; then
		grep -qF -- "$4" "$T/row" && fail "ls of $(basename "$1") still shows '$4': $(cat "$T/row")"
	else
		grep -qF -- "$3" "$T/row" || fail "ls of $(basename "$1") does not show '$3': $(cat "$T/row")"
	fi
	return 0
}

lines() { seq 1 10 | sed 's/^/Línea /'; }

# =====================================================================
note "two copies: non-overlapping edits, merge, convergence"
A=$T/a.amp B=$T/b.amp S=$T/folder
mkdir "$S"
make_vault "$A"
lines >"$T/base"
add_doc "$A" "Teléfonos" "$T/base"
D=$DOC_ID
cp "$A" "$B"
sed 's/^Línea 2$/Línea 2, cambiada en A/' "$T/base" >"$T/ta"
sed 's/^Línea 9$/Línea 9, cambiada en B/' "$T/base" >"$T/tb"
case_name "offline edit in A"
pass "$PW" edit "$A" "$D" --message "Edición A" <"$T/ta"
assert_status 0
case_name "offline edit in B"
pass "$PW" edit "$B" "$D" --message "Edición B" <"$T/tb"
assert_status 0

case_name "sync A, B, A"
sync_ok "$A" "$S"
sync_ok "$B" "$S"
assert_out_has "1 bundle imported"
sync_ok "$A" "$S"
for f in "$A" "$B"; do
	case_name "ls of $(basename "$f") after syncing"
	row_has "$f" "$D" "[needs merge]"
done
case_name "a sync with nothing new writes nothing"
ls "$S" >"$T/folder.before"
sync_ok "$A" "$S"
assert_out_has "already holds everything"
ls "$S" | cmp -s - "$T/folder.before" || fail "a sync with nothing new wrote a bundle"

case_name "edit refused while two versions wait for a merge"
cp "$A" "$T/before"
pass "$PW" edit "$A" "$D" <"$T/base"
assert_reported
assert_err "merge"
assert_same "$A" "$T/before" "an edit of a document needing a merge changed the vault"

case_name "merge --preview"
pass "$PW" merge "$A" "$D" --preview
assert_status 0
assert_err "0 conflicts"
sed -e 's/^Línea 2$/Línea 2, cambiada en A/' -e 's/^Línea 9$/Línea 9, cambiada en B/' "$T/base" >"$T/merged"
assert_out_file "$T/merged"
assert_same "$A" "$T/before" "merge --preview changed the vault"

case_name "merge (automatic, empty standard input)"
pass "$PW" merge "$A" "$D" </dev/null
assert_status 0
assert_out_has "Recorded merge revision"
row_has "$A" "$D" ! "[needs merge]"
pass "$PW" log "$A" "$D"
head -1 "$T/out" | grep -qF "[merge]" || fail "the newest revision is not marked as a merge"
case_name "merge of a document with one version"
cp "$A" "$T/before"
pass "$PW" merge "$A" "$D" </dev/null
assert_reported
assert_same "$A" "$T/before" "a merge with nothing to merge changed the vault"

case_name "sync the merge to B"
sync_ok "$A" "$S"
sync_ok "$B" "$S"
sync_ok "$A" "$S"
row_has "$B" "$D" ! "[needs merge]"
case_name "both copies show the same text"
pass "$PW" show "$A" "$D" --raw
cp "$T/out" "$T/a.text"
pass "$PW" show "$B" "$D" --raw
assert_out_file "$T/a.text"
assert_out_file "$T/merged"
case_name "both copies have the same logs and objects"
same_copies "$A" "$B"

# =====================================================================
note "two copies: overlapping edits conflict"
cp "$A" "$B"
sed 's/^Línea 5$/Línea 5: versión de A/' "$T/merged" >"$T/ca"
sed 's/^Línea 5$/Línea 5: versión de B/' "$T/merged" >"$T/cb"
pass "$PW" edit "$A" "$D" --message "Conflicto A" <"$T/ca"
assert_status 0
pass "$PW" edit "$B" "$D" --message "Conflicto B" <"$T/cb"
assert_status 0
sync_ok "$A" "$S"
sync_ok "$B" "$S"
sync_ok "$A" "$S"
row_has "$A" "$D" "[needs merge]"

case_name "merge --preview marks the conflict"
pass "$PW" merge "$A" "$D" --preview
assert_status 0
assert_err "1 conflict"
grep -q '^<<<<<<<' "$T/out" || fail "no <<<<<<< marker"
grep -qx '=======' "$T/out" || fail "no ======= marker"
grep -q '^>>>>>>>' "$T/out" || fail "no >>>>>>> marker"
grep -qxF 'Línea 5: versión de A' "$T/out" || fail "the preview lacks A's line"
grep -qxF 'Línea 5: versión de B' "$T/out" || fail "the preview lacks B's line"
grep -qxF 'Línea 5' "$T/out" && fail "the preview keeps the old line 5"
grep -qxF 'Línea 9, cambiada en B' "$T/out" || fail "the preview lost an earlier change"
cp "$T/out" "$T/marked"

cp "$A" "$T/before"
case_name "merge with empty standard input refuses a conflict"
pass "$PW" merge "$A" "$D" </dev/null
assert_status 1
assert_reported
assert_err "conflict"
assert_same "$A" "$T/before" "a refused merge changed the vault"
case_name "a text still holding markers is refused"
pass "$PW" merge "$A" "$D" <"$T/marked"
assert_reported
assert_err "conflict markers"
assert_same "$A" "$T/before" "a refused merge changed the vault"
case_name "a text holding only one marker is refused"
sed '/^=======$/d; /^>>>>>>>/d' "$T/marked" >"$T/onemarker"
pass "$PW" merge "$A" "$D" <"$T/onemarker"
assert_reported
assert_same "$A" "$T/before" "a refused merge changed the vault"
row_has "$A" "$D" "[needs merge]"

case_name "a resolved text is accepted"
sed 's/^Línea 5$/Línea 5: versión acordada/' "$T/merged" >"$T/resolved"
pass "$PW" merge "$A" "$D" --message "Acordado" <"$T/resolved"
assert_status 0
row_has "$A" "$D" ! "[needs merge]"
pass "$PW" show "$A" "$D" --raw
assert_out_file "$T/resolved"
pass "$PW" log "$A" "$D"
head -1 "$T/out" | grep -qF "Acordado" || fail "the merge message is not in the log"
sync_ok "$A" "$S"
sync_ok "$B" "$S"
pass "$PW" show "$B" "$D" --raw
assert_out_file "$T/resolved"
same_copies "$A" "$B"

# =====================================================================
note "a revert made in one copy survives the merge"
# Several documents, each created and edited within moments (so often in
# the same second), then copied; A reverts the edit, B changes another
# line. The common ancestor is the edit, not the creation: the merge must
# keep A's revert.
cp "$A" "$B"
RV=()
for i in 1 2 3 4 5 6; do
	lines >"$T/r0"
	add_doc "$A" "Revertir $i" "$T/r0"
	RV+=("$DOC_ID")
	sed 's/^Línea 5$/Línea 5 (añadido)/' "$T/r0" >"$T/r1"
	pass "$PW" edit "$A" "$DOC_ID" <"$T/r1"
	assert_status 0
done
cp "$A" "$B"
sed 's/^Línea 8$/Línea 8 (B)/' "$T/r1" >"$T/rb"
sed 's/^Línea 8$/Línea 8 (B)/' "$T/r0" >"$T/rwant"
for id in "${RV[@]}"; do
	pass "$PW" edit "$A" "$id" --message "Revertir" <"$T/r0"
	assert_status 0
	pass "$PW" edit "$B" "$id" <"$T/rb"
	assert_status 0
done
sync_ok "$A" "$S"
sync_ok "$B" "$S"
sync_ok "$A" "$S"
for id in "${RV[@]}"; do
	case_name "merge keeps the revert of $id"
	pass "$PW" merge "$A" "$id" --preview
	assert_status 0
	assert_err "0 conflicts"
	assert_out_file "$T/rwant"
done

# =====================================================================
note "three copies in a chain: A <-> F1 <-> B <-> F2 <-> C"
A=$T/a3.amp B=$T/b3.amp C=$T/c3.amp F1=$T/f1 F2=$T/f2
mkdir "$F1" "$F2"
make_vault "$A"
lines >"$T/base"
add_doc "$A" "Común" "$T/base"
K=$DOC_ID
add_doc "$A" "Solo A" "$T/base"
OA=$DOC_ID
cp "$A" "$B"
cp "$A" "$C"
sed 's/^Línea 1$/Línea 1 (A)/' "$T/base" >"$T/k.a"
sed 's/^Línea 10$/Línea 10 (C)/' "$T/base" >"$T/k.c"
pass "$PW" edit "$A" "$K" <"$T/k.a"
assert_status 0
pass "$PW" edit "$C" "$K" <"$T/k.c"
assert_status 0
pass "$PW" edit "$A" "$OA" <"$T/k.a"
assert_status 0
printf 'de B\n' >"$T/nb"
add_doc "$B" "Nuevo en B" "$T/nb"
printf 'de C\n' >"$T/nc"
add_doc "$C" "Nuevo en C" "$T/nc"
NC=$DOC_ID
pass "$PW" approve "$C" "$NC"
assert_status 0

# round: one pass along the chain and back.
round()
{
	sync_ok "$A" "$F1"
	sync_ok "$B" "$F1"
	sync_ok "$B" "$F2"
	sync_ok "$C" "$F2"
}
converged()
{
	view "$A" "$T/va"
	view "$B" "$T/vb"
	view "$C" "$T/vc"
	cmp -s "$T/va" "$T/vb" && cmp -s "$T/vb" "$T/vc"
}
case_name "three copies converge"
n=0
until converged; do
	n=$((n + 1))
	# A's objects reach C in one round, C's reach A in four (B syncs
	# F1 before F2).
	[ "$n" -le 6 ] || fail "the three copies have not converged after 6 rounds: $(diff "$T/va" "$T/vc" | head -5 | tr '\n' '|')"
	round
done
[ "$n" -ge 1 ] || fail "the copies were the same before any sync"
same_copies "$A" "$B" "$C"
row_has "$A" "$K" "[needs merge]"
grep -qF "Nuevo en B" "$T/va" && grep -qF "Nuevo en C" "$T/va" || fail "A lacks a document added in B or C"

case_name "a merge in the middle copy reaches both ends"
pass "$PW" merge "$B" "$K" </dev/null
assert_status 0
n=0
until converged; do
	n=$((n + 1))
	[ "$n" -le 6 ] || fail "the merge did not reach every copy in 6 rounds"
	round
done
same_copies "$A" "$B" "$C"
row_has "$C" "$K" ! "[needs merge]"
sed -e 's/^Línea 1$/Línea 1 (A)/' -e 's/^Línea 10$/Línea 10 (C)/' "$T/base" >"$T/k.want"
for f in "$A" "$B" "$C"; do
	pass "$PW" show "$f" "$K" --raw
	assert_status 0
	assert_out_file "$T/k.want"
done
row_has "$A" "$NC" "approved"

# =====================================================================
note "key slots travel: a member added in one copy opens another"
MP='mia nueva frase larga'
case_name "member added in A"
pass "$PW"$'\n'"$MP" member "$A" add Mía --role editor
assert_status 0
case_name "the new passphrase does not open B yet"
pass "$MP" ls "$B"
assert_status 3
sync_ok "$A" "$F1"
sync_ok "$B" "$F1"
case_name "after B syncs, it opens B"
pass "$MP" ls "$B"
assert_status 0
pass "$MP" member "$B" ls
grep "^Mía " "$T/out" | grep -qF "(you)" || fail "Mía's passphrase does not act as Mía in B"
case_name "and the member's edit in B travels back"
pass "$MP" edit "$B" "$OA" --message "Mía en B" <"$T/nb"
assert_status 0
sync_ok "$B" "$F1"
sync_ok "$A" "$F1"
pass "$PW" log "$A" "$OA"
head -1 "$T/out" | grep -qE '  Mía +Mía en B' || fail "A does not show Mía's edit made in B"

# =====================================================================
note "export and import by file"
A=$T/ea.amp B=$T/eb.amp
make_vault "$A"
cp "$A" "$T/empty-copy"
add_doc "$A" "Exportar" "$T/base"
X=$DOC_ID
cp "$A" "$B"
pass "$PW" edit "$A" "$X" <"$T/ta"
assert_status 0

case_name "export --peer X"
pass "$PW" export "$A" "$T/x1.bundle" --peer X
assert_status 0
assert_out_has "Wrote"
[ -s "$T/x1.bundle" ] || fail "export wrote no bundle"
case_name "export --peer X again: nothing new"
pass "$PW" export "$A" "$T/x2.bundle" --peer X
assert_status 0
assert_out_has "nothing new"
[ -e "$T/x2.bundle" ] && fail "an export with nothing new wrote a file"
case_name "export to a file that exists is refused"
pass "$PW" export "$A" "$T/x1.bundle" --peer Y
assert_reported
assert_err "exists"

case_name "import into the other copy"
view "$B" "$T/vb.before"
pass "$PW" import "$B" "$T/x1.bundle"
assert_status 0
assert_out_has "Imported"
view "$B" "$T/vb.after"
cmp -s "$T/vb.before" "$T/vb.after" && fail "the import changed nothing"
pass "$PW" show "$B" "$X" --raw
assert_out_file "$T/ta"
case_name "re-import of the same bundle"
cp "$B" "$T/before"
pass "$PW" import "$B" "$T/x1.bundle"
assert_status 0
assert_out_has "Nothing new"
view "$B" "$T/vb.again"
assert_same "$T/vb.again" "$T/vb.after" "a replayed bundle changed ls, log or text"
assert_same "$B" "$T/before" "a replayed bundle changed the vault file"
case_name "import of our own bundle into the vault that wrote it"
cp "$A" "$T/before"
pass "$PW" import "$A" "$T/x1.bundle"
assert_status 0
assert_out_has "Nothing new"
assert_same "$A" "$T/before" "importing our own bundle changed the vault"

note "missing prerequisites"
pass "$PW" edit "$A" "$X" <"$T/tb"
assert_status 0
case_name "incremental export"
pass "$PW" export "$A" "$T/x3.bundle" --peer X
assert_status 0
assert_out_has "1 object"
case_name "import of an incremental bundle into a copy lacking its prerequisites"
cp "$T/empty-copy" "$T/before"
pass "$PW" import "$T/empty-copy" "$T/x3.bundle"
assert_status 5
assert_reported
assert_err "missing prerequisites"
assert_same "$T/empty-copy" "$T/before" "a bundle with missing prerequisites changed the vault"
case_name "export --all"
pass "$PW" export "$A" "$T/all.bundle" --all
assert_status 0
objects "$A"
assert_out_has "verified"
pass "$PW" export "$A" "$T/all2.bundle" --all
assert_status 0
grep -qF "Wrote $T/all2.bundle: $NOBJ objects" "$T/out" ||
	fail "export --all does not carry all $NOBJ objects: $(cat "$T/out")"
case_name "import --all into the copy that lacked the prerequisites"
pass "$PW" import "$T/empty-copy" "$T/all.bundle"
assert_status 0
pass "$PW" import "$T/empty-copy" "$T/x3.bundle"
assert_status 0
assert_out_has "Nothing new"
same_copies "$A" "$T/empty-copy"
case_name "the incremental bundle now applies to B"
pass "$PW" import "$B" "$T/x3.bundle"
assert_status 0
same_copies "$A" "$B"

echo "ok"
