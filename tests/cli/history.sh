# history.sh: revisions end to end: add and edit (text from standard
# input), log (newest first, with messages), diff with no, one and two
# revisions, restore, revision id prefixes (unique and ambiguous), empty
# and unchanged edits refused, the review cycle (submit, approve, a new
# edit back to draft, archive), search ignoring case and accents, and
# show --rev.
. "$(dirname "$0")/lib.sh" "$@"

V=$T/v.amp

# log_ids DOC: the 12-digit revision ids `log` prints, in its order, into
# $T/ids (one a line); the number of revisions in NREVS.
log_ids()
{
	pass "$PW" log "$V" "$1"
	assert_status 0
	sed -n 's/^\([0-9a-f]\{12\}\)  .*/\1/p' "$T/out" >"$T/ids"
	[ "$(wc -l <"$T/ids")" -eq "$(wc -l <"$T/out")" ] ||
		fail "a log line does not start with a 12-digit revision id"
	NREVS=$(wc -l <"$T/ids")
}

# edit_doc DOC BODYFILE [OPTIONS...]: record a revision; its 12-digit id
# is left in REV.
edit_doc()
{
	local doc=$1 body=$2
	shift 2
	pass "$PW" edit "$V" "$doc" "$@" <"$body"
	assert_status 0
	REV=$(sed -n 's/^Recorded revision \([0-9a-f]\{12\}\) of .*/\1/p' "$T/out")
	[ -n "$REV" ] || fail "edit printed no revision id"
}

# ls_status DOC_ID: the status column of the document's row in `ls`.
ls_status()
{
	pass "$PW" ls "$V"
	assert_status 0
	grep "^$1 " "$T/out" >"$T/row" || fail "ls does not list $1"
	STATUS=$(sed -E 's/^[0-9a-f]{12}  [a-z]+ +(draft|in review|approved|archived) .*/\1/' "$T/row")
	case $STATUS in
	draft | "in review" | approved | archived) ;;
	*) fail "no status in the ls row: $(cat "$T/row")" ;;
	esac
}

# --- Texts ----------------------------------------------------------------
printf 'Protocolo de detención\n\nSi detienen a una compañera:\n1. Llamar a la abogada.\n2. Avisar a la familia.\n3. Anotar la hora.\n' >"$T/t1"
printf 'Protocolo de detención\n\nSi detienen a una compañera:\n1. Llamar a la abogada de guardia.\n2. Avisar a la familia.\n3. Anotar la hora.\n' >"$T/t2"
printf 'Protocolo de detención\n\nSi detienen a una compañera:\n1. Llamar a la abogada de guardia.\n2. Avisar a la familia.\n3. Anotar la hora y el lugar.\n4. No hablar con la prensa.\n' >"$T/t3"

note "init, add, three edits"
make_vault "$V"
case_name "add"
add_doc "$V" "Detención" "$T/t1"
D=$DOC_ID
log_ids "$D"
[ "$NREVS" -eq 1 ] || fail "a new document has $NREVS revisions"
R1=$(head -1 "$T/ids")

case_name "edit 1"
edit_doc "$D" "$T/t2" --message "Abogada de guardia"
R2=$REV
case_name "edit 2"
edit_doc "$D" "$T/t3" --message "Lugar y prensa"
R3=$REV

note "log: newest first, with messages"
case_name "log"
log_ids "$D"
[ "$NREVS" -eq 3 ] || fail "log shows $NREVS revisions, not 3"
printf '%s\n' "$R3" "$R2" "$R1" | cmp -s - "$T/ids" ||
	fail "log is not newest first: got $(tr '\n' ' ' <"$T/ids"), want $R3 $R2 $R1"
grep "^$R3 " "$T/out" | grep -qF "Lugar y prensa" || fail "log lacks the message of $R3"
grep "^$R2 " "$T/out" | grep -qF "Abogada de guardia" || fail "log lacks the message of $R2"
grep "^$R1 " "$T/out" | grep -qF "Create" || fail "log lacks the message of the first revision"
grep "^$R3 " "$T/out" | grep -qF "[head]" || fail "the newest revision is not marked head"
grep "^$R1 " "$T/out" | grep -qF "Ana" || fail "log does not name the author"

