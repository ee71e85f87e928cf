#!/usr/bin/python3
"""Mean, standard deviation and 95% confidence interval of one metric per variant (and design
point, in a sweep), read from an ecotwin results file with xarray, pandas and scipy alone.

    /usr/bin/python3 analysis/examples/summarize_xarray.py FILE METRIC [COMPANY]

Prints the same numbers as `ecotwin summarize FILE --metric METRIC` (docs/analysis.md shows
both side by side; tests/integration/test_analysis_python.sh checks they agree). With
--json, prints {"rows": [{"config", "company", "n", "mean", "sd", "ci_low", "ci_high"}]} for
that comparison.
"""
import json
import sys

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats


def load(path, metric, company=None):
    """One row per complete run: design point, variant name and the metric's value."""
    ds = xr.open_dataset(path, engine="h5netcdf")
    values = ds[metric]
    if "company" in values.dims:
        if company is None:
            raise SystemExit(f"{metric} is per company: name one (e.g. {ds.company_name.values[0]})")
        names = [str(n) for n in ds.company_name.values]
        values = values.isel(company=names.index(company))
    # variant(run) holds codes; flag_meanings names them, in flag_values order.
    names = ds.variant.attrs["flag_meanings"].split()
    codes = list(ds.variant.attrs["flag_values"])
    frame = pd.DataFrame({
        "design_point": ds.design.values,
        "variant": [names[codes.index(v)] for v in ds.variant.values],
        "value": values.values,
    })
    # Only complete runs carry results (run_status 1); failed or missing runs are left out.
    frame = frame[ds.run_status.values == 1]
    sweep = ds.attrs.get("kind") == "sweep"
    ds.close()
    return frame, sweep


def summarize(frame, sweep, level=0.95):
    keys = ["design_point", "variant"] if sweep else ["variant"]
    rows = []
    by = keys if len(keys) > 1 else keys[0]
    for key, group in frame.groupby(by, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        x = group["value"].to_numpy(dtype=float)
        n = len(x)
        mean = float(np.mean(x))
        sd = float(np.std(x, ddof=1)) if n > 1 else float("nan")
        half = stats.t.ppf(0.5 + level / 2, n - 1) * sd / np.sqrt(n) if n > 1 else float("nan")
        config = ",".join(f"{k}={v}" for k, v in zip(keys, key))
        rows.append({"config": config, "n": n, "mean": mean, "sd": sd,
                     "ci_low": mean - half, "ci_high": mean + half})
    return rows


def main(argv):
    as_json = "--json" in argv
    args = [a for a in argv[1:] if a != "--json"]
    if len(args) not in (2, 3):
        raise SystemExit(__doc__)
    path, metric = args[0], args[1]
    company = args[2] if len(args) == 3 else None
    frame, sweep = load(path, metric, company)
    rows = summarize(frame, sweep)
    for row in rows:
        row["company"] = company
    if as_json:
        print(json.dumps({"rows": rows}))
        return
    print(f"{'configuration':<32} {'n':>4} {'mean':>14} {'sd':>14} {'95% CI':>31}")
    for r in rows:
        print(f"{r['config']:<32} {r['n']:>4} {r['mean']:>14.6g} {r['sd']:>14.6g} "
              f"[{r['ci_low']:>13.6g}, {r['ci_high']:>13.6g}]")


if __name__ == "__main__":
    main(sys.argv)
