#!/usr/bin/env bash
# `ecotwin plot` and `ecotwin report` end to end on small real files (issue 6, items 4, 5, 8;
# written by the plot/report helper; the summarize/compare checks are in
# test_summarize_compare.sh).
#   test_analysis.sh plot     every plot kind: PNG (magic, size) and SVG (XML with paths),
#                             deterministic output, every error path with its exit code, and
#                             the report's HTML (sections, tables, figures on disk, escaping)
#   test_analysis.sh report   the report rendered in headless Chromium: sections, tables with
#                             numbers, every figure loaded, a screenshot that is not blank;
#                             exit 77 (skip) when chromium is not installed
# Statistics come from this ecotwin's `summarize|compare|sensitivity --json`.
set -uo pipefail
mode=${1:-plot}
E=${ECOTWIN:?}
R=${ECOTWIN_ROOT:?}
PY=${PYTHON:-/usr/bin/python3}
if [ "$mode" = report ] && ! command -v chromium >/dev/null 2>&1; then
    echo "SKIP: chromium is not installed"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

"$E" run -q -r 3 -o "$T/base.h5" "$R/scenarios/baseline.yaml" >/dev/null || fail "run baseline"
if [ "$mode" = plot ]; then
    "$E" sweep -q -o "$T/grid.h5" "$R/tests/data/sweeps/runner_small.yaml" >/dev/null ||
        fail "sweep grid"
fi
"$E" sweep -q -o "$T/sal.h5" "$R/tests/data/sweeps/saltelli.yaml" >/dev/null || fail "sweep saltelli"

# expect CODE SUBSTRING CMD...: exit code CODE and SUBSTRING on stderr.
expect() {
    local code=$1 sub=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    local rc=$?
    if [ $rc -ne "$code" ]; then
        fail "$* -> exit $rc, want $code; stderr: $(head -c 400 "$T/err")"
    elif [ -n "$sub" ] && ! grep -qF -- "$sub" "$T/err"; then
        fail "$* -> stderr lacks '$sub': $(head -c 400 "$T/err")"
    fi
}

# A PNG: magic bytes and at least 10 KB; an SVG: XML with at least 20 drawn paths.
check_png() {
    [ -f "$1" ] || {
        fail "$1 missing"
        return
    }
    local magic size
    magic=$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')
    size=$(stat -c %s "$1")
    [ "$magic" = 89504e470d0a1a0a ] || fail "$1: not a PNG (magic $magic)"
    [ "$size" -gt 10000 ] || fail "$1: only $size bytes"
}
check_svg() {
    "$PY" - "$1" <<'EOF' || fail "$1: bad SVG"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
n = sum(1 for e in root.iter() if e.tag.endswith("}path") or e.tag.endswith("}use"))
assert n >= 20, f"{sys.argv[1]}: {n} paths"
EOF
}
plot_ok() { # OUT ARGS...: plot into $T/p/OUT.{png,svg}
    local out=$1
    shift
    if ! "$E" plot "$@" -o "$T/p/$out" >"$T/out" 2>"$T/err"; then
        fail "plot $* -> exit $?: $(head -c 600 "$T/err")"
        return
    fi
    grep -qx "$T/p/$out.png" "$T/out" || fail "plot $*: did not print $T/p/$out.png"
    check_png "$T/p/$out.png"
    check_svg "$T/p/$out.svg"
}

