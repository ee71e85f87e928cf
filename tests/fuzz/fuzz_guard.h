/*
 * fuzz_guard: run a fuzz target's reads of an untrusted results file in a child first, as
 * the program does (sim/cli/cli_probe.c), and tell a fault inside HDF5 from one in ecotwin.
 *
 * HDF5 1.10.8 crashes or loops on some damaged files (docs/reliability.md); the program reads
 * every results file in a forked child before it reads it in process, and a child that dies
 * is exit 74, "the file is damaged". A fuzz target reading the file in process would stop at
 * the first such input, which is HDF5's bug and is handled, so the targets that read results
 * files do what the program does: fuzz_guard_run(fn, ctx) runs fn in a child; only when the
 * child ends normally does the target go on in process (where libFuzzer sees coverage).
 *
 * When the child dies, the fault is HDF5's if the innermost frame of its stack outside the
 * sanitizer runtime, libFuzzer and the C and compression libraries is in libhdf5, and, for a
 * bad access to heap memory, that memory was not allocated by ecotwin (HDF5 overrunning a
 * buffer ecotwin sized is ecotwin's bug). Then fuzz_guard_run returns 1 and the target returns
 * as the program would (exit 74). Anything else (an ecotwin frame innermost, an undefined-
 * behaviour report, which only ecotwin's code can make, or a stack that cannot be read) is a
 * finding: the child's report is printed and the process aborts, so libFuzzer keeps the
 * input. The stack comes from the sanitizer's report in a sanitizer build; elsewhere (the
 * replay tests of the plain build) and for a child stopped at its CPU limit (a loop), from a
 * signal handler in the child that walks its own stack and names each frame's module.
 *
 * A child gets FUZZ_GUARD_CPU_S seconds of CPU and FUZZ_GUARD_WALL_S in wall-clock time.
 * With FUZZ_GUARD_VERBOSE=1 in the environment, every fault taken for HDF5's is printed too.
 */
#ifndef FUZZ_GUARD_H
#define FUZZ_GUARD_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* dladdr */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_GUARD_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_GUARD_ASAN 1
#endif
#endif
#ifdef FUZZ_GUARD_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#define FUZZ_GUARD_CPU_S     2
#define FUZZ_GUARD_WALL_S    6.0 /* under libFuzzer's -timeout of run_fuzz.sh (10 s) */
#define FUZZ_GUARD_REPORT    (64 * 1024)
#define FUZZ_GUARD_DIED      86 /* the child's exit code after its own handler wrote a stack */
#define FUZZ_GUARD_MAX_DEPTH 64

typedef void (*fuzz_guard_fn)(void *ctx);

static int fuzz_guard_fd = -1; /* the child's end of the report pipe */

/* ---- the child ---- */

static void fuzz_guard_put(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(fuzz_guard_fd, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

/* A fault or the CPU limit: the frames of this thread's stack, one per line, "#N in FUNC
 * (MODULE)", in the format of the sanitizers' reports, from the interrupted frame on. */
static void fuzz_guard_on_signal(int sig, siginfo_t *info, void *uctx)
{
    (void)info;
    (void)uctx;
    void *frames[FUZZ_GUARD_MAX_DEPTH];
    int n = backtrace(frames, FUZZ_GUARD_MAX_DEPTH);
    char line[1024];
    snprintf(line, sizeof line, "fuzz_guard: the child got signal %d (%s)\n", sig,
             sig == SIGXCPU ? "CPU time limit: a loop" : "a fault");
    fuzz_guard_put(line);
    /* Frame 0 is this handler and frame 1 the kernel's signal trampoline in libc: skipped, so
     * that libc is not taken for the faulting library. */
    for (int i = 2; i < n; i++) {
        Dl_info d;
        memset(&d, 0, sizeof d);
        int found = dladdr(frames[i], &d);
        snprintf(line, sizeof line, "    #%d %p in %s (%s)\n", i - 2, frames[i],
                 found && d.dli_sname != NULL ? d.dli_sname : "?",
                 found && d.dli_fname != NULL ? d.dli_fname : "?");
        fuzz_guard_put(line);
    }
    _exit(FUZZ_GUARD_DIED);
}

#ifdef FUZZ_GUARD_ASAN
/* The sanitizer has written its report (to the pipe): leave without libFuzzer's callback,
 * which would save the input as a crash of the fuzzer itself. */
static void fuzz_guard_on_death(void)
{
    _exit(FUZZ_GUARD_DIED);
}
#endif

static void fuzz_guard_child(fuzz_guard_fn fn, void *ctx)
{
    /* backtrace loads libgcc's unwinder on first use; do it now, not in a signal handler. */
    void *warm[2];
    (void)backtrace(warm, 2);
    static char alt[1 << 16];
    stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fuzz_guard_on_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGXCPU, &sa, NULL);
#ifdef FUZZ_GUARD_ASAN
    /* Faults are the sanitizer's to report (with the allocation of the memory involved). */
    __sanitizer_set_report_fd((void *)(intptr_t)fuzz_guard_fd);
    __sanitizer_set_death_callback(fuzz_guard_on_death);
#else
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);
#endif
    dup2(fuzz_guard_fd, STDERR_FILENO); /* what else reports (libFuzzer's limits) */
    struct rlimit cpu = {.rlim_cur = FUZZ_GUARD_CPU_S, .rlim_max = FUZZ_GUARD_CPU_S + 2};
    setrlimit(RLIMIT_CPU, &cpu);
    fn(ctx);
    _exit(0);
}

/* ---- the parent ---- */

