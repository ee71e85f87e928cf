#!/usr/bin/python3
"""check_netcdf.py FILE.h5 [--sample] [--empty E.h5] [--killed K.h5] [--inspector EXE]

Checks that an ecotwin results file opens with zero glue where researchers read it:
xarray with engine="h5netcdf" and engine="netcdf4", .to_dataframe() of a per-entity
variable and of every event table, and `ncdump -h` without phony dimensions and with the
event tables as UNLIMITED dimensions.

--sample       FILE is h5_sample's file: check its exact values too, including the event
               tables (one with rows, one empty) and the design points of the sweep.
--empty        a file with zero-length time and entity dimensions: it must open as well.
--killed       a file whose writer was killed mid-run: plain opens are refused by HDF5
               until `h5clear -s`, a SWMR reader opens it as it is; both are checked.
--inspector    h5_sample: its --inspect (sim_h5_inspect) must refuse an HDF5 file made by
               h5py without ecotwin attributes (exit 66) and describe a hostile one.

Run with Debian's /usr/bin/python3 (the Python that sees python3-xarray and friends).
Exits 1 with every problem listed; a missing module or tool is a failure, never a skip.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import h5netcdf
import h5py
import numpy as np
import xarray as xr

ENGINES = ("h5netcdf", "netcdf4")
LAYOUT_DIMS = {"run", "time", "name_strlen", "message_strlen"}
PROBLEMS = []


def problem(path, text):
    PROBLEMS.append(f"{path}: {text}")


def expect(cond, path, text):
    if not cond:
        problem(path, text)
    return cond


def entity_dims(ds):
    """The entity dimension is the one with a <dim>_name variable."""
    return [d for d in ds.dims if d not in LAYOUT_DIMS and f"{d}_name" in ds.variables]


def table_dims(ds):
    """Event tables: dimensions with a <dim>_run variable."""
    return [d for d in ds.dims if f"{d}_run" in ds.variables]


def check_ncdump(path, tables=()):
    out = subprocess.run(["ncdump", "-h", path], capture_output=True, text=True)
    if expect(out.returncode == 0, path, f"ncdump -h failed: {out.stderr.strip()}"):
        expect("phony_dim" not in out.stdout, path, "ncdump -h shows phony dimensions")
        expect("run_status(run)" in out.stdout, path, "ncdump -h does not list run_status(run)")
        for dim, rows in tables:
            line = f"{dim} = UNLIMITED ; // ({rows} currently)"
            expect(line in out.stdout, path, f"ncdump -h lacks '{line}'")


def check_layout(path, ds, engine):
    """What every results file has, whatever the model."""
    for dim in ("run", "time"):
        expect(dim in ds.dims, path, f"[{engine}] no dimension {dim}")
    expect(ds.attrs.get("Conventions") == "CF-1.8", path, f"[{engine}] Conventions")
    for name in ("ecotwin_version", "git_commit", "source", "history", "start_time",
                 "master_seed", "scenario_yaml"):
        expect(name in ds.attrs, path, f"[{engine}] no global attribute {name}")
    n_runs = ds.sizes.get("run", 0)
    expect(np.array_equal(ds["run"].values, np.arange(n_runs)), path, f"[{engine}] run coordinate")
    expect(set(np.unique(ds["run_status"].values)) <= {0, 1, 2}, path,
           f"[{engine}] run_status values outside 0 1 2")
    for name in ("replication", "design", "variant"):
        expect(name in ds.coords, path, f"[{engine}] {name} is not a coordinate")
    for name, var in ds.data_vars.items():
        if var.dtype.kind == "f":
            expect("units" in var.attrs and "long_name" in var.attrs, path,
                   f"[{engine}] {name} lacks units or long_name")
    for dim in table_dims(ds):
        check_table_frame(path, ds, engine, dim)


def check_table_frame(path, ds, engine, dim):
    """An event table: row coordinate, run column, and a dataframe of all its columns."""
    n = ds.sizes[dim]
    expect(np.array_equal(ds[dim].values, np.arange(n)), path, f"[{engine}] {dim} coordinate")
    expect(f"{dim}_run" in ds.coords, path, f"[{engine}] {dim}_run is not a coordinate")
    runs = ds[f"{dim}_run"].values
    expect(((runs >= 0) & (runs < ds.sizes["run"])).all(), path, f"[{engine}] {dim}_run range")
    expect((np.diff(runs) >= 0).all(), path, f"[{engine}] {dim} rows not in run order")
    cols = [v for v in ds.data_vars if ds[v].dims == (dim,)]
    df = ds[cols].to_dataframe()
    expect(len(df) == n, path, f"[{engine}] {dim} dataframe has {len(df)} rows, not {n}")
    expect(f"{dim}_run" in df.columns, path, f"[{engine}] {dim} dataframe lacks {dim}_run")


def check_per_entity_frame(path, ds, engine):
    """.to_dataframe() of a per-entity variable, with the entity names as a column."""
    ents = entity_dims(ds)
    if not expect(len(ents) == 1, path, f"[{engine}] entity dimensions: {ents}"):
        return None
    ent = ents[0]
    names = ds[f"{ent}_name"].values
    expect(all(isinstance(n, str) for n in names), path,
           f"[{engine}] {ent}_name not decoded to text: {names!r}")
    per_entity = [n for n, v in ds.data_vars.items() if v.dims == ("run", ent)]
    if not expect(per_entity, path, f"[{engine}] no variable of dimensions (run, {ent})"):
        return None
    df = ds[per_entity[0]].to_dataframe()
    expect(len(df) == ds.sizes["run"] * ds.sizes[ent], path, f"[{engine}] dataframe rows")
    expect(f"{ent}_name" in df.columns, path, f"[{engine}] dataframe lacks {ent}_name")
    return df


def check_sample_values(path, ds, engine, df):
    """h5_sample's values: k-th value of variable v in run r is 1000 r + 100 v + k + 0.25."""
    expect(list(ds["company_name"].values) == ["oem", "supplier", "integrator"], path,
           f"[{engine}] company names {ds['company_name'].values!r}")
    expect(list(ds["run_status"].values) == [1, 2, 1], path,
           f"[{engine}] run_status {ds['run_status'].values!r}")
    expect(ds["run_message"].values[1] == "solver diverged at t = 12 h", path,
           f"[{engine}] run_message {ds['run_message'].values!r}")
    expect(ds.attrs.get("complete") == 1, path, f"[{engine}] complete is not 1")
    expect(len(ds.attrs["scenario_yaml"]) == 102400, path, f"[{engine}] scenario_yaml length")
    expect(list(ds["time"].values) == [0.0, 24.0, 48.0, 72.0], path, f"[{engine}] time")
    expect(ds["time"].attrs.get("units") == "h", path, f"[{engine}] time units")
    inv = ds["inventory"].values
    for r in (0, 2):
        want = 1000 * r + 300 + np.arange(12).reshape(4, 3) + 0.25
        expect(np.array_equal(inv[r], want), path, f"[{engine}] inventory of run {r}")
    expect(np.isnan(inv[1]).all(), path, f"[{engine}] failed run 1 is not NaN")
    rev = df.loc[(2, 1), "revenue"]
    expect(rev == 2101.25, path, f"[{engine}] revenue of run 2, company 1 = {rev}")
    expect(df.loc[(0, 2), "company_name"] == "integrator", path, f"[{engine}] dataframe names")
    check_sample_tables(path, ds, engine)
    check_sample_design(path, ds, engine)


