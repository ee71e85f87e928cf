/* ecotwin plot: one figure of a results file (PNG and SVG), drawn by matplotlib in
 * analysis/ecotwin_py/plot.py from the numbers of summarize/compare/sensitivity. */
#include <stdio.h>

#include "cli.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: ecotwin plot RESULTS.h5 --kind KIND [OPTIONS] -o OUT\n\n"
            "Draws one figure of a results file into OUT.png and OUT.svg (OUT ending in .png or\n"
            ".svg writes that one only). Means and confidence intervals come from\n"
            "`ecotwin summarize`, `compare` and `sensitivity`; matplotlib draws them.\n\n"
            "Kinds:\n"
            "  timeseries   a (run, time) or (run, time, company) metric over time: mean line\n"
            "               and confidence band per configuration (--metric, --by, --company)\n"
            "  response     a per-run metric against a swept factor: design-point means with\n"
            "               confidence intervals per variant (--metric, --factor; sweeps only)\n"
            "  compare      differences with confidence intervals as bars (--metric M[,M...],\n"
            "               --baseline SEL, --vs SEL; default ecosystem vs autarky)\n"
            "  sensitivity  Sobol S1/ST with confidence intervals (Saltelli sweeps), else\n"
            "               standardized regression coefficients (--metric, --variant)\n"
            "  network      companies on a circle, edges weighted by the projects and contracts\n"
            "               active at --time (default: the end of the horizon) in --run N\n"
            "               (default 0) or summed over --config SEL; node size by a per-company\n"
            "               --metric (default value_total)\n\n"
            "Options:\n"
            "      --kind KIND        one of the kinds above (required)\n"
            "  -o, --output OUT       output path without extension, or ending in .png/.svg\n"
            "      --metric M         variable to draw (defaults per kind)\n"
            "      --by KEYS          grouping (design_point, variant, factors), as summarize\n"
            "      --factor F         factor (param_x or its YAML path) for response\n"
            "      --company NAME     one company of a per-company metric\n"
            "      --time T           network: the instant in h\n"
            "      --run N            network: the run (default 0)\n"
            "      --config SEL       network: design_point=N and/or variant=NAME, summed\n"
            "      --baseline SEL     compare: baseline configuration\n"
            "      --vs SEL           compare: configuration to compare (repeatable)\n"
            "      --variant V        sensitivity: the variant (default: the first)\n"
            "  -h, --help             show this help\n\n"
            "Environment: ECOTWIN_PYTHON (default /usr/bin/python3), ECOTWIN_ANALYSIS_DIR (the\n"
            "directory of ecotwin_analysis.py; default: the source tree, then the install dir).\n"
            "Needs the Debian packages python3-matplotlib, python3-h5py, python3-numpy.\n\n"
            "Exit: 0 ok, 2 usage (unknown kind, metric, factor or company), 66 missing input or\n"
            "a file without what the kind needs (no sweep, no event tables), 70 internal error\n"
            "(also: Python or matplotlib not installed), 74 cannot write the output.\n");
}

int cmd_plot(int argc, char **argv)
{
    if (cli_wants_help(argc, argv)) {
        usage(stdout);
        return 0;
    }
    return cli_run_python("plot", argc, argv);
}
