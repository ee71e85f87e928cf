/* ecotwin report: an HTML page of a results file for a browser, written by
 * analysis/ecotwin_py/report.py with the numbers of summarize/compare/sensitivity. */
#include <stdio.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: ecotwin report RESULTS.h5 -o DIR [--metric M]...\n\n"
            "Writes DIR/index.html, a page to open in a browser, with its figures in\n"
            "DIR/figures/ (SVG shown, PNG beside). Inline style, no external links, no script.\n"
            "Sections: what was run (scenario, model, runs, design, variants, seed,\n"
            "completeness), the headline comparisons in words and numbers (ecosystem vs\n"
            "autarky when both variants were run), key metrics with confidence intervals,\n"
            "figures, sensitivity indices for a sweep, and the provenance. Numbers come from\n"
            "`ecotwin summarize`, `compare` and `sensitivity`.\n\n"
            "Options:\n"
            "  -o, --output DIR   output directory (created when missing)\n"
            "      --metric M     also tabulate M (repeatable or comma-separated)\n"
            "  -h, --help         show this help\n\n"
            "Environment: ECOTWIN_PYTHON (default /usr/bin/python3), ECOTWIN_ANALYSIS_DIR.\n"
            "Needs the Debian packages python3-matplotlib, python3-h5py, python3-numpy.\n\n"
            "Exit: 0 ok, 2 usage (also: unknown --metric), 66 missing input or not an ecotwin\n"
            "results file, 70 internal error (also: Python or matplotlib not installed),\n"
            "74 cannot write DIR.\n");
}

int cmd_report(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    return cli_run_python("report", argc, argv);
}