def check_sample_tables(path, ds, engine):
    """project: run 2's two rows, cell (row i, column c) = 10000 + 100 r + 10 i + c + 0.5;
    contract: no rows at all."""
    expect(ds.sizes.get("project") == 2, path, f"[{engine}] project rows {ds.sizes}")
    expect(list(ds["project_run"].values) == [2, 2], path, f"[{engine}] project_run")
    for c, col in enumerate(("start_h", "value")):
        want = [10000 + 200 + 10 * i + c + 0.5 for i in range(2)]
        got = list(ds[f"project_{col}"].values)
        expect(got == want, path, f"[{engine}] project_{col} = {got}, not {want}")
    expect(ds["project_value"].attrs.get("units") == "EUR", path, f"[{engine}] project units")
    expect(ds.sizes.get("contract") == 0, path, f"[{engine}] contract rows {ds.sizes}")
    expect(ds["contract_price"].shape == (0,), path, f"[{engine}] contract_price shape")
    df = ds[["project_start_h", "project_value"]].to_dataframe()
    expect(df.loc[1, "project_value"] == 10211.5, path, f"[{engine}] project dataframe")
    expect(len(ds[["contract_price"]].to_dataframe()) == 0, path, f"[{engine}] contract rows")


def check_sample_design(path, ds, engine):
    """Two design points; runs 1 and 2 share point 1."""
    expect(ds.sizes.get("design_point") == 2, path, f"[{engine}] design_point {ds.sizes}")
    expect(list(ds["design"].values) == [0, 1, 1], path, f"[{engine}] design(run)")
    h = ds["param_horizon_h"]
    expect(list(h.values) == [100.0, 250.5], path, f"[{engine}] param_horizon_h {h.values}")
    expect(h.attrs.get("long_name") == "settings.horizon_h", path, f"[{engine}] factor path")
    expect(h.attrs.get("units") == "h", path, f"[{engine}] factor units")
    p = ds["param_policy"]
    expect(list(p.values) == [1, 0], path, f"[{engine}] param_policy {p.values}")
    expect(p.attrs.get("flag_meanings") == "run-to-failure age_based", path,
           f"[{engine}] flag_meanings {p.attrs.get('flag_meanings')!r}")
    per_run = h.sel(design_point=ds["design"]).values
    expect(list(per_run) == [100.0, 250.5, 250.5], path, f"[{engine}] factor per run")
    expect(ds.attrs.get("kind") == "sweep", path, f"[{engine}] kind {ds.attrs.get('kind')!r}")
    expect(ds.attrs.get("sweep_fingerprint") == "sha256:0123abcd", path,
           f"[{engine}] sweep_fingerprint")


