"""Shared pieces of `ecotwin plot` and `ecotwin report`: errors with exit codes, reading the raw
parts of a results file (docs/output.md) with h5py, calling the statistics commands, and a fixed
matplotlib style with deterministic output.

Statistics (means, confidence intervals, differences, sensitivity indices) are never computed
here: they come from `ecotwin summarize|compare|sensitivity --json` (notes: ANALYSIS_JSON.md),
run as $ECOTWIN_EXE (set by the C command to the running program). Only data that needs no statistics is read directly: attributes, names,
factor values, the project and contract event tables, one run's values.
"""

import json
import math
import os
import re
import subprocess

# Exit codes (README): 2 usage, 66 missing input / not a results file / lacks what is asked,
# 70 internal error (includes Python or matplotlib missing), 74 cannot write the output.
EXIT_USAGE = 2
EXIT_NOINPUT = 66
EXIT_INTERNAL = 70
EXIT_IO = 74


class Fail(Exception):
    """An error to print as `ecotwin <cmd>: message` and exit with code."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


def _s(v):
    """An HDF5 attribute as str (fixed-length strings come back as bytes or 1-element arrays)."""
    if v is None:
        return None
    if hasattr(v, "shape") and getattr(v, "shape", ()) != () and len(v) == 1:
        v = v[0]
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    if hasattr(v, "item"):
        return v.item()
    return v


class Results:
    """The raw, statistics-free view of a results file."""

    def __init__(self, path):
        import h5py  # imported here so a missing h5py is reported by the caller

        self.path = path
        if not os.path.exists(path):
            raise Fail(EXIT_NOINPUT, f"{path}: no such file")
        try:
            try:
                self.f = h5py.File(path, "r")
            except OSError:
                self.f = h5py.File(path, "r", swmr=True)  # a killed writer's file
        except OSError as e:
            raise Fail(EXIT_NOINPUT, f"{path}: not an HDF5 file ({e})")
        if "run_status" not in self.f or "run" not in self.f:
            raise Fail(EXIT_NOINPUT, f"{path}: not an ecotwin results file (no run_status)")
        f = self.f
        self.status = f["run_status"][:]
        n = len(self.status)
        self.variant = f["variant"][:] if "variant" in f else [0] * n
        self.design = f["design"][:] if "design" in f else [0] * n
        self.replication = f["replication"][:] if "replication" in f else list(range(n))
        meanings = _s(f["variant"].attrs.get("flag_meanings")) if "variant" in f else None
        self.variant_names = meanings.split() if meanings else ["default"]
        self.companies = []
        if "company_name" in f:
            for row in f["company_name"][:]:
                self.companies.append(b"".join(row).decode("utf-8", "replace"))

    def close(self):
        self.f.close()

    def attr(self, name, default=None):
        v = self.f.attrs.get(name)
        return default if v is None else _s(v)

    @property
    def kind(self):
        return self.attr("kind", "run")

    def dims(self, name):
        """Dimension names of a dataset, e.g. ('run', 'company')."""
        ds = self.f[name]
        out = []
        for d in ds.dims:
            keys = list(d.keys())
            out.append(keys[0] if keys else "")
        return tuple(out)

    def variables(self):
        """Model variables: name -> dimension tuple, for the run-indexed shapes."""
        shapes = {("run",), ("run", "company"), ("run", "time"), ("run", "time", "company")}
        out = {}
        for name, obj in self.f.items():
            if name in ("run", "replication", "design", "variant", "run_status"):
                continue
            if not hasattr(obj, "dims") or obj.ndim == 0:
                continue
            d = self.dims(name)
            if d in shapes:
                out[name] = d
        return out

    def require_metric(self, metric, shapes=None, what="metric"):
        v = self.variables()
        if metric not in v:
            near = sorted(k for k in v if metric.lower() in k.lower())[:8]
            hint = f"; similar: {', '.join(near)}" if near else ""
            raise Fail(EXIT_USAGE, f"{self.path}: no variable '{metric}'{hint}")
        if shapes is not None and v[metric] not in shapes:
            raise Fail(
                EXIT_USAGE,
                f"'{metric}' has dimensions ({', '.join(v[metric])}); "
                f"this {what} needs one of "
                + " or ".join("(" + ", ".join(s) + ")" for s in shapes),
            )
        return v[metric]

    def units(self, name):
        return self.attr_of(name, "units", "")

    def attr_of(self, name, a, default=None):
        v = self.f[name].attrs.get(a)
        return default if v is None else _s(v)

    def factors(self):
        """Swept factors: list of dicts {name, path, units, levels}."""
        out = []
        for name in self.f:
            if name.startswith("param_") and self.dims(name) == ("design_point",):
                lv = self.attr_of(name, "flag_meanings")
                out.append(
                    {
                        "name": name,
                        "path": self.attr_of(name, "long_name", name),
                        "units": self.attr_of(name, "units", ""),
                        "levels": lv.split() if lv else None,
                    }
                )
        return out

    def find_factor(self, factor):
        fs = self.factors()
        if not fs:
            raise Fail(EXIT_NOINPUT, f"{self.path}: not a sweep (no factors)")
        for f in fs:
            if factor in (f["name"], f["path"]):
                return f
        raise Fail(
            EXIT_USAGE,
            f"{self.path}: no factor '{factor}'; factors: "
            + ", ".join(f"{f['name']} ({f['path']})" for f in fs),
        )

    def horizon(self):
        """horizon_h of the resolved scenario, or None."""
        y = self.attr("scenario_yaml", "") or ""
        m = re.search(r"^\s*horizon_h:\s*([0-9.eE+-]+)\s*$", y, re.M)
        try:
            return float(m.group(1)) if m else None
        except ValueError:
            return None

    def present_variants(self):
        codes = sorted({int(c) for c in self.variant})
        return [self.variant_names[c] if c < len(self.variant_names) else str(c) for c in codes]

    def n_design_points(self):
        return len(self.f["design_point"]) if "design_point" in self.f else 1

    def table(self, name):
        """An event table's columns (name -> numpy array, same length) or None without it."""
        if name not in self.f or f"{name}_run" not in self.f:
            return None
        cols = {}
        prefix = name + "_"
        for k in self.f:
            if k.startswith(prefix) and self.dims(k) == (name,):
                cols[k[len(prefix):]] = self.f[k][:]
        n = min(len(c) for c in cols.values()) if cols else 0  # shortest column (output.md)
        return {k: c[:n] for k, c in cols.items()}


