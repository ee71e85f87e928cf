/*
 * Checks shared by the sim_batch tests (test_batch.c, test_batch_shard.c): whether a path
 * exists, and whether two results files hold the same data. Include after cmocka.h.
 */
#ifndef BATCH_CHECK_H
#define BATCH_CHECK_H

#include <math.h>
#include <sys/stat.h>

#include "sim_h5.h"
#include "sim_model.h"

static inline int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* Every run of a and b: same status, same failure message, same values (NaN equal to NaN). */
static inline void assert_same_data(const char *a, const char *b, const sim_catalog *cat)
{
    sim_error err;
    sim_h5_reader *ra = sim_h5_open_read(a, &err);
    assert_non_null(ra);
    sim_h5_reader *rb = sim_h5_open_read(b, &err);
    assert_non_null(rb);
    size_t n = sim_h5_reader_n_runs(ra);
    assert_int_equal(n, sim_h5_reader_n_runs(rb));
    sim_record *x = sim_record_alloc(cat), *y = sim_record_alloc(cat);
    for (size_t i = 0; i < n; i++) {
        int s = sim_h5_reader_run_status(ra, i);
        assert_int_equal(s, sim_h5_reader_run_status(rb, i));
        if (s == 2)
            assert_string_equal(sim_h5_reader_run_message(ra, i), sim_h5_reader_run_message(rb, i));
        if (s != 1)
            continue;
        assert_int_equal(sim_h5_reader_read_run(ra, i, x, &err), SIM_OK);
        assert_int_equal(sim_h5_reader_read_run(rb, i, y, &err), SIM_OK);
        for (size_t v = 0; v < sim_catalog_count(cat); v++) {
            double p = sim_record_cvalues(x, v)[0], q = sim_record_cvalues(y, v)[0];
            assert_true((isnan(p) && isnan(q)) || p == q);
        }
    }
    sim_record_free(x);
    sim_record_free(y);
    sim_h5_reader_close(ra);
    sim_h5_reader_close(rb);
}

#endif
