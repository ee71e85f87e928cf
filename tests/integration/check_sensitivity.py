"""Checks the JSON of `ecotwin sensitivity` (tests/integration/test_sensitivity.sh).

  check_sensitivity.py ishigami JSON [JSON_SEED2 JSON_NOBOOT JSON_COMPANY]
      the saltelli sweep of sens_sample: Sobol indices of Ishigami's function against the
      closed form, SRC and R^2 of y = 2 x1 - x2, a constant response, a failed base row
  check_sensitivity.py recompute JSON RESULTS.h5 METRIC
      recomputes S1, ST and the SRCs of METRIC from the file with numpy, independently of
      the C code (block -> factor matching by values, mean over complete replications of
      variant 0), and compares
  check_sensitivity.py grid JSON
      the grid sweep tests/data/sweeps/grid.yaml: no Sobol indices and a note saying why,
      a categorical factor and its note, SRCs ranked by |SRC|
Exit 1 with the differences listed when a check fails.
"""
import json
import math
import sys

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)


def near(got, want, tol, what):
    check(got is not None and abs(got - want) <= tol,
          f"{what}: got {got}, expected {want} +- {tol}")


def by_factor(rows):
    return {r["factor"]: r for r in rows}


def response(doc, metric, company=None):
    for r in doc["responses"]:
        if r["metric"] == metric and r["company"] == company:
            return r
    FAILS.append(f"no response {metric} (company {company})")
    return None


def ishigami_truth(a=7.0, b=0.1):
    p4, p8 = math.pi ** 4, math.pi ** 8
    v1 = 0.5 * (1 + b * p4 / 5) ** 2
    v2 = a * a / 8
    v13 = 8 * b * b * p8 / 225
    v = v1 + v2 + v13
    # design order x1, x2, x3 -> the file's names
    return {"param_z_x1": (v1 / v, (v1 + v13) / v),
            "param_a_x2": (v2 / v, v2 / v),
            "param_m_x3": (0.0, v13 / v)}


def check_ishigami(doc, doc_seed2, doc_noboot, doc_company):
    check(doc["design"] == "saltelli" and doc["n_base"] == 1024 and doc["k"] == 3
          and doc["n_design"] == 5120 and doc["variant"] == "ecosystem"
          and doc["bootstrap"] == 1000 and doc["level"] == 0.95, "header " + str(
              {k: doc[k] for k in ("design", "n_base", "k", "n_design", "variant")}))
    ish = response(doc, "ishigami")
    if ish is None:
        return
    # One failed design point (row 3 of AB_0) drops base row 3 from every estimator.
    check(ish["n_base_used"] == 1023 and ish["n_points"] == 5119,
          f"rows used {ish['n_base_used']}, points {ish['n_points']}")
    # n = 1024 quasi-random rows, one dropped: the error of each index is a few 10^-2
    # (bootstrap half-widths 0.03-0.09); 0.05 is below the smallest gap between indices
    # that the ranking relies on, and every 95% interval must cover the truth.
    for name, (s1, st) in ishigami_truth().items():
        row = by_factor(ish["sobol"]).get(name)
        if row is None:
            FAILS.append(f"no Sobol row for {name}")
            continue
        print(f"{name}: S1 {row['S1']:.4f} [{row['S1_low']:.4f}, {row['S1_high']:.4f}] "
              f"(true {s1:.4f}); ST {row['ST']:.4f} [{row['ST_low']:.4f}, "
              f"{row['ST_high']:.4f}] (true {st:.4f})")
        near(row["S1"], s1, 0.05, f"S1 {name}")
        near(row["ST"], st, 0.05, f"ST {name}")
        check(row["S1_low"] <= s1 <= row["S1_high"], f"S1 interval of {name} misses {s1}")
        check(row["ST_low"] <= st <= row["ST_high"], f"ST interval of {name} misses {st}")
    check(ish["ranking"] == ["param_z_x1", "param_a_x2", "param_m_x3"],
          f"ranking {ish['ranking']}")
    check(ish["ranked_by"] == "ST", "ranked_by " + str(ish["ranked_by"]))

    lin = response(doc, "linear")
    if lin is not None:
        src = by_factor(lin["src"])
        # Uniform factors of equal range: SRC = (2, -1, 0) / sqrt(5); R^2 = 1 exactly.
        near(src["param_z_x1"]["src"], 2 / math.sqrt(5), 0.01, "SRC x1")
        near(src["param_a_x2"]["src"], -1 / math.sqrt(5), 0.01, "SRC x2")
        near(src["param_m_x3"]["src"], 0.0, 0.01, "SRC x3")
        near(lin["r2"], 1.0, 1e-9, "R2 linear")
        sob = by_factor(lin["sobol"])
        near(sob["param_z_x1"]["S1"], 0.8, 0.05, "S1 linear x1")
        near(sob["param_a_x2"]["ST"], 0.2, 0.05, "ST linear x2")

    const = response(doc, "constant")
    if const is not None:
        check(const["sobol"] == [] and const["src"] == [] and const["r2"] is None
              and const["ranking"] == [], "constant response has indices")
        check(any("constant" in n for n in const["notes"]), f"notes {const['notes']}")

    ish2 = response(doc_seed2, "ishigami")
    if ish2 is not None:
        a, b = by_factor(ish["sobol"]), by_factor(ish2["sobol"])
        check(all(a[f]["S1"] == b[f]["S1"] for f in a), "point estimates depend on the seed")
        check(any(a[f]["S1_low"] != b[f]["S1_low"] for f in a), "bounds ignore the seed")
    nob = response(doc_noboot, "ishigami")
    if nob is not None:
        check(all(r["S1_low"] is None and r["ST_high"] is None for r in nob["sobol"]),
              "--bootstrap 0 still has bounds")
    comp = response(doc_company, "ishigami_company", "oem")
    if comp is not None:
        a, b = by_factor(ish["sobol"]), by_factor(comp["sobol"])
        for f in a:
            near(b[f]["S1"], a[f]["S1"], 1e-9, f"company S1 {f}")
        check(comp["units"] == "EUR", "company units")