# The report's HTML, statically: sections, tables with numbers, figures on disk, no script
# and no external URL.
check_html() { # DIR SWEEP(0|1)
    "$PY" - "$1" "$2" <<'EOF' || fail "report $1: HTML check"
import os, re, sys
from html.parser import HTMLParser
d, sweep = sys.argv[1], sys.argv[2] == "1"
text = open(os.path.join(d, "index.html"), encoding="utf-8").read()
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.imgs, self.num = set(), [], 0
        self.in_num = False
    def handle_starttag(self, tag, a):
        a = dict(a)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img":
            self.imgs.append(a.get("src", ""))
        self.in_num = tag == "td" and a.get("class") == "num"
    def handle_data(self, data):
        if self.in_num and re.search(r"\d", data):
            self.num += 1
        self.in_num = False
p = P()
p.feed(text)
want = {"run", "headline", "metrics", "figures", "provenance", "summary", "comparisons",
        "run-facts", "provenance-table"}
if sweep:
    want |= {"sensitivity", "sensitivity-table"}
missing = want - p.ids
assert not missing, f"missing ids {missing}"
assert p.num >= 20, f"only {p.num} numeric cells"
assert len(p.imgs) >= (5 if sweep else 3), f"images: {p.imgs}"
for src in p.imgs:
    f = os.path.join(d, src)
    assert os.path.getsize(f) > 5000, f"{f}: too small"
    png = f[:-4] + ".png"
    assert os.path.getsize(png) > 5000, f"{png}: too small"
assert "<script" not in text.lower(), "script in the report"
assert not re.search(r"(src|href)=\"(https?:|//)", text), "external URL"
assert 'class="note"' not in text, "a part was not drawn: " + re.findall(r'class="note">([^<]*)', text)[0]
assert re.search(r"<li>In the ecosystem variant, value_ecosystem is|<li>Over \d+ comparisons", text), \
    "no headline sentence"
EOF
}

if [ "$mode" = plot ]; then
    mkdir -p "$T/p"
    plot_ok ts "$T/base.h5" --kind timeseries --metric ts_members
    plot_ok cmp "$T/base.h5" --kind compare --metric value_ecosystem
    plot_ok gcmp "$T/grid.h5" --kind compare
    plot_ok resp "$T/grid.h5" --kind response --factor companies.alpha.arrival_rate_per_h
    plot_ok sobol "$T/sal.h5" --kind sensitivity
    plot_ok src "$T/grid.h5" --kind sensitivity --metric value_ecosystem
    plot_ok net "$T/base.h5" --kind network
    plot_ok net10k "$T/base.h5" --kind network --time 10000 --run 1
    plot_ok netcfg "$T/base.h5" --kind network --config variant=ecosystem --metric utilization
    # One format when OUT names it; the same input gives the same SVG and PNG.
    "$E" plot "$T/base.h5" --kind network -o "$T/p/only.svg" >/dev/null 2>&1 || fail "plot .svg"
    [ -f "$T/p/only.svg" ] && [ ! -e "$T/p/only.svg.png" ] && [ ! -e "$T/p/only.png" ] ||
        fail "OUT.svg should write only the SVG"
    cmp -s "$T/p/only.svg" "$T/p/net.svg" || fail "SVG not deterministic"
    "$E" plot "$T/base.h5" --kind network -o "$T/p/again" >/dev/null 2>&1
    cmp -s "$T/p/again.png" "$T/p/net.png" || fail "PNG not deterministic"

    # Errors: message and exit code.
    expect 0 "" "$E" plot --help
    grep -q "Usage: ecotwin plot" "$T/out" || fail "plot --help not on stdout"
    expect 0 "" "$E" report --help
    grep -q "Usage: ecotwin report" "$T/out" || fail "report --help not on stdout"
    expect 2 "invalid choice: 'pie'" "$E" plot "$T/base.h5" --kind pie -o "$T/p/x"
    expect 2 "required: --kind" "$E" plot "$T/base.h5" -o "$T/p/x"
    expect 2 "required: -o" "$E" plot "$T/base.h5" --kind network
    expect 2 "no variable 'nope'" "$E" plot "$T/base.h5" --kind timeseries --metric nope -o "$T/p/x"
    expect 2 "needs one of (run, time)" "$E" plot "$T/base.h5" --kind timeseries \
        --metric value_ecosystem -o "$T/p/x"
    expect 2 "no factor 'nope'" "$E" plot "$T/grid.h5" --kind response --factor nope -o "$T/p/x"
    expect 2 "no company 'nobody'" "$E" plot "$T/base.h5" --kind timeseries --metric ts_value \
        --company nobody -o "$T/p/x"
    expect 2 "the file has runs 0..5" "$E" plot "$T/base.h5" --kind network --run 99 -o "$T/p/x"
    expect 2 "use design_point=N" "$E" plot "$T/base.h5" --kind network --config foo=1 -o "$T/p/x"
    expect 2 "no variable 'nope'" "$E" report "$T/base.h5" --metric nope -o "$T/rx"
    expect 66 "not a sweep" "$E" plot "$T/base.h5" --kind response -o "$T/p/x"
    expect 66 "not a sweep" "$E" plot "$T/base.h5" --kind sensitivity -o "$T/p/x"
    expect 66 "no such file" "$E" plot "$T/none.h5" --kind network -o "$T/p/x"
    echo "not hdf5" >"$T/text.h5"
    expect 66 "not an HDF5 file" "$E" plot "$T/text.h5" --kind network -o "$T/p/x"
    expect 66 "not an HDF5 file" "$E" report "$T/text.h5" -o "$T/rx"
    # A results file without event tables.
    "$PY" - "$T/notables.h5" <<'EOF' || fail "make notables.h5"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "w") as f:
    f["run"] = np.arange(2)
    f["run_status"] = np.ones(2, dtype="i1")
    f["company_name"] = np.array([[b"a", b""], [b"b", b"c"]], dtype="S1")
    f.attrs["kind"] = b"run"