def check_file(path, sample):
    for engine in ENGINES:
        with xr.open_dataset(path, engine=engine) as ds:
            check_layout(path, ds, engine)
            df = check_per_entity_frame(path, ds, engine)
            if sample and df is not None:
                check_sample_values(path, ds, engine, df)
    check_ncdump(path, [("project", 2), ("contract", 0)] if sample else [])


def check_empty(path):
    for engine in ENGINES:
        with xr.open_dataset(path, engine=engine) as ds:
            check_layout(path, ds, engine)
            expect(ds.sizes["time"] == 0 and ds.sizes["company"] == 0, path,
                   f"[{engine}] sizes {dict(ds.sizes)}")
            expect(ds["inventory"].shape == (3, 0, 0), path, f"[{engine}] inventory shape")
            df = ds["profit"].to_dataframe()
            expect(len(df) == 3, path, f"[{engine}] profit dataframe rows")
            expect(len(ds["revenue"].to_dataframe()) == 0, path, f"[{engine}] revenue rows")
    check_ncdump(path)


def check_killed_values(path, ds, engine):
    expect(list(ds["run_status"].values) == [1, 1, 0], path,
           f"[{engine}] run_status {ds['run_status'].values!r}")
    # complete and end_time exist from the start (written in place when the writer
    # finishes): a killed writer leaves complete = 0 and an empty end_time.
    expect(ds.attrs.get("complete") == 0, path,
           f"[{engine}] killed file: complete is {ds.attrs.get('complete')!r}, not 0")
    expect(str(ds.attrs.get("end_time", "?")).strip("\x00") == "", path,
           f"[{engine}] killed file: end_time {ds.attrs.get('end_time')!r}, not empty")
    expect(np.isnan(ds["revenue"].values[2]).all(), path, f"[{engine}] unwritten run not NaN")
    expect(ds["revenue"].values[1, 0] == 1000 * 1 + 100 * 1 + 0 + 0.25, path, f"[{engine}] revenue run 1")
    expect(list(ds["project_run"].values) == [1], path, f"[{engine}] killed project_run")
    expect(list(ds["project_value"].values) == [10101.5], path, f"[{engine}] killed project")
    expect(ds.sizes.get("contract") == 0, path, f"[{engine}] killed contract rows")


