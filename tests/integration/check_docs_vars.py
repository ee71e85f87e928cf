"""check_docs_vars.py RESULTS.h5 DOCS.md: every dataset in a results file is documented, i.e.
its name appears in backquotes in docs/output.md, and every documented model variable exists."""
import re
import sys

import h5py

with h5py.File(sys.argv[1], "r") as f:
    names = [n for n, d in f.items() if isinstance(d, h5py.Dataset)]
doc = open(sys.argv[2], encoding="utf-8").read()
missing = [n for n in names if f"`{n}`" not in doc and f"`{n}(" not in doc]
table = re.findall(r"^\| `([a-z_0-9]+)` \| \(run", doc, re.M)
stale = [n for n in table if n not in names]
if missing:
    print("not documented in", sys.argv[2], ":", missing)
if stale:
    print("documented but not in the file:", stale)
sys.exit(1 if missing or stale else 0)
