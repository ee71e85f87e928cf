/*
 * The fuzz targets' guard (fuzz_guard.h) must take only HDF5's faults for HDF5's: the reports
 * of both sanitizer and plain builds are classified by their innermost frame outside the
 * runtime and by who allocated the memory involved, and live children that crash or loop in
 * this program's code (as ecotwin's would) abort the caller, while a crash inside libhdf5 is
 * refused quietly.
 */
#include "fuzz_guard.h" /* first: it needs _GNU_SOURCE for dladdr */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>
#include <fcntl.h>
#include <hdf5.h>

static const char asan_segv_hdf5[] =
    "==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000\n"
    "    #0 0x7f00 in __interceptor_memcpy (/work/build/fuzz_an_results+0x1)\n"
    "    #1 0x7f01 in H5HG_read (/lib/x86_64-linux-gnu/libhdf5_serial.so.103+0x2)\n"
    "    #2 0x7f02 in sim_h5_vars_open /work/sim/output/sim_h5_vars.c:190:5\n"
    "\n"
    "SUMMARY: AddressSanitizer: SEGV\n";

/* HDF5 writes past a buffer that ecotwin allocated: ecotwin sized it. */
static const char asan_overflow_ours[] =
    "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020\n"
    "WRITE of size 16 at 0x6020 thread T0\n"
    "    #0 0x4a in __asan_memcpy (/work/build/fuzz_an_results+0x1)\n"
    "    #1 0x7f in H5D__scatter_mem (/lib/x86_64-linux-gnu/libhdf5_serial.so.103+0x2)\n"
    "    #2 0x55 in an_results_read /work/analysis/an_results.c:722:19\n"
    "\n"
    "0x6020 is located 0 bytes to the right of 8-byte region [0x6018,0x6020)\n"
    "allocated by thread T0 here:\n"
    "    #0 0x4b in malloc (/work/build/fuzz_an_results+0x3)\n"
    "    #1 0x56 in ask_vars /work/tests/fuzz/fuzz_an_results.c:130:19\n";

static const char asan_overflow_hdf5[] =
    "==1==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x6020\n"
    "    #0 0x4a in __asan_memcpy (/work/build/fuzz_an_results+0x1)\n"
    "    #1 0x7f in H5HG_read (/lib/x86_64-linux-gnu/libhdf5_serial.so.103+0x2)\n"
    "\n"
    "previously allocated by thread T0 here:\n"
    "    #0 0x4b in malloc (/work/build/fuzz_an_results+0x3)\n"
    "    #1 0x7e in H5FL_blk_malloc (/lib/x86_64-linux-gnu/libhdf5_serial.so.103+0x4)\n";

static const char asan_segv_ours[] =
    "==1==ERROR: AddressSanitizer: SEGV on unknown address 0x000000000000\n"
    "    #0 0x55 in an_results_open /work/analysis/an_results.c:470:5\n"
    "    #1 0x7f in H5Literate (/lib/x86_64-linux-gnu/libhdf5_serial.so.103+0x2)\n";

static const char ubsan_ours[] =
    "/work/analysis/an_results.c:300:12: runtime error: signed integer overflow\n"
    "    #0 0x7f in H5Literate (/lib/x86_64-linux-gnu/libhdf5_serial.so.103+0x2)\n";

static const char plain_libc_then_hdf5[] =
    "fuzz_guard: the child got signal 11 (a fault)\n"
    "    #0 0x7f in ? (/lib/x86_64-linux-gnu/libc.so.6)\n"
    "    #1 0x7f in H5HG_read (/lib/x86_64-linux-gnu/libhdf5_serial.so.103)\n"
    "    #2 0x55 in ? (/work/build/fuzz_replay_an_results)\n";

static const char plain_loop_ours[] =
    "fuzz_guard: the child got signal 24 (CPU time limit: a loop)\n"
    "    #0 0x55 in ? (/work/build/fuzz_replay_an_results)\n"
    "    #1 0x7f in H5Literate (/lib/x86_64-linux-gnu/libhdf5_serial.so.103)\n";

static void test_classify_reports(void **state)
{
    (void)state;
    assert_true(fuzz_guard_hdf5_fault(asan_segv_hdf5));
    assert_false(fuzz_guard_hdf5_fault(asan_overflow_ours));
    assert_true(fuzz_guard_hdf5_fault(asan_overflow_hdf5));
    assert_false(fuzz_guard_hdf5_fault(asan_segv_ours));
    assert_false(fuzz_guard_hdf5_fault(ubsan_ours));
    assert_true(fuzz_guard_hdf5_fault(plain_libc_then_hdf5));
    assert_false(fuzz_guard_hdf5_fault(plain_loop_ours));
    assert_false(fuzz_guard_hdf5_fault(""));
    assert_false(fuzz_guard_hdf5_fault("no stack at all\n"));
}

static void fine(void *ctx)
{
    *(int *)ctx = 1; /* the child's copy: the parent's stays 0 */
}

/* HDF5 frees a pointer it never allocated: a fault inside libhdf5 (and the C library). */
static void hdf5_crash(void *ctx)
{
    (void)ctx;
    static char not_heap[64];
    H5free_memory(not_heap + 8);
}

static void our_crash(void *ctx)
{
    volatile int *volatile p = ctx;
    *p = 1;
}

static void our_loop(void *ctx)
{
    volatile unsigned long *n = ctx;
    for (;;)
        (*n)++;
}

static void test_live_children(void **state)
{
    (void)state;
    int touched = 0;
    assert_int_equal(fuzz_guard_run(fine, &touched), 0);
    assert_int_equal(touched, 0);
    assert_int_equal(fuzz_guard_run(hdf5_crash, NULL), 1);
}

/* fuzz_guard_run(fn) in a child of the test's own: it must end by SIGABRT (the finding). */
static void expect_finding(fuzz_guard_fn fn, void *ctx)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, STDERR_FILENO); /* the guard prints the child's report */
        fuzz_guard_run(fn, ctx);
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
        fail_msg("expected the guard to abort: status %d", status);
}

static void test_our_faults_are_findings(void **state)
{
    (void)state;
    unsigned long n = 0;
    expect_finding(our_crash, NULL);
    expect_finding(our_loop, &n);
}

int main(void)
{
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_reports),
        cmocka_unit_test(test_live_children),
        cmocka_unit_test(test_our_faults_are_findings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