note "diff: no revision (head against its parent)"
case_name "diff, no REV"
pass "$PW" diff "$V" "$D"
assert_status 0
cat >"$T/want" <<EOF
--- $R2
+++ $R3
@@ -3,4 +3,5 @@
 Si detienen a una compañera:
 1. Llamar a la abogada de guardia.
 2. Avisar a la familia.
-3. Anotar la hora.
+3. Anotar la hora y el lugar.
+4. No hablar con la prensa.
EOF
assert_out_file "$T/want"

note "diff: one revision (against the head)"
case_name "diff REV1"
pass "$PW" diff "$V" "$D" "$R1"
assert_status 0
cat >"$T/want" <<EOF
--- $R1
+++ $R3
@@ -1,6 +1,7 @@
 Protocolo de detención
 
 Si detienen a una compañera:
-1. Llamar a la abogada.
+1. Llamar a la abogada de guardia.
 2. Avisar a la familia.
-3. Anotar la hora.
+3. Anotar la hora y el lugar.
+4. No hablar con la prensa.
EOF
assert_out_file "$T/want"

note "diff: two revisions"
case_name "diff REV1 REV2"
pass "$PW" diff "$V" "$D" "$R1" "$R2"
assert_status 0
cat >"$T/want" <<EOF
--- $R1
+++ $R2
@@ -1,6 +1,6 @@
 Protocolo de detención
 
 Si detienen a una compañera:
-1. Llamar a la abogada.
+1. Llamar a la abogada de guardia.
 2. Avisar a la familia.
 3. Anotar la hora.
EOF
assert_out_file "$T/want"

case_name "diff REV2 REV1 (reversed)"
pass "$PW" diff "$V" "$D" "$R2" "$R1"
assert_status 0
grep -qxF -- "-1. Llamar a la abogada de guardia." "$T/out" || fail "reversed diff lacks the removed line"
grep -qxF -- "+1. Llamar a la abogada." "$T/out" || fail "reversed diff lacks the added line"

case_name "diff of a revision with itself"
pass "$PW" diff "$V" "$D" "$R2" "$R2"
assert_status 0
assert_out_has "No differences"
grep -q '^[-+]' "$T/out" && fail "diff of a revision with itself shows changes"

case_name "diff of the first revision alone"
printf 'solo\n' >"$T/solo"
add_doc "$V" "Sola" "$T/solo"
pass "$PW" diff "$V" Sola
assert_status 0
assert_out_has "first one"

note "show --rev: an old revision"
case_name "show --rev R1 --raw"
pass "$PW" show "$V" "$D" --rev "$R1" --raw
assert_status 0
assert_out_file "$T/t1"
case_name "show --rev R2 (formatted)"
pass "$PW" show "$V" "$D" --rev "$R2"
assert_status 0
grep -qE "^Revision: +$R2\$" "$T/out" || fail "show --rev does not name revision $R2"
assert_out_has "abogada de guardia."
grep -qF "No hablar con la prensa" "$T/out" && fail "show --rev R2 shows text of a later revision"
case_name "show (head) --raw"
pass "$PW" show "$V" "$D" --raw
assert_status 0
assert_out_file "$T/t3"

note "revision ids: full, upper case, short prefixes"
log_ids "$D"
for p in "$R1" "${R1:0:8}" "${R1:0:6}" "$(printf '%s' "$R1" | tr a-f A-F)"; do
	case_name "show --rev $p"
	pass "$PW" show "$V" "$D" --rev "$p" --raw
	# 4 to 5 digits could collide by chance; 6 or more must not here.
	assert_status 0
	assert_out_file "$T/t1"
done
case_name "show --rev with 3 digits"
pass "$PW" show "$V" "$D" --rev "${R1:0:3}" --raw
assert_status 5
assert_reported
case_name "show --rev not hex"
pass "$PW" show "$V" "$D" --rev "zzzzzz" --raw
assert_status 5
assert_reported
case_name "show --rev unknown"
unknown=000000000000
grep -q "^$unknown" "$T/ids" && unknown=ffffffffffff
pass "$PW" show "$V" "$D" --rev "$unknown" --raw
assert_status 5
assert_err "revision"
case_name "show --rev of another document's revision"
log_ids Sola
RS=$(head -1 "$T/ids")
pass "$PW" show "$V" "$D" --rev "$RS" --raw
assert_status 5
assert_reported

