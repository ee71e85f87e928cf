"""compare_h5.py A B [--expect same|different] [--variants]

Compares the data of two ecotwin results files dataset by dataset (attributes are
provenance and may differ). --expect same: every dataset equal (NaN equals NaN);
--expect different: at least one model variable differs. --variants A: within file A,
every run of variant 1 equals the run of variant 0 of the same replication."""
import sys

import h5py
import numpy as np


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj[()]) if isinstance(obj, h5py.Dataset) else None)
    return out


def equal(x, y):
    if x.shape != y.shape or x.dtype != y.dtype:
        return False
    if x.dtype.kind == "f":
        return bool(np.array_equal(x, y, equal_nan=True))
    return bool(np.array_equal(x, y))


def main(argv):
    if argv[1] == "--variants":
        with h5py.File(argv[2], "r") as f:
            var = f["variant"][()]
            rep = f["replication"][()]
            bad = []
            for name, d in datasets(f).items():
                if d.ndim == 0 or d.shape[0] != var.shape[0] or name in ("variant", "run"):
                    continue
                for r in np.unique(rep):
                    i0 = np.where((rep == r) & (var == var.min()))[0]
                    i1 = np.where((rep == r) & (var != var.min()))[0]
                    for j in i1:
                        if not equal(d[i0[0]], d[j]):
                            bad.append(name)
            if bad:
                print("variants differ in:", sorted(set(bad)))
                return 1
            print("variants identical in every dataset")
            return 0
    a, b, expect = argv[1], argv[2], argv[4]
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        da, db = datasets(fa), datasets(fb)
        if sorted(da) != sorted(db):
            print("different dataset names:", sorted(set(da) ^ set(db)))
            return 1
        diff = [n for n in da if not equal(da[n], db[n])]
    if expect == "same" and diff:
        print("datasets differ:", diff)
        return 1
    if expect == "different" and not diff:
        print("no dataset differs")
        return 1
    print(f"{len(diff)} of {len(da)} datasets differ, as expected ({expect})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
