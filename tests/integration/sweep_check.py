"""sweep_check.py: checks of ecotwin sweep files for the runner's integration tests.

  sweep_check.py crn FILE same|different   runs of design point 0 and 1 equal (or not) in
                                           every per-run dataset, replication by replication
  sweep_check.py subset PART FULL          PART (a killed or interrupted sweep) opens, and
                                           every run complete in PART equals that run in FULL,
                                           event-table rows included
  sweep_check.py status FILE S0 S1 S2      run_status counts are S0 not run, S1 complete,
                                           S2 failed
  sweep_check.py failed FILE DESIGN TEXT   the failed runs are exactly those of DESIGN, and
                                           each run_message contains TEXT
  sweep_check.py attr FILE NAME VALUE      root attribute NAME equals VALUE
"""
import sys

import h5py
import numpy as np


def open_any(path):
    # A file whose writer was killed is still marked open for writing: open as SWMR reader.
    try:
        return h5py.File(path, "r")
    except OSError:
        return h5py.File(path, "r", swmr=True)


def per_run(f):
    n = f["run"].shape[0]
    out = {}
    for name, obj in f.items():
        if isinstance(obj, h5py.Dataset) and obj.ndim >= 1 and obj.shape[0] == n and name != "run":
            out[name] = obj[()]
    return out


def same(x, y):
    if x.dtype.kind == "f":
        return bool(np.array_equal(x, y, equal_nan=True))
    return bool(np.array_equal(x, y))


def crn(path, expect):
    with open_any(path) as f:
        design, rep, var = f["design"][()], f["replication"][()], f["variant"][()]
        data = per_run(f)
    skip = {"design", "replication", "variant", "run_status", "run_message"}
    differ = set()
    for r in np.unique(rep):
        for v in np.unique(var):
            i = np.where((design == 0) & (rep == r) & (var == v))[0][0]
            j = np.where((design == 1) & (rep == r) & (var == v))[0][0]
            for name, d in data.items():
                if name not in skip and not same(d[i], d[j]):
                    differ.add(name)
    if expect == "same" and differ:
        print("design points 0 and 1 differ in", sorted(differ))
        return 1
    if expect == "different" and not differ:
        print("design points 0 and 1 are identical although their streams differ")
        return 1
    print(f"crn check ({expect}): {len(differ)} datasets differ")
    return 0


def table_dims(f):
    return [n[: -len("_run")] for n in f if n.endswith("_run") and n[: -len("_run")] in f]


def subset(part, full):
    with open_any(part) as fp, open_any(full) as ff:
        status = fp["run_status"][()]
        done = np.where(status == 1)[0]
        dp, df = per_run(fp), per_run(ff)
        bad = [n for n in dp if n not in ("run_status", "run_message") and
               not same(dp[n][done], df[n][done])]
        for t in table_dims(fp):
            rp, rf = fp[t + "_run"][()], ff[t + "_run"][()]
            kp, kf = np.isin(rp, done), np.isin(rf, done)
            for name in fp:
                if name.startswith(t + "_") and fp[name].ndim == 1 and fp[name].shape == rp.shape:
                    if not same(fp[name][()][kp], ff[name][()][kf]):
                        bad.append(name)
    if bad:
        print("complete runs of", part, "differ from", full, "in", bad)
        return 1
    print(f"{len(done)} complete runs of {part} equal the uninterrupted sweep")
    return 0


def status(path, want):
    with open_any(path) as f:
        s = f["run_status"][()]
    got = [int((s == k).sum()) for k in (0, 1, 2)]
    if got != [int(w) for w in want]:
        print("run_status counts", got, "expected", want)
        return 1
    return 0


def failed(path, design, text):
    with open_any(path) as f:
        s, d = f["run_status"][()], f["design"][()]
        msg = f["run_message"][()]
    bad = np.where(s == 2)[0]
    if not np.array_equal(bad, np.where(d == int(design))[0]):
        print("failed runs", bad, "are not those of design point", design)
        return 1
    for i in bad:
        m = msg[i].tobytes().decode("utf-8", "replace") if msg.dtype.kind == "S" else str(msg[i])
        if text not in m:
            print("run", i, "message lacks", repr(text), ":", m)
            return 1
    return 0


def attr(path, name, value):
    with open_any(path) as f:
        v = f.attrs[name]
    v = v.decode() if isinstance(v, bytes) else str(v[0] if hasattr(v, "__len__") else v)
    if v != value:
        print(f"attribute {name} = {v!r}, expected {value!r}")
        return 1
    return 0


def main(argv):
    cmd = argv[1]
    if cmd == "crn":
        return crn(argv[2], argv[3])
    if cmd == "subset":
        return subset(argv[2], argv[3])
    if cmd == "status":
        return status(argv[2], argv[3:6])
    if cmd == "failed":
        return failed(argv[2], argv[3], argv[4])
    if cmd == "attr":
        return attr(argv[2], argv[3], argv[4])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