note "restore: a new revision with the old text"
case_name "restore R1 by prefix"
log_ids "$D"
before=$NREVS
pass "$PW" restore "$V" "$D" "${R1:0:7}"
assert_status 0
R4=$(sed -n 's/^Recorded revision \([0-9a-f]\{12\}\) .*/\1/p' "$T/out")
[ -n "$R4" ] || fail "restore printed no revision id"
log_ids "$D"
[ "$NREVS" -eq $((before + 1)) ] || fail "restore made $((NREVS - before)) revisions, not 1"
[ "$(head -1 "$T/ids")" = "$R4" ] || fail "the restored revision is not the newest in log"
grep "^$R4 " "$T/out" | grep -qF "Restore revision $R1" ||
	fail "the restore's message does not name $R1"
for r in "$R1" "$R2" "$R3"; do
	grep -qx "$r" "$T/ids" || fail "restore lost revision $r from the log"
done
pass "$PW" show "$V" "$D" --raw
assert_status 0
assert_out_file "$T/t1"
case_name "diff after restore"
pass "$PW" diff "$V" "$D"
assert_status 0
grep -qF -- "--- $R3" "$T/out" || fail "the restore's parent is not $R3"
grep -qxF -- "-4. No hablar con la prensa." "$T/out" || fail "diff after restore lacks the removed line"
case_name "restore of the text the head already has"
cp "$V" "$T/before"
pass "$PW" restore "$V" "$D" "$R1"
assert_status 1
assert_err "nothing changed"
assert_same "$V" "$T/before" "a refused restore changed the vault"

note "empty and unchanged edits are refused: no new revision"
log_ids "$D"
before=$NREVS
cp "$V" "$T/before"
case_name "empty edit"
pass "$PW" edit "$V" "$D" </dev/null
assert_status 1
assert_reported
assert_err "empty"
assert_same "$V" "$T/before" "an empty edit changed the vault"
case_name "unchanged edit"
pass "$PW" edit "$V" "$D" <"$T/t1"
assert_status 1
assert_reported
assert_err "nothing changed"
assert_same "$V" "$T/before" "an unchanged edit changed the vault"
case_name "unchanged edit with only a message"
pass "$PW" edit "$V" "$D" --message "solo un mensaje" <"$T/t1"
assert_status 1
assert_err "nothing changed"
log_ids "$D"
[ "$NREVS" -eq "$before" ] || fail "refused edits changed the log length ($before -> $NREVS)"
case_name "edit of an unknown document"
pass "$PW" edit "$V" "No existe" <"$T/t2"
assert_status 5
assert_err "no document"
assert_same "$V" "$T/before" "an edit of an unknown document changed the vault"
case_name "a metadata-only change is a revision"
pass "$PW" edit "$V" "$D" --category legal <"$T/t1"
assert_status 0
log_ids "$D"
[ "$NREVS" -eq $((before + 1)) ] || fail "a category change made no revision"

note "review cycle: submit, approve, edit, archive"
case_name "new document is a draft"
ls_status "$D"
[ "$STATUS" = draft ] || fail "status is '$STATUS', not draft"
case_name "submit"
pass "$PW" submit "$V" "$D" --message "Para revisar"
assert_status 0
ls_status "$D"
[ "$STATUS" = "in review" ] || fail "after submit the status is '$STATUS'"
log_ids "$D"
HEAD=$(head -1 "$T/ids")
grep "^$HEAD " "$T/out" | grep -qF "[submitted]" || fail "log does not mark the submitted revision"
case_name "submit twice"
cp "$V" "$T/before"
pass "$PW" submit "$V" "$D"
assert_status 1
assert_err "already"
assert_same "$V" "$T/before" "a second submit changed the vault"
case_name "approve"
pass "$PW" approve "$V" "$D"
assert_status 0
ls_status "$D"
[ "$STATUS" = approved ] || fail "after approve the status is '$STATUS'"
log_ids "$D"
grep "^$HEAD " "$T/out" | grep -qF "[approved]" || fail "log does not mark the approved revision"
case_name "a new edit after approval is a draft again"
edit_doc "$D" "$T/t3" --message "Otra vez"
ls_status "$D"
[ "$STATUS" = draft ] || fail "after an edit of an approved document the status is '$STATUS'"
log_ids "$D"
grep "^$HEAD " "$T/out" | grep -qF "[approved]" || fail "the old approval vanished from the log"
case_name "approve an older revision by prefix leaves the head a draft"
pass "$PW" approve "$V" "$D" "${R2:0:8}"
assert_status 0
ls_status "$D"
[ "$STATUS" = draft ] || fail "approving an old revision changed the head's status to '$STATUS'"
case_name "archive"
pass "$PW" archive "$V" "$D"
assert_status 0
ls_status "$D"
[ "$STATUS" = archived ] || fail "after archive the status is '$STATUS'"