def stats(cmd, path, args):
    """Run `ecotwin CMD PATH ARGS --json` and return the parsed object. A failure of the
    command is passed on with its exit code and its own message."""
    exe = os.environ.get("ECOTWIN_EXE")
    if not exe:
        raise Fail(EXIT_INTERNAL, "ECOTWIN_EXE is not set (run this through `ecotwin`)")
    argv = [exe, cmd, path] + list(args) + ["--json"]
    try:
        p = subprocess.run(argv, capture_output=True, check=False)
    except OSError as e:
        raise Fail(EXIT_INTERNAL, f"cannot run {exe}: {e}")
    if p.returncode != 0:
        msg = p.stderr.decode("utf-8", "replace").strip() or f"exit {p.returncode}"
        if p.returncode == 2 and "unknown command" in msg:
            raise Fail(EXIT_INTERNAL, f"this ecotwin has no '{cmd}' command")
        raise Fail(p.returncode, msg)
    try:
        return json.loads(p.stdout.decode("utf-8"))
    except ValueError as e:
        raise Fail(EXIT_INTERNAL, f"`ecotwin {cmd}` printed invalid JSON: {e}")


def num(x):
    """JSON number or null -> float (nan for null)."""
    return float("nan") if x is None else float(x)


def fmt(x, units=""):
    """A number for people: 4 significant digits, thousands grouped; '—' for missing."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    ax = abs(x)
    if ax != 0 and (ax >= 1e12 or ax < 1e-3):
        s = f"{x:.3g}"
    elif ax >= 1000:
        s = f"{x:,.0f}"
    else:
        s = f"{x:.4g}"
    return f"{s} {units}".strip() if units and units != "1" else s


# A fixed look, whatever the user's matplotlibrc says.
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "svg.hashsalt": "ecotwin",
    "svg.fonttype": "path",
    "path.simplify": True,
}


def apply_style():
    """matplotlib's own defaults plus STYLE: the user's matplotlibrc is not consulted. The
    program is one short process, so the global rcParams are set once."""
    import matplotlib

    matplotlib.rcdefaults()
    matplotlib.rcParams.update(STYLE)


def new_figure(w=7.0, h=4.0):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), layout="constrained")


def save(fig, out):
    """Write fig to OUT.png and OUT.svg, or only to OUT when it ends in .png or .svg.
    Returns the paths written."""
    base, ext = os.path.splitext(out)
    if ext.lower() in (".png", ".svg"):
        targets = [out]
    else:
        targets = [out + ".png", out + ".svg"]
    d = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(d):
        why = "is not a directory" if os.path.exists(d) else "does not exist"
        raise Fail(EXIT_IO, f"{out}: {d} {why}")
    for t in targets:
        try:
            if t.lower().endswith(".svg"):
                fig.savefig(t, format="svg", metadata={"Date": None})
            else:
                fig.savefig(t, format="png", metadata={"Software": None})
        except OSError as e:
            raise Fail(EXIT_IO, f"cannot write {t}: {e.strerror or e}")
    return targets