def check_killed(path):
    try:
        h5py.File(path, "r").close()
        problem(path, "HDF5 opened a killed SWMR file without SWMR: update docs/output.md")
    except OSError as e:
        expect("already open for write" in str(e), path, f"unexpected refusal: {e}")
    # As it is: a SWMR reader, through h5netcdf so that xarray decodes it.
    with xr.open_dataset(xr.backends.H5NetCDFStore(h5netcdf.File(path, "r", swmr=True))) as ds:
        check_killed_values(path, ds, "h5netcdf swmr")
    # After h5clear -s on a copy: every reader.
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "cleared.h5")
        shutil.copyfile(path, copy)
        out = subprocess.run(["h5clear", "-s", copy], capture_output=True, text=True)
        if not expect(out.returncode == 0, path, f"h5clear -s failed: {out.stderr.strip()}"):
            return
        for engine in ENGINES:
            with xr.open_dataset(copy, engine=engine) as ds:
                check_layout(copy, ds, engine)
                check_killed_values(copy, ds, engine)
        check_ncdump(copy, [("project", 1), ("contract", 0)])


def run_inspector(exe, path):
    return subprocess.run([exe, "--inspect", path], capture_output=True, text=True)


def check_inspector(exe):
    with tempfile.TemporaryDirectory() as tmp:
        foreign = os.path.join(tmp, "foreign.h5")
        with h5py.File(foreign, "w") as f:
            f["x"] = np.arange(3.0)
            f.attrs["title"] = "made by h5py"
        out = run_inspector(exe, foreign)
        expect(out.returncode == 66, foreign, f"inspect exit {out.returncode}, not 66")
        expect("not an ecotwin results file (no ecotwin_version attribute)" in out.stderr,
               foreign, f"inspect message: {out.stderr.strip()}")
        hostile = os.path.join(tmp, "hostile.h5")
        with h5py.File(hostile, "w", track_order=True) as f:
            f.attrs["ecotwin_version"] = "9.9"  # variable-length UTF-8, as h5py writes
            f.attrs["complete"] = "yes"
            f.attrs["master_seed"] = np.array([1, 2, 3])
            f["run_status"] = np.full((2, 2), 7.5)
            f["variant"] = ["a", "b"]
            f["company_name"] = np.arange(4)
            f.create_group("group")
            f["link"] = h5py.SoftLink("/nowhere")
        out = run_inspector(exe, hostile)
        expect(out.returncode == 0, hostile, f"inspect exit {out.returncode}: {out.stderr}")
        for phrase in ("ecotwin 9.9", "seed: ?", "INCOMPLETE", "runs: ?"):
            expect(phrase in out.stdout, hostile, f"inspect lacks '{phrase}':\n{out.stdout}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file")
    parser.add_argument("--sample", action="store_true")
    parser.add_argument("--empty")
    parser.add_argument("--killed")
    parser.add_argument("--inspector")
    args = parser.parse_args()
    check_file(args.file, args.sample)
    if args.empty:
        check_empty(args.empty)
    if args.killed:
        check_killed(args.killed)
    if args.inspector:
        check_inspector(args.inspector)
    if PROBLEMS:
        print("\n".join(PROBLEMS))
        return 1
    print("netCDF interop: ok (xarray h5netcdf + netcdf4, to_dataframe, ncdump -h)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