EOF
    expect 66 "no project or contract tables" "$E" plot "$T/notables.h5" --kind network -o "$T/p/x"
    expect 74 "does not exist" "$E" plot "$T/base.h5" --kind network -o "$T/nodir/x"
    touch "$T/afile"
    expect 74 "cannot create" "$E" report "$T/base.h5" -o "$T/afile/r"
    expect 74 "$T/afile is not a directory" "$E" plot "$T/base.h5" --kind network -o "$T/afile/x"
    expect 70 "Python 3 not found at /nonexistent/python3" env ECOTWIN_PYTHON=/nonexistent/python3 \
        "$E" plot "$T/base.h5" --kind network -o "$T/p/x"
    mkdir -p "$T/empty" "$T/fake/matplotlib"
    expect 70 "no readable ecotwin_analysis.py" env ECOTWIN_ANALYSIS_DIR="$T/empty" \
        "$E" plot "$T/base.h5" --kind network -o "$T/p/x"
    echo 'raise ImportError("No module named matplotlib", name="matplotlib")' \
        >"$T/fake/matplotlib/__init__.py"
    expect 70 "matplotlib is not installed" env PYTHONPATH="$T/fake" \
        "$E" report "$T/base.h5" -o "$T/rx"
    # The child's exit code comes back (here: the analysis script's own usage error).
    expect 2 "usage: ecotwin_analysis.py" "$PY" "$R/analysis/ecotwin_analysis.py" bogus

    # The report: a run file and a sweep, and strings from the file escaped.
    "$E" report "$T/base.h5" -o "$T/rbase" >/dev/null 2>"$T/err" || fail "report base: $(cat "$T/err")"
    check_html "$T/rbase" 0
    "$E" report "$T/sal.h5" -o "$T/rsal" >/dev/null 2>"$T/err" || fail "report sal: $(cat "$T/err")"
    check_html "$T/rsal" 1
    grep -q "Sobol" "$T/rsal/index.html" || fail "sweep report without Sobol indices"
    mkdir -p "$T/evil"
    cp "$T/base.h5" "$T/evil/base.h5"
    "$PY" - "$T/evil/base.h5" <<'EOF' || fail "set title"
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r+") as f:
    del f.attrs["title"]
    f.attrs["title"] = np.bytes_(b'<img src=x onerror=alert(1)> & "q"')
EOF
    "$E" report "$T/evil/base.h5" -o "$T/revil" >/dev/null 2>&1 || fail "report evil"
    grep -qF '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;' "$T/revil/index.html" ||
        fail "title not escaped"
    grep -qF '<img src=x' "$T/revil/index.html" && fail "raw markup from the file in the report"
