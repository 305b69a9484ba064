# library.sh: the template library, walkthroughs and acknowledgements,
# crisis mode, and Markdown/HTML export read back by pandoc (issue 6).
. "$(dirname "$0")/lib.sh" "$@"

V=$T/v.amparo

case_name "templates list both languages"
run templates
assert_status 0
[ "$(grep -c '^en ' "$T/out")" -eq 16 ] || fail "expected 16 English templates"
[ "$(grep -c '^es ' "$T/out")" -eq 16 ] || fail "expected 16 Spanish templates"
assert_out_has "Detención, arresto o desaparición"

case_name "init --template comprehensive --lang es"
pass "$PW" init "$V" --name Ana --template comprehensive --lang es
assert_status 0
assert_out_has "16"
pass "$PW" ls "$V"
assert_status 0
[ "$(wc -l <"$T/out")" -eq 16 ] || fail "expected 16 drafts"
grep -q "draft" "$T/out" || fail "templates are not drafts"
run init "$T/x.amparo" --name A --template other --passphrase-fd 0
assert_status 2

D="Detención, arresto o desaparición"

# The walkthrough's right answers, read from the embedded source.
answers()
{
	awk '/^q: /{n=0} /^[-+] /{n++} /^\+ /{print n}' \
		"$(dirname "$0")/../../policies/es/09-detention.walk"
}

case_name "walk before approval is practice only"
pass "$PW" walk "$V" "$D" < <(answers)
assert_status 0
assert_out_has "no se registró nada"

case_name "approve, then a staff member's walk records an acknowledgement"
pass "$PW" submit "$V" "$D"
assert_status 0
pass "$PW" approve "$V" "$D"
assert_status 0
pass "$PW"$'\n'"beto passphrase" member "$V" add Beto --role staff
assert_status 0
pass "$PW" status "$V"
assert_status 0
assert_out_has "must read: Beto"
# One wrong answer first on the first question, then all right.
pass "beto passphrase" walk "$V" "$D" < <(a=$(answers | head -1)
	echo 9 # out of range: asked again
	echo $(( a == 1 ? 2 : 1 ))
	answers)
assert_status 0
assert_out_has "No exactamente"
assert_out_has "Quedó registrado"
total=$(answers | wc -l)
assert_out_has "$((total - 1))/$total"
pass "$PW" status "$V"
assert_out_has "read and understood: Beto ($((total - 1))/$total)"
pass "$PW" verify "$V"
assert_status 0

case_name "a newer approval asks again"
printf '# %s\n\nTexto nuevo.\n\n## 5. Pasos de respuesta\n\n- [ ] Llamar.\n' "$D" >"$T/new.md"
pass "$PW" edit "$V" "$D" --message "cambio material" <"$T/new.md"
assert_status 0
pass "$PW" approve "$V" "$D"
assert_status 0
pass "$PW" status "$V"
assert_out_has "must read again (a newer revision was approved): Beto"

case_name "crisis mode logs checked items as signed objects"
pass "$PW" crisis "$V"
assert_status 0
assert_out_has "Contactos de emergencia"
assert_out_has "$D"
pass "$PW" crisis "$V" "$D" --check 1 --note "llamé"
assert_status 0
assert_out_has "[x]  1. Llamar."
pass "$PW" crisis "$V" "$D" --check 7
assert_status 2
pass "$PW" crisis "$V" "$D" --close
assert_status 0
pass "$PW" crisis "$V" --log
assert_status 0
assert_out_has "checked item 1: llamé"
assert_out_has "closed"
pass "$PW" verify "$V"
assert_status 0

case_name "export-doc md and html read back by pandoc with the same structure"
command -v pandoc >/dev/null || skip "pandoc is not installed"
command -v python3 >/dev/null || skip "python3 is not installed"
pass "$PW" export-doc "$V" "Comunicaciones" --format md --out "$T/c.md"
assert_status 0
pass "$PW" export-doc "$V" "Comunicaciones" --format html --out "$T/c.html"
assert_status 0
pass "$PW" export-doc "$V" "Comunicaciones" --format html --out "$T/c.html"
assert_status 6
pass "$PW" show "$V" "Comunicaciones" --raw
cp "$T/out" "$T/c.src"
structure()
{
	pandoc -f "$1" -t json "$2" | python3 -c '
import json, sys
def text(inl):
    out = ""
    for i in inl:
        if i["t"] == "Str": out += i["c"]
        elif i["t"] in ("Space", "SoftBreak"): out += " "
        elif i["t"] in ("Emph", "Strong"): out += text(i["c"])
    return out
def walk(blocks, acc):
    for b in blocks:
        if b["t"] == "Header": acc.append("H%d %s" % (b["c"][0], text(b["c"][2])))
        elif b["t"] == "BulletList":
            for item in b["c"]:
                first = item[0] if item else None
                if first and first["t"] in ("Plain", "Para"):
                    t = text(first["c"])
                    if t.startswith("\u2610") or t.startswith("\u2612"):
                        acc.append("C " + t[1:].strip())
                    elif first["t"] == "Plain" and first["c"] and first["c"][0]["t"] == "RawInline":
                        pass
                walk(item, acc)
        elif b["t"] == "OrderedList":
            for item in b["c"][1]: walk(item, acc)
    return acc
print("\n".join(walk(json.load(sys.stdin)["blocks"], [])))
'
}
structure markdown "$T/c.md" >"$T/md.struct"
structure markdown "$T/c.src" >"$T/src.struct"
assert_same "$T/md.struct" "$T/src.struct" "the Markdown export's structure"
grep -q '^H1 Comunicaciones' "$T/md.struct" || fail "no title heading"
[ "$(grep -c '^C ' "$T/md.struct")" -ge 8 ] || fail "checklist items lost"
structure html "$T/c.html" | grep '^H' >"$T/html.heads"
grep '^H' "$T/src.struct" >"$T/src.heads"
assert_same "$T/html.heads" "$T/src.heads" "the HTML export's headings"
[ "$(grep -c 'type="checkbox"' "$T/c.html")" -eq "$(grep -c '^C ' "$T/src.struct")" ] ||
	fail "the HTML export lost checklist items"

case_name "import-doc: a new document, then a new revision of it"
W=$T/w.amparo
pass "$PW" init "$W" --name Ana
pass "$PW" import-doc "$W" "$T/c.md"
assert_status 0
assert_out_has "Added \"Comunicaciones\""
pass "$PW" show "$W" "Comunicaciones" --raw
assert_out_file "$T/c.src"
printf '# Comunicaciones\n\nVersión corta.\n' >"$T/short.md"
pass "$PW" import-doc "$W" "$T/short.md"
assert_status 0
assert_out_has "Recorded revision"
pass "$PW" log "$W" "Comunicaciones"
[ "$(wc -l <"$T/out")" -eq 2 ] || fail "expected two revisions"

echo "PASS: library"
