"""Entry point of `ecotwin plot` and `ecotwin report` (run by sim/cli/cmd_plot.c and
cmd_report.c as `python3 -B -s ecotwin_analysis.py plot|report ARGS`).

Exit codes: 0 ok, 2 usage, 66 missing input or a file lacking what was asked, 70 internal
error (matplotlib, numpy or h5py missing included), 74 cannot write the output; a failing
statistics command's own code is passed on.
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

# Agg before anything imports matplotlib: no display, no user backend.
os.environ["MPLBACKEND"] = "Agg"


def main(argv):
    if len(argv) < 2 or argv[1] not in ("plot", "report"):
        print("usage: ecotwin_analysis.py plot|report ARGS", file=sys.stderr)
        return 2
    cmd = argv[1]
    from ecotwin_py import common

    try:
        if cmd == "plot":
            from ecotwin_py import plot

            return plot.main(argv[2:])
        from ecotwin_py import report

        return report.main(argv[2:])
    except common.Fail as e:
        print(f"ecotwin {cmd}: {e.message}", file=sys.stderr)
        return e.code
    except ImportError as e:  # matplotlib, h5py or numpy, imported when first needed
        print(
            f"ecotwin {cmd}: {e.name or e} is not installed; install the Debian packages "
            "python3-matplotlib python3-h5py python3-numpy",
            file=sys.stderr,
        )
        return 70
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main(sys.argv))
