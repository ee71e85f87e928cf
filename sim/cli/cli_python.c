/* The Python half of `ecotwin plot` and `ecotwin report`: find the analysis code and the
 * interpreter, hand them the arguments and pass the exit code back.
 *
 * The statistics stay in C (summarize, compare, sensitivity); the Python code only draws, and
 * calls this same program for numbers, so it is told where the program is (ECOTWIN_EXE). */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

#define PY_SCRIPT        "ecotwin_analysis.py"
#define PY_EXIT_INTERNAL 70

/* The child, for forwarding SIGINT/SIGTERM/SIGHUP: a handler may touch only this. */
static volatile sig_atomic_t child_pid = 0;

static void forward_signal(int sig)
{
    if (child_pid > 0)
        kill((pid_t)child_pid, sig);
}

/* dir/ecotwin_analysis.py into buf when it is readable; 0 then, -1 otherwise. */
static int script_in(const char *dir, char *buf, size_t size)
{
    if (dir == NULL || dir[0] == '\0')
        return -1;
    int n = snprintf(buf, size, "%s/%s", dir, PY_SCRIPT);
    if (n < 0 || (size_t)n >= size)
        return -1;
    return access(buf, R_OK) == 0 ? 0 : -1;
}

/* ECOTWIN_ANALYSIS_DIR when set (and only it), else the source tree, else the install dir. */
static int find_script(const char *cmd, char *buf, size_t size)
{
    const char *env = getenv("ECOTWIN_ANALYSIS_DIR");
    if (env != NULL && env[0] != '\0') {
        if (script_in(env, buf, size) == 0)
            return 0;
        cli_errorf(cmd, "no readable %s in ECOTWIN_ANALYSIS_DIR=%s", PY_SCRIPT, env);
        return -1;
    }
    if (script_in(ECOTWIN_SOURCE_ANALYSIS, buf, size) == 0 ||
        script_in(ECOTWIN_INSTALL_ANALYSIS, buf, size) == 0)
        return 0;
    cli_errorf(cmd, "cannot find %s (looked in %s and %s; set ECOTWIN_ANALYSIS_DIR)", PY_SCRIPT,
               ECOTWIN_SOURCE_ANALYSIS, ECOTWIN_INSTALL_ANALYSIS);
    return -1;
}

static int wait_child(const char *cmd, const char *python, pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            cli_errorf(cmd, "waiting for %s: %s", python, strerror(errno));
            return PY_EXIT_INTERNAL;
        }
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) {
        cli_errorf(cmd, "%s was stopped by signal %d", python, WTERMSIG(status));
        return PY_EXIT_INTERNAL;
    }
    return PY_EXIT_INTERNAL;
}

int cli_run_python(const char *cmd, int argc, char **argv)
{
    char script[PATH_MAX];
    if (find_script(cmd, script, sizeof script) != 0)
        return PY_EXIT_INTERNAL;
    const char *python = getenv("ECOTWIN_PYTHON");
    if (python == NULL || python[0] == '\0')
        python = "/usr/bin/python3";
    if (access(python, X_OK) != 0) {
        cli_errorf(cmd,
                   "Python 3 not found at %s (install the Debian packages python3 "
                   "python3-matplotlib python3-h5py python3-numpy, or set ECOTWIN_PYTHON)",
                   python);
        return PY_EXIT_INTERNAL;
    }
    /* The Python code calls this program for the statistics. */
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || (size_t)n >= sizeof self - 1) {
        cli_errorf(cmd, "cannot find the path of this program (/proc/self/exe)");
        return PY_EXIT_INTERNAL;
    }
    self[n] = '\0';
    if (setenv("ECOTWIN_EXE", self, 1) != 0) {
        cli_errorf(cmd, "setenv: %s", strerror(errno));
        return PY_EXIT_INTERNAL;
    }
    /* python -B (write no .pyc next to installed code) -s (no user site-packages) script cmd
     * args... */
    char **av = calloc((size_t)argc + 5, sizeof *av);
    if (av == NULL) {
        cli_errorf(cmd, "out of memory");
        return PY_EXIT_INTERNAL;
    }
    size_t k = 0;
    av[k++] = (char *)(uintptr_t)python;
    av[k++] = (char *)(uintptr_t) "-B";
    av[k++] = (char *)(uintptr_t) "-s";
    av[k++] = script;
    av[k++] = (char *)(uintptr_t)cmd;
    for (int i = 1; i < argc; i++)
        av[k++] = argv[i];
    av[k] = NULL;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        cli_errorf(cmd, "fork: %s", strerror(errno));
        free(av);
        return PY_EXIT_INTERNAL;
    }
    if (pid == 0) {
        execv(python, av);
        fprintf(stderr, "ecotwin %s: cannot run %s: %s\n", cmd, python, strerror(errno));
        _exit(PY_EXIT_INTERNAL);
    }
    free(av);
    child_pid = (sig_atomic_t)pid;
    struct sigaction sa, old_int, old_term, old_hup;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sigaction(SIGHUP, &sa, &old_hup);
    int rc = wait_child(cmd, python, pid);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    sigaction(SIGHUP, &old_hup, NULL);
    child_pid = 0;
    return rc;
}

/* --help or -h anywhere among the arguments (before a "--"). */
int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}
