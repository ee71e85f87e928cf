"""crn_variance.py [ECOTWIN]: the variance reduction common random numbers buy.

Runs bench/crn_example.yaml twice, with common random numbers (the default) and with
--independent, and for a few OEM metrics prints the mean paired difference (point 1 minus
point 0, replication by replication) with its 95% confidence half-width, and the ratio of
the variances: how many times more replications independent streams would need for the
same precision. Used for the table in docs/sweeps.md."""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
from scipy import stats

HERE = os.path.dirname(os.path.abspath(__file__))
ECOTWIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build", "runner-release", "sim", "cli", "ecotwin")
METRICS = ["lead_time_mean", "availability", "utilization", "value_total"]


def differences(path, metric, company):
    with h5py.File(path, "r") as f:
        names = [bytes(n).decode().rstrip("\0") for n in f["company_name"][()]]
        c = names.index(company)
        d, r, v = f["design"][()], f["replication"][()], f[metric][()][:, c]
    reps = np.unique(r)
    return np.array([v[(d == 1) & (r == k)][0] - v[(d == 0) & (r == k)][0] for k in reps])


def halfwidth(x):
    return stats.t.ppf(0.975, len(x) - 1) * x.std(ddof=1) / np.sqrt(len(x))


def main():
    tmp = tempfile.mkdtemp()
    files = {}
    for mode, extra in (("crn", []), ("independent", ["--independent"])):
        files[mode] = os.path.join(tmp, mode + ".h5")
        subprocess.run([ECOTWIN, "sweep", "-q", *extra, "-o", files[mode],
                        os.path.join(HERE, "crn_example.yaml")], check=True, stdout=subprocess.DEVNULL)
    print("| OEM metric | difference, CRN | difference, independent | variance ratio |")
    print("|---|---|---|---|")
    for m in METRICS:
        a, b = differences(files["crn"], m, "oem"), differences(files["independent"], m, "oem")
        ratio = b.var(ddof=1) / a.var(ddof=1) if a.var(ddof=1) > 0 else float("inf")
        print(f"| {m} | {a.mean():.4g} ± {halfwidth(a):.3g} | {b.mean():.4g} ± {halfwidth(b):.3g} | {ratio:.1f} |")


if __name__ == "__main__":
    main()