note "search ignores case and accents, with a snippet"
for q in detencion DETENCIÓN Detención detención; do
	case_name "search $q"
	pass "$PW" search "$V" "$q"
	assert_status 0
	grep -q "^$D  Detención\$" "$T/out" || fail "search '$q' does not list the document"
	grep -qF "[detención]" "$T/out" || fail "search '$q' shows no snippet with the match marked"
	grep -q "^$D" "$T/out" && [ "$(grep -c '^[0-9a-f]\{12\}  ' "$T/out")" -eq 1 ] ||
		fail "search '$q' lists other documents"
done
case_name "search for a word of the current text only"
pass "$PW" search "$V" "prensa"
assert_status 0
grep -q "^$D" "$T/out" || fail "search misses a word of the current text"
case_name "search for a word of no document"
pass "$PW" search "$V" "inexistente"
assert_status 0
[ -s "$T/out" ] && fail "a search with no match printed hits"
assert_err "No document matches"

note "revision prefixes that name two revisions"
# Edit one document until two of its revisions share their first 4 hex
# digits (a birthday collision: about 320 edits on average, and 2000
# fail to collide with probability e^-30).
printf 'v0\n' >"$T/c"
add_doc "$V" "Colisión" "$T/c"
C=$DOC_ID
declare -A seen=()
log_ids "$C"
first=$(head -1 "$T/ids")
seen[${first:0:4}]=$first
echo "$first" >"$T/made"
A1= A2=
for i in $(seq 1 2000); do
	printf 'v%d\n' "$i" >"$T/c"
	pass "$PW" edit "$V" "$C" <"$T/c"
	assert_status 0
	r=$(sed -n 's/^Recorded revision \([0-9a-f]\{12\}\) of .*/\1/p' "$T/out")
	[ -n "$r" ] || fail "edit printed no revision id"
	echo "$r" >>"$T/made"
	if [ -n "${seen[${r:0:4}]:-}" ]; then
		A1=${seen[${r:0:4}]}
		A2=$r
		break
	fi
	seen[${r:0:4}]=$r
done
[ -n "$A2" ] || fail "no 4-digit collision in 2000 revisions"
# Hundreds of revisions, many in the same second: log still lists them
# newest first, each before its parent.
case_name "log of $(wc -l <"$T/made") revisions made in quick succession"
log_ids "$C"
tac "$T/made" | cmp -s - "$T/ids" ||
	fail "log is not newest first: line $(tac "$T/made" | cmp - "$T/ids" 2>&1 | sed -n 's/.*line \([0-9]*\).*/\1/p') differs"
cp "$V" "$T/before"
for cmd in "show --rev" "diff" "restore" "approve"; do
	case_name "$cmd with the ambiguous prefix ${A2:0:4}"
	case $cmd in
	"show --rev") pass "$PW" show "$V" "$C" --rev "${A2:0:4}" ;;
	*) pass "$PW" $cmd "$V" "$C" "${A2:0:4}" ;;
	esac
	assert_status 5
	assert_err "2 revisions"
	assert_same "$V" "$T/before" "$cmd with an ambiguous revision changed the vault"
done
# One digit more than they share tells them apart.
n=4
while [ "${A1:0:$n}" = "${A2:0:$n}" ]; do n=$((n + 1)); done
n=$((n + 1))
case_name "show --rev with the unique prefix ${A2:0:$n}"
pass "$PW" show "$V" "$C" --rev "${A2:0:$n}"
assert_status 0
grep -qE "^Revision: +$A2\$" "$T/out" || fail "the unique prefix found another revision"

note "verify"
case_name "verify"
pass "$PW" verify "$V"
assert_status 0
assert_out_has "verified"

echo "ok"
