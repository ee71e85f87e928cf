"""`ecotwin plot FILE --kind KIND ... -o OUT`: one figure as OUT.png and OUT.svg.

Kinds and where their numbers come from:
  timeseries   summarize --metric M [--by ...]: mean line and CI band per configuration
  response     summarize --metric M --by design_point,variant: mean and CI vs a factor
  compare      compare --metric M [--baseline --vs]: differences with CIs as bars
  sensitivity  sensitivity --metric M: Sobol S1/ST with CIs, or standardized regression
               coefficients when the design is not Saltelli's
  network      the project and contract tables (raw): companies on a circle, edges weighted
               by the projects and contracts active at --time in one run or summed over the
               runs of a configuration; node size by a per-company metric
"""

import argparse
import math
import sys

from . import common
from .common import EXIT_NOINPUT, EXIT_USAGE, Fail, num

KINDS = ("timeseries", "response", "compare", "sensitivity", "network")
MAX_LINES = 12
MAX_BARS = 40
ROLES = ["oem", "supplier", "platform", "service", "utilizer"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise Fail(EXIT_USAGE, f"{message}\nTry 'ecotwin {self.prog.split()[-1]} --help'.")


def parser():
    p = _Parser(prog="ecotwin plot", add_help=False)
    p.add_argument("file")
    p.add_argument("--kind", required=True, choices=KINDS)
    p.add_argument("--metric")
    p.add_argument("--by")
    p.add_argument("--factor")
    p.add_argument("--time", type=float)
    p.add_argument("--company")
    p.add_argument("--run", type=int)
    p.add_argument("--config")
    p.add_argument("--baseline")
    p.add_argument("--vs", action="append", default=[])
    p.add_argument("--variant")
    p.add_argument("-o", "--output", required=True)
    return p


def default_metric(res, candidates, shapes):
    v = res.variables()
    for c in candidates:
        if c in v and v[c] in shapes:
            return c
    for name, d in v.items():
        if d in shapes:
            return name
    raise Fail(EXIT_NOINPUT, f"{res.path}: no variable with dimensions {shapes[0]}")


def _label(metric, units):
    return f"{metric} [{units}]" if units and units != "1" else metric


def _company_ok(res, company):
    if company is not None and company not in res.companies:
        raise Fail(
            EXIT_USAGE, f"no company '{company}'; companies: {', '.join(res.companies) or 'none'}"
        )


def timeseries(res, a):
    shapes = [("run", "time"), ("run", "time", "company")]
    m = a.metric or default_metric(res, ["ts_members", "ts_value", "ts_pool_records"], shapes)
    dims = res.require_metric(m, shapes, "time-series plot")
    _company_ok(res, a.company)
    by = a.by or ("variant" if res.kind == "sweep" else None)
    j = common.stats("summarize", res.path, ["--metric", m] + (["--by", by] if by else []))
    groups = {}
    for r in j.get("rows", []):
        if r.get("metric") != m or r.get("time") is None:
            continue
        if a.company is not None and r.get("company") != a.company:
            continue
        key = r.get("config", "") + (f", {r['company']}" if r.get("company") else "")
        groups.setdefault(key, []).append(r)
    if not groups:
        raise Fail(EXIT_NOINPUT, f"{res.path}: no time-series rows for '{m}' (no complete runs?)")
    keys = list(groups)
    if len(keys) > MAX_LINES:
        print(
            f"ecotwin plot: {len(keys)} series; drawing the first {MAX_LINES} "
            "(choose with --by or --company)",
            file=sys.stderr,
        )
        keys = keys[:MAX_LINES]
    fig = common.new_figure()
    ax = fig.add_subplot()
    units = res.units(m)
    for k in keys:
        rows = sorted(groups[k], key=lambda r: r["time"])
        t = [r["time"] for r in rows]
        mean = [num(r.get("mean")) for r in rows]
        lo = [num(r.get("ci_low")) for r in rows]
        hi = [num(r.get("ci_high")) for r in rows]
        (line,) = ax.plot(t, mean, label=k, lw=1.4)
        ax.fill_between(t, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    level = j.get("level", 0.95)
    ax.set_xlabel("time [h]")
    ax.set_ylabel(_label(m, units))
    who = f" of {a.company}" if a.company else (" per company" if "company" in dims else "")
    ax.set_title(f"{m}{who}\nmean and {level:.0%} CI over replications", fontsize=9)
    ax.legend(fontsize=7, loc="best")
    return fig


def _factor_x(res, fac, row):
    """The factor's value at a summarize row: from params, else from the file's factor
    variable at the row's design point (raw data)."""
    v = (row.get("params") or {}).get(fac["name"])
    if v is None and row.get("design_point") is not None:
        v = float(res.f[fac["name"]][int(row["design_point"])])
    if isinstance(v, str) and fac["levels"]:
        v = fac["levels"].index(v) if v in fac["levels"] else float("nan")
    return num(v)


def response(res, a):
    facs = res.factors()
    if not facs:
        raise Fail(EXIT_NOINPUT, f"{res.path}: not a sweep (no factors); response needs one")
    if a.factor is None and len(facs) > 1:
        raise Fail(EXIT_USAGE, "--factor is required: " + ", ".join(f["name"] for f in facs))
    fac = res.find_factor(a.factor) if a.factor else facs[0]
    shapes = [("run",), ("run", "company")]
    m = a.metric or default_metric(res, ["value_ecosystem", "iov_ecosystem"], shapes)
    res.require_metric(m, shapes, "response plot")
    _company_ok(res, a.company)
    by = a.by or ("design_point,variant" if len(res.present_variants()) > 1 else "design_point")
    j = common.stats("summarize", res.path, ["--metric", m, "--by", by])
    groups = {}
    for r in j.get("rows", []):
        if r.get("metric") != m or r.get("time") is not None:
            continue
        if a.company is not None and r.get("company") != a.company:
            continue
        key = (r.get("variant") or "") + (f" {r['company']}" if r.get("company") else "")
        groups.setdefault(key.strip() or m, []).append(r)
    if not groups:
        raise Fail(EXIT_NOINPUT, f"{res.path}: no rows for '{m}' (no complete runs?)")
    keys = list(groups)[:MAX_LINES]
    fig = common.new_figure()
    ax = fig.add_subplot()
    for i, k in enumerate(keys):
        pts = sorted(
            ((_factor_x(res, fac, r), num(r.get("mean")), r) for r in groups[k]),
            key=lambda p: p[0],
        )
        x = [p[0] for p in pts]
        y = [p[1] for p in pts]
        err = [
            [max(0.0, p[1] - num(p[2].get("ci_low"))) for p in pts],
            [max(0.0, num(p[2].get("ci_high")) - p[1]) for p in pts],
        ]
        err = [[0.0 if math.isnan(e) else e for e in side] for side in err]
        # Jitter categorical levels a little so variants do not hide each other.
        # Dodge the variants a little so their intervals do not hide each other.
        span = (max(x) - min(x)) if len(x) > 1 and not fac["levels"] else 1.0
        dodge = (0.08 if fac["levels"] else 0.008) * span * (i - (len(keys) - 1) / 2)
        x = [v + dodge for v in x]
        connect = len(set(x)) == len(x)
        ax.errorbar(x, y, yerr=err, fmt="o-" if connect else "o", ms=4, capsize=3, label=k)
    if fac["levels"]:
        ax.set_xticks(range(len(fac["levels"])), fac["levels"])
    ax.set_xlabel(_label(f"{fac['path']}", fac["units"]))
    ax.set_ylabel(_label(m, res.units(m)))
    ax.set_title(
        f"{m} vs {fac['path']}\ndesign-point means with {j.get('level', 0.95):.0%} CI", fontsize=9
    )
    ax.legend(fontsize=7)
    return fig


def _sel(text):
    out = {}
    for part in (text or "").split(","):
        k, _, v = part.partition("=")
        out[k] = v
    return out


def pair_label(baseline, vs):
    """'design_point=0,variant=ecosystem' vs '...autarky' -> 'design point 0: ecosystem − autarky'."""
    b, v = _sel(baseline), _sel(vs)
    same = [k for k in v if k in b and b[k] == v[k]]
    nice = lambda k, x: f"design point {x}" if k == "design_point" else (x if k == "variant" else f"{k}={x}")
    head = ", ".join(nice(k, v[k]) for k in same)
    dv = ", ".join(nice(k, v[k]) for k in v if k not in same) or vs
    db = ", ".join(nice(k, b[k]) for k in b if k not in same) or baseline
    return (f"{head}: " if head else "") + f"{dv} − {db}"


def compare(res, a, j=None):
    """j: the JSON of an `ecotwin compare` already run for these metrics (the report's)."""
    shapes = [("run",), ("run", "company")]
    metrics = (
        [x for x in a.metric.split(",") if x]
        if a.metric
        else [default_metric(res, ["value_ecosystem", "members_mean"], shapes)]
    )
    for m in metrics:
        res.require_metric(m, shapes, "comparison plot")
    _company_ok(res, a.company)
    args = ["--metric", ",".join(metrics)]
    if a.baseline:
        args += ["--baseline", a.baseline]
    for v in a.vs:
        args += ["--vs", v]
    if j is None:
        j = common.stats("compare", res.path, args)
    comps = [
        c
        for c in j.get("comparisons", [])
        if c.get("metric") in metrics and (a.company is None or c.get("company") == a.company)
    ]
    if not comps:
        raise Fail(
            EXIT_NOINPUT,
            f"{res.path}: nothing to compare (give --baseline and --vs, e.g. "
            "--baseline variant=autarky --vs variant=ecosystem)",
        )
    fig = common.new_figure(7.0, 1.2 + 0.9 * len(metrics) + 0.25 * min(len(comps), MAX_BARS))
    axes = fig.subplots(len(metrics), 1, squeeze=False)[:, 0]
    for ax, m in zip(axes, metrics):
        cs = [c for c in comps if c["metric"] == m][:MAX_BARS]
        labels = [
            pair_label(c["baseline"], c["vs"]) + (f" ({c['company']})" if c.get("company") else "")
            for c in cs
        ]
        d = [num(c.get("diff")) for c in cs]
        err = [
            [max(0.0, v - num(c.get("ci_low"))) for v, c in zip(d, cs)],
            [max(0.0, num(c.get("ci_high")) - v) for v, c in zip(d, cs)],
        ]
        err = [[0.0 if math.isnan(e) else e for e in side] for side in err]
        y = list(range(len(cs)))
        colors = ["#2a7ab0" if v >= 0 else "#c0392b" for v in d]
        ax.barh(y, d, xerr=err, color=colors, capsize=3, height=0.6)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_yticks(y, labels, fontsize=7)
        ax.invert_yaxis()
        units = cs[0].get("units") if cs else ""
        ax.set_xlabel(_label(f"difference in {m}", units))
        ax.set_title(f"{m}: difference with {j.get('level', 0.95):.0%} CI", fontsize=9)
    return fig


def sensitivity(res, a):
    shapes = [("run",), ("run", "company")]
    m = a.metric or default_metric(res, ["value_ecosystem", "iov_ecosystem"], shapes)
    res.require_metric(m, shapes, "sensitivity plot")
    if not res.factors():
        raise Fail(EXIT_NOINPUT, f"{res.path}: not a sweep (no factors); sensitivity needs one")
    _company_ok(res, a.company)
    args = ["--metric", m] + (["--variant", a.variant] if a.variant else [])
    j = common.stats("sensitivity", res.path, args)
    rs = [
        r
        for r in j.get("responses", [])
        if r.get("metric") == m and (a.company is None or r.get("company") == a.company)
    ]
    if not rs:
        raise Fail(EXIT_NOINPUT, f"{res.path}: no sensitivity results for '{m}'")
    r = rs[0]
    fig = common.new_figure()
    ax = fig.add_subplot()
    who = f" of {r['company']}" if r.get("company") else ""
    if r.get("sobol"):
        s = r["sobol"]
        x = list(range(len(s)))
        for off, key, col in ((-0.2, "S1", "#2a7ab0"), (0.2, "ST", "#e67e22")):
            v = [num(e.get(key)) for e in s]
            lo = [max(0.0, vv - num(e.get(key + "_low"))) for vv, e in zip(v, s)]
            hi = [max(0.0, num(e.get(key + "_high")) - vv) for vv, e in zip(v, s)]
            lo = [0.0 if math.isnan(e) else e for e in lo]
            hi = [0.0 if math.isnan(e) else e for e in hi]
            ax.bar([i + off for i in x], v, 0.4, yerr=[lo, hi], capsize=3, color=col, label=key)
        ax.set_xticks(x, [e.get("path") or e["factor"] for e in s], rotation=20, ha="right")
        ax.set_ylabel("Sobol index")
        ax.set_title(f"Sobol indices of {m}{who}\nbase sample {j.get('n_base')}, bootstrap CI", fontsize=9)
        ax.legend()
    else:
        s = r.get("src") or []
        if not s:
            raise Fail(EXIT_NOINPUT, f"{res.path}: no sensitivity indices for '{m}'")
        x = list(range(len(s)))
        v = [num(e.get("src")) for e in s]
        lo = [max(0.0, vv - num(e.get("ci_low"))) for vv, e in zip(v, s)]
        hi = [max(0.0, num(e.get("ci_high")) - vv) for vv, e in zip(v, s)]
        lo = [0.0 if math.isnan(e) else e for e in lo]
        hi = [0.0 if math.isnan(e) else e for e in hi]
        ax.bar(x, v, 0.6, yerr=[lo, hi], capsize=3, color="#2a7ab0")
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks(x, [e.get("path") or e["factor"] for e in s], rotation=20, ha="right")
        ax.set_ylabel("standardized regression coefficient")
        r2 = r.get("r2")
        ax.set_title(f"SRC of {m}{who}" + (f" (R² = {r2:.2f})" if r2 is not None else ""))
    return fig


def _parse_config(sel):
    """A network --config selector: design_point and variant keys only."""
    out = {}
    for part in sel.split(","):
        k, eq, v = part.partition("=")
        k, v = k.strip(), v.strip()
        if not eq or k not in ("design_point", "variant") or not v:
            raise Fail(EXIT_USAGE, f"--config '{sel}': use design_point=N and/or variant=NAME")
        out[k] = v
    return out


def _runs_of(res, a):
    """Complete runs to draw, and a label for them."""
    n = len(res.status)
    if a.config is not None:
        if a.run is not None:
            raise Fail(EXIT_USAGE, "give --run or --config, not both")
        c = _parse_config(a.config)
        runs = []
        for r in range(n):
            if res.status[r] != 1:
                continue
            if "variant" in c:
                if c["variant"] not in res.variant_names:
                    raise Fail(EXIT_USAGE, f"no variant '{c['variant']}'")
                if res.variant_names[int(res.variant[r])] != c["variant"]:
                    continue
            if "design_point" in c:
                try:
                    if int(res.design[r]) != int(c["design_point"]):
                        continue
                except ValueError:
                    raise Fail(EXIT_USAGE, "--config: design_point must be an integer")
            runs.append(r)
        if not runs:
            raise Fail(EXIT_NOINPUT, f"no complete run matches '{a.config}'")
        return runs, f"{a.config} ({len(runs)} runs summed)"
    r = 0 if a.run is None else a.run
    if r < 0 or r >= n:
        raise Fail(EXIT_USAGE, f"--run {r}: the file has runs 0..{n - 1}")
    if res.status[r] != 1:
        raise Fail(EXIT_NOINPUT, f"run {r} is not complete")
    v = res.variant_names[int(res.variant[r])] if len(res.variant_names) > int(res.variant[r]) else ""
    return [r], f"run {r} (variant {v}, replication {int(res.replication[r])})"


def _active(ts, te, t):
    if t is None:  # end of the horizon: still running then
        return ts == ts and te != te
    return ts <= t and (te != te or te > t)


def network_edges(res, runs, t):
    """{(i, j): count} of projects and contracts active at t (None: at the end) in runs."""
    proj = res.table("project")
    con = res.table("contract")
    if proj is None and con is None:
        raise Fail(EXIT_NOINPUT, f"{res.path}: no project or contract tables to draw a network from")
    runset = set(runs)
    edges = {}

    def add(members):
        members = sorted({int(x) for x in members if x == x and x >= 0})
        for i in range(len(members)):
            for k in range(i + 1, len(members)):
                edges[(members[i], members[k])] = edges.get((members[i], members[k]), 0) + 1

    members_of = {}
    if proj is not None:
        mcols = [proj[c] for c in sorted(proj) if c.startswith("member_")]
        for row in range(len(proj["run"])):
            run = int(proj["run"][row])
            if run not in runset:
                continue
            mem = [c[row] for c in mcols]
            members_of[(run, int(proj["opportunity"][row]))] = mem
            if _active(proj["t_start"][row], proj["t_end"][row], t):
                add(mem)
    if con is not None:
        for row in range(len(con["run"])):
            run = int(con["run"][row])
            if run not in runset or not _active(con["t_start"][row], con["t_end"][row], t):
                continue
            p, c = con["provider"][row], con["client"][row]
            if p >= 0 and c >= 0:
                add([p, c])
            else:  # a new business: its members are those of its project
                add(members_of.get((run, int(con["opportunity"][row])), []))
    return edges


def network(res, a):
    runs, who = _runs_of(res, a)
    n = len(res.companies)
    if n == 0:
        raise Fail(EXIT_NOINPUT, f"{res.path}: no companies")
    edges = network_edges(res, runs, a.time)
    shapes = [("run", "company")]
    v = res.variables()
    m = a.metric or ("value_total" if v.get("value_total") in shapes else None)
    size = None
    if m is not None:
        res.require_metric(m, shapes, "node size")
        if a.config is None:
            size = [float(x) for x in res.f[m][runs[0], :]]
        else:  # the configuration's mean per company, from summarize
            c = _parse_config(a.config)
            by = ",".join(k for k in ("design_point", "variant") if k in c)
            label = ",".join(f"{k}={c[k]}" for k in ("design_point", "variant") if k in c)
            j = common.stats("summarize", res.path, ["--metric", m, "--by", by])
            means = {
                r.get("company"): num(r.get("mean"))
                for r in j.get("rows", [])
                if r.get("metric") == m and r.get("config") == label and r.get("time") is None
            }
            size = [means.get(name, float("nan")) for name in res.companies]
    roles = None
    if v.get("role") in shapes:
        roles = [int(x) if x == x else -1 for x in res.f["role"][runs[0], :]]
    fig = common.new_figure(6.5, 6.0)
    ax = fig.add_subplot()
    ax.set_aspect("equal")
    ax.axis("off")
    xy = [
        (math.cos(math.pi / 2 - 2 * math.pi * i / n), math.sin(math.pi / 2 - 2 * math.pi * i / n))
        for i in range(n)
    ]
    wmax = max(edges.values()) if edges else 1
    for (i, k), w in sorted(edges.items()):
        ax.plot(
            [xy[i][0], xy[k][0]],
            [xy[i][1], xy[k][1]],
            color="#555555",
            lw=0.8 + 5.0 * w / wmax,
            alpha=0.6,
            zorder=1,
        )
        if w > 1:
            ax.text((xy[i][0] + xy[k][0]) / 2, (xy[i][1] + xy[k][1]) / 2, str(w), fontsize=7)
    if size is not None and any(s == s for s in size):
        fin = [s for s in size if s == s]
        lo, hi = min(fin), max(fin)
        area = [200 + 1200 * ((s - lo) / (hi - lo) if hi > lo else 0.5) if s == s else 100 for s in size]
    else:
        area = [500] * n
    cmap = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd"]
    colors = [cmap[r] if roles and 0 <= r < len(cmap) else "#7f7f7f" for r in (roles or [-1] * n)]
    ax.scatter([p[0] for p in xy], [p[1] for p in xy], s=area, c=colors, zorder=2, edgecolors="k")
    for i, name in enumerate(res.companies):
        lab = name if size is None else f"{name}\n{common.fmt(size[i], res.units(m))}"
        ax.annotate(lab, (xy[i][0] * 1.36, xy[i][1] * 1.36), ha="center", va="center", fontsize=8)
    if roles:
        from matplotlib.lines import Line2D

        present = sorted({r for r in roles if 0 <= r < len(ROLES)})
        ax.legend(
            handles=[
                Line2D([], [], marker="o", ls="", color=cmap[r], label=ROLES[r]) for r in present
            ],
            loc="lower right",
            fontsize=7,
            frameon=False,
        )
    ax.set_xlim(-1.7, 1.7)
    ax.set_ylim(-1.7, 1.7)
    when = f"t = {a.time:g} h" if a.time is not None else "the end of the horizon"
    sz = f"; node size: {m}" if m else ""
    ax.set_title(
        f"Collaboration at {when}: {who}\nedges: projects and contracts active{sz}", fontsize=9
    )
    return fig


DRAW = {
    "timeseries": timeseries,
    "response": response,
    "compare": compare,
    "sensitivity": sensitivity,
    "network": network,
}


def draw(res, a, data=None):
    return DRAW[a.kind](res, a, data) if data is not None else DRAW[a.kind](res, a)


def main(argv):
    a = parser().parse_args(argv)
    common.apply_style()
    res = common.Results(a.file)
    try:
        fig = draw(res, a)
        for p in common.save(fig, a.output):
            print(p)
    finally:
        res.close()
    return 0
