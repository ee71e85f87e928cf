"""`ecotwin report FILE -o DIR`: DIR/index.html, a page a planner opens in a browser, with its
figures beside it in DIR/figures/ (SVG shown, PNG linked). Inline CSS, no external URL, no
script. Sections: what was run, headline comparisons in words and numbers, key metrics,
figures, sensitivity (sweeps), provenance. Every string from the file is escaped.

Numbers come from `ecotwin summarize|compare|sensitivity --json`; a part whose command fails
becomes a note in the page (the page is still written), except a missing or foreign file.
The page holds no time of its own making, so the same file gives the same page.
"""

import argparse
import html
import os

from . import common, plot
from .common import EXIT_IO, EXIT_USAGE, Fail, fmt

# Metrics for the tables and the headline, in order of preference, when the file has them.
KEY_METRICS = [
    "value_ecosystem",
    "iov_ecosystem",
    "value_total",
    "effective_utilization",
    "new_businesses_total",
    "new_businesses",
    "members_mean",
    "formed",
]
HEADLINE_METRICS = ["value_ecosystem", "new_businesses_total", "members_mean", "mean_trust"]
MAX_SENTENCES = 8
MAX_PAIRS = 3  # more configuration pairs (a sweep): summarize each metric in one line
MAX_ROWS = 80

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
max-width:62rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{border-bottom:1px solid #ccc;padding-bottom:.2rem;
margin-top:2rem}table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f3f5f7}td.num{text-align:right;font-variant-numeric:tabular-nums}
figure{margin:1.2rem 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9rem;color:#444}.note{color:#8a5a00;background:#fff7e6;padding:.3rem .6rem}
.headline li{margin:.3rem 0}.sub{color:#666}nav ol{columns:2}pre{white-space:pre-wrap;
font-size:.8rem;background:#f7f7f7;padding:.5rem;max-height:30rem;overflow:auto}
.scroll{overflow-x:auto}
"""


def esc(x):
    return html.escape("" if x is None else str(x), quote=True)


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise Fail(EXIT_USAGE, f"{message}\nTry 'ecotwin report --help'.")


def parser():
    p = _Parser(prog="ecotwin report", add_help=False)
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--metric", action="append", default=[])
    return p


def table(headers, rows, cls="numbers", tid=None):
    """rows: lists of (text, is_number)."""
    out = ['<div class="scroll">', f'<table class="{cls}"' + (f' id="{esc(tid)}"' if tid else "") + ">"]
    if headers:
        out.append("<thead><tr>" + "".join(f"<th>{esc(h)}</th>" for h in headers) + "</tr></thead>")
    out.append("<tbody>")
    for r in rows:
        cells = []
        for text, isnum in r:
            cells.append(f'<td class="num">{esc(text)}</td>' if isnum else f"<td>{esc(text)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    return "\n".join(out)


def note(text):
    return f'<p class="note">{esc(text)}</p>'


def words(sel):
    """A selector in words: 'design_point=3,variant=ecosystem' -> 'design point 3, ecosystem'."""
    parts = []
    for p in (sel or "").split(","):
        k, _, v = p.partition("=")
        if k == "variant":
            parts.append(f"the {v} variant")
        elif k == "design_point":
            parts.append(f"design point {v}")
        elif v:
            parts.append(f"{k} = {v}")
        elif k:
            parts.append(k)
    return ", ".join(parts) or "all runs"


def ci_text(lo, hi, units=""):
    if lo is None or hi is None:
        return "—"
    return f"{fmt(lo, units)} to {fmt(hi, units)}"


def _excludes_zero(lo, hi):
    return lo is not None and hi is not None and (lo > 0 or hi < 0)


def across(comps, metric, level):
    """Many comparisons of one metric (one per design point) in one sentence, from the
    intervals compare printed."""
    cs = [c for c in comps if c.get("metric") == metric and c.get("diff") is not None]
    if not cs:
        return f"{metric}: no comparison could be made."
    units = cs[0].get("units") or ""
    up = sum(1 for c in cs if c["diff"] > 0)
    down = sum(1 for c in cs if c["diff"] < 0)
    sig = sum(1 for c in cs if _excludes_zero(c.get("ci_low"), c.get("ci_high")))
    top = max(cs, key=lambda c: abs(c["diff"]))
    return (
        f"Over {len(cs)} comparisons (one per design point, e.g. {pair_words(cs[0])}), "
        f"{metric} is higher in {up}, lower in {down}"
        + (f", equal in {len(cs) - up - down}" if len(cs) > up + down else "")
        + f"; the {level:.0%} CI of the "
        f"difference excludes zero in {sig}. Largest difference: {fmt(top['diff'], units)} "
        f"({pair_words(top)})."
    )


def iov_across(rows, level):
    ok = [r for r in rows if r.get("mean") is not None]
    if not ok:
        return "Inter-organizational value of the ecosystem (IOV_eco): not available."
    lo = min(ok, key=lambda r: r["mean"])
    hi = max(ok, key=lambda r: r["mean"])
    sig = sum(1 for r in ok if _excludes_zero(r.get("ci_low"), r.get("ci_high")))
    return (
        f"Inter-organizational value of the ecosystem (IOV_eco) over {len(ok)} design points: "
        f"from {fmt(lo['mean'], 'EUR')} ({words(lo.get('config'))}) to "
        f"{fmt(hi['mean'], 'EUR')} ({words(hi.get('config'))}); its {level:.0%} CI excludes "
        f"zero in {sig}."
    )


def pair_words(c):
    return plot.pair_label(c.get("baseline"), c.get("vs")).replace(" − ", " vs ")


def sentence(c, level):
    """One comparison in words and numbers."""
    units = c.get("units") or ""
    d, lo, hi = c.get("diff"), c.get("ci_low"), c.get("ci_high")
    rel = c.get("relative")
    what = c["metric"] + (f" of {c['company']}" if c.get("company") else "")
    if d is None:
        return f"In {words(c['vs'])}, {what} could not be compared with {words(c['baseline'])}."
    direction = "higher" if d >= 0 else "lower"
    there = ""
    # A percentage of a baseline near zero (a few new businesses against almost none) reads
    # as thousands of percent and says nothing: above 500% the difference is given in units.
    if rel is not None and abs(rel) <= 5:
        head = f"{what} is {abs(rel) * 100:.1f}% {direction} than in {words(c['baseline'])}: "
        head += f"{'+' if d >= 0 else '−'}{fmt(abs(d), units)}"
    else:
        head = f"{what} is {fmt(abs(d), units)} {direction} than in {words(c['baseline'])}"
        there = f"mean there {fmt(c.get('mean_baseline'), units)}; "
    how = c.get("test") or "t test"
    n = c.get("n_pairs") if c.get("paired_by") else None
    over = (
        f"paired over {n} replications"
        if n
        else f"{how}, {c.get('n_vs')} vs {c.get('n_baseline')} runs"
    )
    ci = f"{level:.0%} CI {ci_text(lo, hi, units)}"
    p = c.get("p_holm", c.get("p"))
    ptxt = ""
    if p is not None:
        ptxt = ", Holm-adjusted p < 0.0001" if p < 1e-4 else f", Holm-adjusted p = {p:.2g}"
    s = f"In {words(c['vs'])}, {head} ({there}{ci}; {over}{ptxt})."
    if lo is not None and hi is not None and lo <= 0 <= hi:
        s += " The interval includes no difference."
    return s


class Page:
    def __init__(self, res, outdir):
        self.res = res
        self.outdir = outdir
        self.parts = []
        self.toc = []
        self.nfig = 0
        self.compare_json = None

    def section(self, sid, title, body):
        self.toc.append((sid, title))
        self.parts.append(f'<section id="{sid}">\n<h2>{esc(title)}</h2>\n{body}\n</section>')

    def figure(self, name, kind, caption, data=None, **opts):
        """Draw one figure with the plot code into figures/NAME.{svg,png}; HTML or a note."""
        a = plot.parser().parse_args([self.res.path, "--kind", kind, "-o", "x"])
        for k, v in opts.items():
            setattr(a, k, v)
        try:
            fig = plot.draw(self.res, a, data)
            common.save(fig, os.path.join(self.outdir, "figures", name))
        except Fail as e:
            return note(f"Figure not drawn ({kind}): {e.message}")
        self.nfig += 1
        return (
            f'<figure id="fig-{esc(name)}"><img src="figures/{esc(name)}.svg" '
            f'alt="{esc(caption)}" width="700">'
            f"<figcaption>Figure {self.nfig}. {esc(caption)} "
            f'(<a href="figures/{esc(name)}.png">PNG</a>, '
            f'<a href="figures/{esc(name)}.svg">SVG</a>)</figcaption></figure>'
        )


def what_was_run(res):
    st = list(res.status)
    n = len(st)
    ok = sum(1 for s in st if s == 1)
    failed = sum(1 for s in st if s == 2)
    complete = res.attr("complete") == 1
    reps = int(max(res.replication)) + 1 if n else 0
    facts = [
        ("Scenario", res.attr("title", "")),
        ("Scenario file", res.attr("scenario_path", "")),
        ("Model", res.attr("model", "")),
        ("Kind", "parameter sweep" if res.kind == "sweep" else "one scenario"),
        ("Horizon", fmt(res.horizon(), "h") if res.horizon() else "—"),
        ("Variants", ", ".join(res.present_variants())),
        ("Replications", str(reps)),
        ("Runs", f"{n} ({ok} complete, {failed} failed, {n - ok - failed} not run)"),
        ("Master seed", str(res.attr("master_seed", ""))),
        ("Common random numbers", "yes" if res.attr("common_random_numbers") == 1 else "no"),
        (
            "Completeness",
            f"complete, finished {res.attr('end_time', '')}"
            if complete
            else "INCOMPLETE: the run was interrupted; results cover the complete runs only",
        ),
    ]
    facs = res.factors()
    if facs:
        facts.insert(5, ("Design points", str(res.n_design_points())))
        facts.insert(
            6,
            (
                "Factors",
                "; ".join(
                    f["path"]
                    + (f" [{f['units']}]" if f["units"] and f["units"] != "1" else "")
                    + (f" (levels {', '.join(f['levels'])})" if f["levels"] else "")
                    for f in facs
                ),
            ),
        )
    body = table(None, [[(k, False), (v, False)] for k, v in facts], cls="facts", tid="run-facts")
    if not complete:
        body = note("This file is incomplete: the run was interrupted.") + body
    return body


def headline(res, page, metrics):
    hm = [m for m in HEADLINE_METRICS if res.variables().get(m) == ("run",)]
    if not hm:
        hm = [m for m in metrics if res.variables().get(m) == ("run",)][:2]
    if not hm:
        return note("The file has no per-run metric to compare."), "", []
    try:
        j = common.stats("compare", res.path, ["--metric", ",".join(hm)])
    except Fail as e:
        return note(f"No comparisons: {e.message}"), "", []
    level = j.get("level", 0.95)
    comps = [c for c in j.get("comparisons", []) if c.get("metric") in hm]
    if not comps:
        return (
            note(
                "No default comparison in this file (it needs the variants ecosystem and "
                "autarky); use `ecotwin compare` with --baseline and --vs."
            ),
            "",
            [],
        )
    pairs = {(c.get("baseline"), c.get("vs")) for c in comps}
    if len(pairs) <= MAX_PAIRS:
        items = [f"<li>{esc(sentence(c, level))}</li>" for c in comps[:MAX_SENTENCES]]
    else:  # a sweep: one line per metric over its design points
        items = [f"<li>{esc(across(comps, m, level))}</li>" for m in hm]
    iov = [r for r in j.get("iov", []) if r.get("company") is None]
    if len(iov) > MAX_PAIRS:
        items.append(f"<li>{esc(iov_across(iov, level))}</li>")
        iov = []
    for r in iov:
        items.append(
            "<li>"
            + esc(
                "Inter-organizational value of the ecosystem (IOV_eco)"
                + (f" in {words(r.get('config'))}" if res.kind == "sweep" else "")
                + f": "
                f"{fmt(r.get('mean'), 'EUR')} ({level:.0%} CI "
                f"{ci_text(r.get('ci_low'), r.get('ci_high'), 'EUR')}; {r.get('n')} replications)."
            )
            + "</li>"
        )
    body = '<ul class="headline">' + "\n".join(items) + "</ul>"
    if len(comps) > MAX_SENTENCES:
        body += f'<p class="sub">{len(comps)} comparisons; all are in the table below.</p>'
    rows = []
    for c in comps[:MAX_ROWS]:
        rows.append(
            [
                (c["metric"], False),
                (words(c.get("baseline")), False),
                (words(c.get("vs")), False),
                (fmt(c.get("mean_baseline")), True),
                (fmt(c.get("mean_vs")), True),
                (fmt(c.get("diff")), True),
                (ci_text(c.get("ci_low"), c.get("ci_high")), True),
                (f"{c['relative'] * 100:.1f}%" if c.get("relative") is not None else "—", True),
                (c.get("test") or "", False),
                (fmt(c.get("p_holm")), True),
                (c.get("units") or "", False),
            ]
        )
    tbody = table(
        [
            "metric",
            "baseline",
            "compared",
            "mean baseline",
            "mean compared",
            "difference",
            f"{level:.0%} CI",
            "relative",
            "test",
            "p (Holm)",
            "units",
        ],
        rows,
        tid="comparisons",
    )
    if len(comps) > MAX_ROWS:
        tbody += f'<p class="sub">First {MAX_ROWS} of {len(comps)} comparisons.</p>'
    page.compare_json = j
    return body, tbody, hm


def key_metrics(res, metrics):
    if not metrics:
        return note("None of the key metrics is in this file.")
    args = ["--metric", ",".join(metrics)]
    by_note = ""
    if res.kind == "sweep":
        args += ["--by", "variant"]
        by_note = '<p class="sub">Means over all design points of the sweep, per variant.</p>'
    try:
        j = common.stats("summarize", res.path, args)
    except Fail as e:
        return note(f"No summary: {e.message}")
    level = j.get("level", 0.95)
    rows = []
    srows = [r for r in j.get("rows", []) if r.get("metric") in metrics and r.get("time") is None]
    srows.sort(key=lambda r: metrics.index(r["metric"]))
    for r in srows[:MAX_ROWS]:
        rows.append(
            [
                (r["metric"], False),
                (words(r.get("config")), False),
                (r.get("company") or "all", False),
                (str(r.get("n", "")), True),
                (fmt(r.get("mean")), True),
                (ci_text(r.get("ci_low"), r.get("ci_high")), True),
                (fmt(r.get("sd")), True),
                (r.get("units") or "", False),
            ]
        )
    body = by_note + table(
        ["metric", "configuration", "company", "n", "mean", f"{level:.0%} CI", "sd", "units"],
        rows,
        tid="summary",
    )
    if len(srows) > MAX_ROWS:
        body += f'<p class="sub">First {MAX_ROWS} of {len(srows)} rows.</p>'
    return body


def sensitivity_section(res, page, metric):
    try:
        j = common.stats("sensitivity", res.path, ["--metric", metric])
    except Fail as e:
        return note(f"No sensitivity analysis: {e.message}")
    rs = [r for r in j.get("responses", []) if r.get("metric") == metric and not r.get("company")]
    if not rs:
        return note(f"No sensitivity results for {metric}.")
    r = rs[0]
    rows = []
    if r.get("sobol"):
        for e in r["sobol"]:
            rows.append(
                [
                    (e.get("path") or e.get("factor"), False),
                    (fmt(e.get("S1")), True),
                    (ci_text(e.get("S1_low"), e.get("S1_high")), True),
                    (fmt(e.get("ST")), True),
                    (ci_text(e.get("ST_low"), e.get("ST_high")), True),
                ]
            )
        t = table(["factor", "S1", "S1 CI", "ST", "ST CI"], rows, tid="sensitivity-table")
        how = f"Sobol indices (Saltelli design, base sample {j.get('n_base')})"
    else:
        for e in r.get("src") or []:
            rows.append(
                [
                    (e.get("path") or e.get("factor"), False),
                    (fmt(e.get("src")), True),
                    (ci_text(e.get("ci_low"), e.get("ci_high")), True),
                ]
            )
        t = table(["factor", "SRC", "CI"], rows, tid="sensitivity-table")
        how = "Standardized regression coefficients" + (
            f" (R² = {r['r2']:.2f})" if r.get("r2") is not None else ""
        )
    paths = {e.get("factor"): e.get("path") for e in (r.get("sobol") or []) + (r.get("src") or [])}
    rank = [paths.get(f) or f for f in (r.get("ranking") or [])]
    text = f"<p>{esc(how)} of {esc(metric)} (variant {esc(j.get('variant'))}). "
    if rank:
        text += f"Most influential first: {esc(', '.join(rank))}.</p>"
    else:
        text += "</p>"
    fig = page.figure(
        "sensitivity", "sensitivity", f"{how} of {metric}, with confidence intervals.", metric=metric
    )
    return text + t + fig


def provenance(res, argv):
    keys = [
        ("ecotwin version", "ecotwin_version"),
        ("git commit", "git_commit"),
        ("command line", "command_line"),
        ("host", "hostname"),
        ("start time (UTC)", "start_time"),
        ("end time (UTC)", "end_time"),
        ("master seed", "master_seed"),
        ("random numbers", "rng_algorithm"),
        ("threads", "threads"),
        ("ranks", "ranks"),
        ("HDF5", "hdf5_version"),
        ("GSL", "gsl_version"),
        ("libyaml", "libyaml_version"),
        ("Slurm job", "slurm_job_id"),
        ("sweep fingerprint", "sweep_fingerprint"),
    ]
    rows = [[(k, False), (str(res.attr(a)), False)] for k, a in keys if res.attr(a) is not None]
    rows.append([("results file", False), (res.path, False)])
    rows.append([("this report", False), ("ecotwin report " + " ".join(argv), False)])
    body = table(None, rows, cls="facts", tid="provenance-table")
    y = res.attr("scenario_yaml")
    if y:
        body += f"<details><summary>Resolved scenario</summary><pre>{esc(y)}</pre></details>"
    return body


def build(res, outdir, argv, extra_metrics):
    page = Page(res, outdir)
    v = res.variables()
    for m in extra_metrics:
        res.require_metric(m, [("run",), ("run", "company")], "report table")
    metrics = list(extra_metrics) + [m for m in KEY_METRICS if m in v and m not in extra_metrics]
    metrics = [m for m in metrics if v.get(m) in (("run",), ("run", "company"))]
    page.section("run", "What was run", what_was_run(res))
    body, comparisons, hm = headline(res, page, metrics)
    page.section("headline", "Headline comparisons", body)

    figs = []
    ts = [m for m in ("ts_members", "ts_mean_share", "ts_pool_records") if v.get(m) == ("run", "time")]
    if not ts:
        ts = [m for m, d in v.items() if d == ("run", "time")][:1]
    for m in ts[:1]:
        figs.append(
            page.figure(
                f"timeseries_{m}",
                "timeseries",
                f"{m} over time: mean over replications per configuration with its confidence band.",
                metric=m,
            )
        )
    if hm:
        figs.append(
            page.figure(
                "compare",
                "compare",
                "Differences to the baseline with confidence intervals (from ecotwin compare).",
                data=page.compare_json,
                metric=",".join(hm[: 1 if res.kind == "sweep" else 3]),
            )
        )
    facs = res.factors()
    main_metric = next((m for m in metrics if v.get(m) == ("run",)), None)
    if facs and main_metric:
        f0 = next((f for f in facs if not f["levels"]), facs[0])
        figs.append(
            page.figure(
                "response",
                "response",
                f"Response of {main_metric} to {f0['path']}: design-point means with confidence intervals.",
                metric=main_metric,
                factor=f0["name"],
            )
        )
    if res.table("project") is not None or res.table("contract") is not None:
        ok = [r for r in range(len(res.status)) if res.status[r] == 1]
        if ok:
            r0 = ok[0]
            figs.append(
                page.figure(
                    "network",
                    "network",
                    f"Company collaboration network at the end of the horizon in run {r0}: "
                    "edges are projects and contracts active then, node size the company's value.",
                    run=r0,
                )
            )
    page.section("figures", "Figures", "\n".join(figs) or note("No figures."))
    if facs and main_metric:
        page.section("sensitivity", "Sensitivity", sensitivity_section(res, page, main_metric))
    tables = ""
    if comparisons:
        tables += "<h3>Comparisons</h3>\n" + comparisons
    tables += "<h3>Key metrics</h3>\n" + key_metrics(res, metrics)
    page.section("metrics", "Tables", tables)
    page.section("provenance", "Provenance", provenance(res, argv))

    title = res.attr("title", "ecotwin results")
    toc = "".join(f'<li><a href="#{sid}">{esc(t)}</a></li>' for sid, t in page.toc)
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{esc(title)}</h1>"
        f'<p class="sub">ecotwin report of {esc(os.path.basename(res.path))}, model '
        f"{esc(res.attr('model', ''))}</p></header>\n"
        f"<nav><ol>{toc}</ol></nav>\n" + "\n".join(page.parts) + "\n</body>\n</html>\n"
    )


def main(argv):
    a = parser().parse_args(argv)
    common.apply_style()
    res = common.Results(a.file)
    try:
        out = a.output
        try:
            os.makedirs(os.path.join(out, "figures"), exist_ok=True)
        except OSError as e:
            raise Fail(EXIT_IO, f"cannot create {out}/figures: {e.strerror or e}")
        metrics = [m for s in a.metric for m in s.split(",") if m]
        text = build(res, out, argv, metrics)
        path = os.path.join(out, "index.html")
        try:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        except OSError as e:
            raise Fail(EXIT_IO, f"cannot write {path}: {e.strerror or e}")
        print(path)
    finally:
        res.close()
    return 0
