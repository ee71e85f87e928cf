/* ecotwin inspect: describe a results file in words.
 *
 * The description is made in a child process: HDF5 1.10.8 has known crashes on damaged and
 * crafted files (docs/reliability.md), and a results file may come from anywhere. The child
 * writes the description into a pipe and exits with inspect's exit code; the parent prints
 * the description only when the child ended normally, and turns a child killed by a signal
 * into exit 74 with a message that names the file. HDF5 can also loop forever on a damaged
 * file (a global heap, found by fuzz_h5_inspect): the child gets a CPU time limit
 * (INSPECT_CPU_S seconds, or $ECOTWIN_INSPECT_CPU_S, which the tests shorten) and is then
 * stopped the same way. Without fork (or when it fails) the description is made in this
 * process. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "sim_h5.h"

#define INSPECT_IO_ERROR 74
/* CPU seconds a description may take: describing the largest valid file (2^26 run statuses,
 * every variable's attributes) takes a few seconds. */
#define INSPECT_CPU_S 120

static void usage(FILE *out)
{
    fprintf(out, "Usage: ecotwin inspect RESULTS.h5\n\n"
                 "Describes a results file: which ecotwin and scenario made it, when, whether it\n"
                 "is complete (how many runs finished), its dimensions and every variable with\n"
                 "its shape, units and meaning.\n\n"
                 "Options:\n"
                 "  -h, --help    show this help\n\n"
                 "Exit: 0 ok, 66 missing or not an ecotwin file, 74 unreadable (also when the\n"
                 "HDF5 library crashes on a damaged file), 2 usage.\n");
}

static int describe(const char *path, FILE *out)
{
    sim_error err;
    sim_error_clear(&err);
    sim_status st = sim_h5_inspect(path, out, &err);
    if (st != SIM_OK) {
        cli_errorf("inspect", "%s", err.msg);
        return sim_status_exit_code(st);
    }
    return 0;
}

/* The child: describe into the pipe, exit with the code. _exit: no atexit handler (HDF5's
 * included) runs twice, and nothing buffered in the parent is flushed again. */
static rlim_t cpu_limit(void)
{
    const char *text = getenv("ECOTWIN_INSPECT_CPU_S");
    long long s = 0;
    if (text != NULL && cli_parse_count(text, 1, 86400, &s) == 0)
        return (rlim_t)s;
    return INSPECT_CPU_S;
}

static void child(const char *path, int fd)
{
    signal(SIGPIPE, SIG_DFL);
    signal(SIGXCPU, SIG_DFL);
    struct rlimit cpu = {.rlim_cur = cpu_limit(), .rlim_max = RLIM_INFINITY};
    struct rlimit old;
    if (getrlimit(RLIMIT_CPU, &old) == 0 && old.rlim_max != RLIM_INFINITY)
        cpu.rlim_max = old.rlim_max;
    if (cpu.rlim_cur > cpu.rlim_max)
        cpu.rlim_cur = cpu.rlim_max;
    setrlimit(RLIMIT_CPU, &cpu);
    FILE *out = fdopen(fd, "w");
    int code = out != NULL ? describe(path, out) : INSPECT_IO_ERROR;
    if (out != NULL && fclose(out) != 0 && code == 0)
        code = INSPECT_IO_ERROR;
    fflush(stderr);
    _exit(code);
}

/* Everything the child wrote; NULL when out of memory (the rest is drained). */
static char *read_all(int fd, size_t *len)
{
    size_t cap = 1 << 16;
    char *text = malloc(cap);
    bool nomem = text == NULL;
    *len = 0;
    char scratch[4096];
    for (;;) {
        if (!nomem && *len == cap) {
            char *grown = realloc(text, 2 * cap);
            nomem = grown == NULL;
            if (grown != NULL) {
                text = grown;
                cap *= 2;
            }
        }
        char *into = nomem ? scratch : text + *len;
        size_t room = nomem ? sizeof scratch : cap - *len;
        ssize_t n = read(fd, into, room);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (!nomem)
            *len += (size_t)n;
    }
    if (nomem) {
        free(text);
        return NULL;
    }
    return text;
}

/* Describe path in a child; the parent relays the text and the outcome. -1 when no child
 * could be started. */
static int describe_in_child(const char *path)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        child(path, fds[1]);
    }
    close(fds[1]);
    size_t len = 0;
    char *text = read_all(fds[0], &len);
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    int code;
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGXCPU) {
        cli_errorf("inspect",
                   "%s: HDF5 failed reading it (no end after %llu s of CPU time): the file is "
                   "damaged",
                   path, (unsigned long long)cpu_limit());
        code = INSPECT_IO_ERROR;
    } else if (WIFSIGNALED(status)) {
        cli_errorf("inspect",
                   "%s: HDF5 failed reading it (crashed in the library: %s): the "
                   "file is damaged",
                   path, strsignal(WTERMSIG(status)));
        code = INSPECT_IO_ERROR;
    } else {
        code = WIFEXITED(status) ? WEXITSTATUS(status) : INSPECT_IO_ERROR;
        if (text == NULL) {
            cli_errorf("inspect", "%s: out of memory", path);
            code = INSPECT_IO_ERROR;
        } else if ((len > 0 && fwrite(text, 1, len, stdout) != len) || fflush(stdout) != 0) {
            cli_errorf("inspect", "cannot write the description of %s: %s", path, strerror(errno));
            code = INSPECT_IO_ERROR;
        }
    }
    free(text);
    return code;
}

int cmd_inspect(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            usage(stdout);
            return 0;
        }
        return cli_usage_error("inspect", "invalid option");
    }
    if (optind != argc - 1)
        return cli_usage_error("inspect", "expected exactly one results file");
    int code = describe_in_child(argv[optind]);
    return code >= 0 ? code : describe(argv[optind], stdout);
}