def recompute(doc, path, metric):
    import h5py
    import numpy as np
    with h5py.File(path, "r") as f:
        names = [r["name"] for r in doc["factors"]]
        x = np.stack([f[n][:] for n in names], axis=1)
        ok = (f["run_status"][:] == 1) & (f["variant"][:] == 0)
        v = f[metric][:]
        design = f["design"][:]
    nd, k = x.shape
    y = np.full(nd, np.nan)
    for d in range(nd):
        sel = ok & (design == d) & np.isfinite(v)
        if sel.any():
            y[d] = v[sel].mean()
    n = nd // (k + 2)
    blocks = [x[b * n:(b + 1) * n] for b in range(k + 2)]
    fa, fb = y[:n], y[n:2 * n]
    keep = np.isfinite(fa) & np.isfinite(fb)
    for i in range(k):
        keep &= np.isfinite(y[(2 + i) * n:(3 + i) * n])
    var = np.var(np.r_[fa[keep], fb[keep]])
    res = response(doc, metric)
    if res is None:
        return
    sob = by_factor(res["sobol"])
    for i in range(k):
        ab = blocks[2 + i]
        swapped = [j for j in range(k) if np.array_equal(ab[:, j], blocks[1][:, j])
                   and all(np.array_equal(ab[:, g], blocks[0][:, g]) for g in range(k) if g != j)]
        check(len(swapped) == 1, f"block {i} swaps {swapped}")
        if len(swapped) != 1:
            continue
        fab = y[(2 + i) * n:(3 + i) * n]
        s1 = np.mean(fb[keep] * (fab[keep] - fa[keep])) / var
        st = 0.5 * np.mean((fa[keep] - fab[keep]) ** 2) / var
        name = names[swapped[0]]
        # The C code shifts the responses by their mean first (an_sobol.h): S1 then differs
        # from the unshifted formula by mean * mean(f_AB - f_A) / V, so compare with the
        # shifted one (the unshifted one is printed to show what the shift saves).
        mean = np.mean(np.r_[fa[keep], fb[keep]])
        s1_shifted = np.mean((fb[keep] - mean) * (fab[keep] - fa[keep])) / var
        print(f"{metric} {name}: S1 {sob[name]['S1']:.6f} (numpy {s1_shifted:.6f}; "
              f"without the shift {s1:.6f}), ST {sob[name]['ST']:.6f} (numpy {st:.6f})")
        near(sob[name]["S1"], s1_shifted, 1e-7 + 1e-6 * abs(s1_shifted), f"S1 {name}")
        near(sob[name]["ST"], st, 1e-7 + 1e-6 * abs(st), f"ST {name}")
    # SRC by numpy least squares on standardized data.
    use = np.isfinite(y)
    z = (x[use] - x[use].mean(0)) / x[use].std(0, ddof=1)
    t = (y[use] - y[use].mean()) / y[use].std(ddof=1)
    coef, *_ = np.linalg.lstsq(np.c_[np.ones(len(t)), z], t, rcond=None)
    src = by_factor(res["src"])
    for j, name in enumerate(names):
        near(src[name]["src"], coef[j + 1], 1e-7, f"SRC {name}")
    check(len(res["ranking"]) == k, "ranking length")


def check_grid(doc):
    check(doc["design"] == "grid" and doc["n_base"] is None, "grid header")
    check(any("not saltelli" in n for n in doc["notes"]), f"notes {doc['notes']}")
    # grid.yaml: maintenance.pm_policy is categorical; the regression uses its codes.
    cat = [f for f in doc["factors"] if f["levels"] is not None]
    check(len(cat) == 1 and cat[0]["levels"] == ["risk_quantile", "fixed_fraction"],
          f"categorical factors {cat}")
    check(any("categorical factor param_maintenance_pm_policy" in n for n in doc["notes"]),
          f"notes {doc['notes']}")
    check(doc["n_design"] == 12 and doc["k"] == 3, "grid size")
    for r in doc["responses"]:
        check(r["sobol"] == [], f"{r['metric']} has Sobol indices")
        if r["src"]:
            check(r["ranked_by"] == "src", f"{r['metric']} ranked by {r['ranked_by']}")
    check(any(r["src"] for r in doc["responses"]), "no response has SRCs")


def main():
    mode = sys.argv[1]
    docs = [json.load(open(p)) for p in sys.argv[2:] if p.endswith(".json")]
    if mode == "ishigami":
        check_ishigami(*docs)
    elif mode == "recompute":
        recompute(docs[0], sys.argv[3], sys.argv[4])
    elif mode == "grid":
        check_grid(docs[0])
    for f in FAILS:
        print("FAIL:", f)
    sys.exit(1 if FAILS else 0)


if __name__ == "__main__":
    main()