/* Frames that are never the faulting code's own: the sanitizer runtime, libFuzzer, this
 * guard, and the C, compression and dynamic-loader libraries HDF5 calls. */
static bool fuzz_guard_runtime_frame(const char *line)
{
    static const char *const marks[] = {
        " in __interceptor_",
        " in ___interceptor_",
        " in __asan",
        " in __sanitizer",
        " in __ubsan",
        " in __lsan",
        " in __interception",
        " in fuzzer::",
        " in malloc ",
        " in calloc ",
        " in realloc ",
        " in free ",
        " in memcpy ",
        " in memmove ",
        " in memset ",
        " in fuzz_guard_",
        "compiler-rt/",
        "/sanitizer_common/",
        "/asan/",
        "/libc.so",
        "/libz.so",
        "/libsz.so",
        "/libaec.so",
        "/ld-linux",
        "/libm.so",
        "libFuzzer",
        "/libasan.so",
        "/libubsan.so",
    };
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
        if (strstr(line, marks[i]) != NULL)
            return true;
    return false;
}

/* The first frame line of the stack that starts at or after text, outside the runtime; NULL
 * when there is none. *end is set past the stack. */
static const char *fuzz_guard_first_frame(const char *text, const char **end)
{
    const char *first = NULL;
    const char *p = strstr(text, "#0 ");
    *end = text + strlen(text);
    for (int expect = 0; p != NULL; expect++) {
        char want[16];
        snprintf(want, sizeof want, "#%d ", expect);
        if (strncmp(p, want, strlen(want)) != 0) {
            *end = p;
            break;
        }
        const char *eol = strchr(p, '\n');
        size_t len = eol != NULL ? (size_t)(eol - p) : strlen(p);
        char line[1024];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
        if (first == NULL && !fuzz_guard_runtime_frame(line))
            first = p;
        if (eol == NULL) {
            *end = p + len;
            break;
        }
        p = eol + 1;
        while (*p == ' ')
            p++;
    }
    return first;
}

static bool fuzz_guard_in_hdf5(const char *frame)
{
    const char *eol = strchr(frame, '\n');
    size_t len = eol != NULL ? (size_t)(eol - frame) : strlen(frame);
    for (size_t i = 0; i + 7 <= len; i++)
        if (memcmp(frame + i, "libhdf5", 7) == 0)
            return true;
    return false;
}

/* Whether the child's report shows a fault of HDF5's (the contract at the top). */
static bool fuzz_guard_hdf5_fault(const char *report)
{
    if (strstr(report, "runtime error:") != NULL)
        return false;
    const char *end = NULL;
    const char *fault = fuzz_guard_first_frame(report, &end);
    if (fault == NULL || !fuzz_guard_in_hdf5(fault))
        return false;
    const char *alloc = strstr(end, "allocated by thread");
    if (alloc == NULL)
        return true;
    const char *who = fuzz_guard_first_frame(alloc, &end);
    return who != NULL && fuzz_guard_in_hdf5(who);
}

static double fuzz_guard_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* fn(ctx) in a child: 0 when it ended normally, 1 after a fault of HDF5's; aborts on any
 * other fault (the contract at the top). */
static int fuzz_guard_run(fuzz_guard_fn fn, void *ctx)
{
    int fds[2];
    if (pipe(fds) != 0) {
        perror("fuzz_guard: pipe");
        abort();
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fuzz_guard: fork");
        abort();
    }
    if (pid == 0) {
        close(fds[0]);
        fuzz_guard_fd = fds[1];
        fuzz_guard_child(fn, ctx);
    }
    close(fds[1]);
    static char report[FUZZ_GUARD_REPORT];
    size_t len = 0;
    int status = 0;
    bool ended = false, stalled = false;
    double deadline = fuzz_guard_now() + FUZZ_GUARD_WALL_S;
    /* Read until the child has ended and the pipe is drained: not until end of file, which a
     * process the child started (the sanitizer's symbolizer) may hold off. */
    for (;;) {
        struct pollfd p = {.fd = fds[0], .events = POLLIN};
        int rc = poll(&p, 1, ended ? 0 : 100);
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc > 0) {
            char scratch[4096];
            bool room_left = len + 1 < sizeof report;
            ssize_t n = read(fds[0], room_left ? report + len : scratch,
                             room_left ? sizeof report - 1 - len : sizeof scratch);
            if (n < 0 && errno == EINTR)
                continue;
            if (n > 0 && room_left)
                len += (size_t)n;
            if (n > 0)
                continue;
        }
        if (ended || rc > 0) /* drained, or end of file */
            break;
        pid_t w = waitpid(pid, &status, WNOHANG);
        ended = w == pid || (w < 0 && errno != EINTR);
        if (!ended && fuzz_guard_now() > deadline) {
            stalled = true;
            break;
        }
    }
    report[len] = '\0';
    close(fds[0]);
    if (stalled)
        kill(pid, SIGKILL);
    while (!ended && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* Blocked without using CPU: nothing here waits on anything, so only a lock the fork
     * copied held (by a thread of libFuzzer's) can do that; not the input's doing. */
    if (stalled)
        return 1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return 0;
    if (len > 0 && fuzz_guard_hdf5_fault(report)) {
        if (getenv("FUZZ_GUARD_VERBOSE") != NULL)
            fprintf(stderr, "fuzz_guard: a fault inside HDF5, the input is refused:\n%s\n", report);
        return 1;
    }
    fprintf(stderr, "fuzz_guard: the child reading the input failed outside HDF5 (%s %d):\n%s\n",
            WIFSIGNALED(status) ? "signal" : "exit",
            WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), report);
    abort();
}

#endif