else
    "$E" report "$T/base.h5" -o "$T/rbase" >/dev/null 2>"$T/err" || fail "report base: $(cat "$T/err")"
    "$E" report "$T/sal.h5" -o "$T/rsal" >/dev/null 2>"$T/err" || fail "report sal: $(cat "$T/err")"
    # Render each page in headless Chromium. A copy of the page with a script appended marks
    # every image with whether it loaded (the report itself has no script).
    for d in rbase rsal; do
        sed 's#</body>#<script>window.addEventListener("load",function(){var n=0;document.querySelectorAll("img").forEach(function(i){var ok=i.complete\&\&i.naturalWidth>0;i.setAttribute("data-loaded",ok?"1":"0");if(ok)n++;});document.body.setAttribute("data-images-loaded",String(n));});</script></body>#' \
            "$T/$d/index.html" >"$T/$d/check.html"
        timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$T/chrome" \
            --virtual-time-budget=10000 --dump-dom "file://$T/$d/check.html" \
            >"$T/$d/dom.html" 2>"$T/$d/chrome.err" || fail "chromium --dump-dom $d: $(tail -3 "$T/$d/chrome.err")"
        timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$T/chrome" \
            --window-size=1200,5000 --hide-scrollbars --screenshot="$T/$d/shot.png" \
            "file://$T/$d/index.html" >/dev/null 2>>"$T/$d/chrome.err" || fail "chromium --screenshot $d"
        "$PY" - "$T/$d" "$([ $d = rsal ] && echo 1 || echo 0)" <<'EOF' || fail "chromium check $d"
import os, re, sys
from html.parser import HTMLParser
d, sweep = sys.argv[1], sys.argv[2] == "1"
dom = open(os.path.join(d, "dom.html"), encoding="utf-8").read()
class P(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.imgs, self.cells, self.loaded = set(), [], 0, None
        self.in_num = False
    def handle_starttag(self, tag, a):
        a = dict(a)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "img":
            self.imgs.append((a.get("src"), a.get("data-loaded")))
        if tag == "body":
            self.loaded = a.get("data-images-loaded")
        self.in_num = tag == "td" and a.get("class") == "num"
    def handle_data(self, data):
        if self.in_num and re.search(r"\d", data):
            self.cells += 1
        self.in_num = False
p = P()
p.feed(dom)
want = {"run", "headline", "metrics", "figures", "provenance", "summary", "comparisons"}
if sweep:
    want |= {"sensitivity", "sensitivity-table"}
assert not want - p.ids, f"sections/tables missing in the rendered DOM: {want - p.ids}"
assert p.cells >= 20, f"only {p.cells} numeric cells rendered"
nimg = 5 if sweep else 3
assert len(p.imgs) >= nimg, f"{len(p.imgs)} images rendered: {p.imgs}"
bad = [s for s, ok in p.imgs if ok != "1"]
assert not bad, f"images not loaded: {bad}"
assert p.loaded == str(len(p.imgs)), f"loaded {p.loaded} of {len(p.imgs)}"
# The screenshot is a real page: not blank, with dark (text) and coloured (figure) pixels.
import matplotlib
matplotlib.use("Agg")
import matplotlib.image as mpimg
img = mpimg.imread(os.path.join(d, "shot.png"))[..., :3]
assert img.std() > 0.05, f"screenshot looks blank (std {img.std():.3f})"
dark = (img.max(axis=2) < 0.3).mean()
colour = ((img.max(axis=2) - img.min(axis=2)) > 0.3).mean()
assert dark > 0.002 and colour > 0.002, f"dark {dark:.4f}, coloured {colour:.4f}"
print(f"{os.path.basename(d)}: {len(p.imgs)} figures loaded, {p.cells} numeric cells, "
      f"dark {dark:.3f}, coloured {colour:.3f}")
EOF
    done
fi

if [ $fails -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "ok ($mode)"
