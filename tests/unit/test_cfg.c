/*
 * Unit tests of sim_cfg: building, getters (types, defaults, ranges), unknown keys and
 * "did you mean", diagnostics (order, rendering, summary), map_put, copy.
 * Trees are built by hand here so the tests do not depend on the YAML loader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim_cfg.h"

static sim_cfg_mark at(unsigned line, unsigned col)
{
    return (sim_cfg_mark){"t.yaml", line, col};
}

/* map[key] = plain (or quoted) scalar written at line:5, key at line:1. */
static sim_cfg_node *put_text(sim_cfg *cfg, sim_cfg_node *map, const char *key, const char *text,
                              int quoted, unsigned line)
{
    sim_cfg_node *n = sim_cfg_new_scalar(cfg, at(line, 5), text, quoted);
    assert_non_null(n);
    assert_int_equal(sim_cfg_map_put(cfg, map, key, at(line, 1), n), SIM_OK);
    return n;
}

static sim_cfg_node *put_map(sim_cfg *cfg, sim_cfg_node *map, const char *key, unsigned line)
{
    sim_cfg_node *n = sim_cfg_new_map(cfg, at(line, 3));
    assert_non_null(n);
    assert_int_equal(sim_cfg_map_put(cfg, map, key, at(line, 1), n), SIM_OK);
    return n;
}

static sim_cfg *new_doc(sim_cfg_node **root)
{
    sim_cfg *cfg = sim_cfg_alloc();
    assert_non_null(cfg);
    *root = sim_cfg_new_map(cfg, at(1, 1));
    assert_non_null(*root);
    sim_cfg_set_root(cfg, *root);
    return cfg;
}

static void expect_errors(sim_cfg *cfg, size_t n)
{
    size_t got = sim_cfg_error_count(cfg);
    if (got != n)
        for (size_t i = 0; i < got; i++)
            print_message("diagnostic %zu: %s\n", i, sim_cfg_error_text(cfg, i));
    assert_int_equal(got, n);
}

static void expect_error(sim_cfg *cfg, size_t i, const char *text)
{
    assert_true(i < sim_cfg_error_count(cfg));
    assert_string_equal(sim_cfg_error_text(cfg, i), text);
}

/* ---- numbers ---- */

static void test_num_forms(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        double value;
    } ok[] = {{"1", 1.0},     {"-2.5", -2.5},  {"+1.5", 1.5},    {".5", 0.5},
              {"5.", 5.0},    {"1e3", 1000.0}, {"-2E-2", -0.02}, {"0x1F", 31.0},
              {"0o17", 15.0}, {"007", 7.0},    {"1.5e+2", 150.0}};
    static const char *const bad[] = {"abc", "1_000", "inf",   "nan",  "1e", "0x", "1.2.3",
                                      "- 1", "e5",    "0b101", "true", ".",  "+",  "0o8"};
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        put_text(cfg, root, "x", ok[i].text, 0, 2);
        double v = sim_cfg_num(cfg, root, "x", -99.0, SIM_RANGE(-1e9, 1e9));
        if (v != ok[i].value)
            print_message("text %s\n", ok[i].text);
        assert_float_equal(v, ok[i].value, 0.0);
    }
    expect_errors(cfg, 0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        put_text(cfg, root, "x", bad[i], 0, 2);
        assert_float_equal(sim_cfg_num(cfg, root, "x", -99.0, SIM_RANGE(-1e9, 1e9)), -99.0, 0.0);
    }
    expect_errors(cfg, sizeof bad / sizeof bad[0]);
    sim_cfg_free(cfg);
}

static void test_num_message(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    sim_cfg_node *sim = put_map(cfg, root, "simulation", 2);
    put_text(cfg, sim, "horizon_h", "abc", 0, 3);
    sim_cfg_node *s = sim_cfg_map(cfg, root, "simulation");
    assert_ptr_equal(s, sim);
    double v = sim_cfg_num(cfg, s, "horizon_h", 5.0, SIM_RANGE_LO_OPEN(0, 1e7));
    assert_float_equal(v, 5.0, 0.0);
    expect_errors(cfg, 1);
    expect_error(cfg, 0,
                 "t.yaml:3:5: simulation.horizon_h: must be a number in (0, 1e+07], got \"abc\"");
    sim_cfg_free(cfg);
}

static void test_num_range_ends(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    put_text(cfg, root, "zero", "0", 0, 2);
    put_text(cfg, root, "one", "1", 0, 3);
    assert_float_equal(sim_cfg_num(cfg, root, "zero", 9, SIM_RANGE(0, 1)), 0.0, 0.0);
    assert_float_equal(sim_cfg_num(cfg, root, "one", 9, SIM_RANGE(0, 1)), 1.0, 0.0);
    expect_errors(cfg, 0);
    assert_float_equal(sim_cfg_num(cfg, root, "zero", 9, SIM_RANGE_LO_OPEN(0, 1)), 9.0, 0.0);
    assert_float_equal(sim_cfg_num(cfg, root, "one", 9, SIM_RANGE_HI_OPEN(0, 1)), 9.0, 0.0);
    assert_float_equal(sim_cfg_num(cfg, root, "one", 9, SIM_RANGE_OPEN(-1, 1)), 9.0, 0.0);
    assert_float_equal(sim_cfg_num(cfg, root, "zero", 9, SIM_RANGE(0.5, INFINITY)), 9.0, 0.0);
    expect_errors(cfg, 4);
    expect_error(cfg, 0, "t.yaml:2:5: zero: must be a number in (0, 1], got \"0\"");
    expect_error(cfg, 1, "t.yaml:2:5: zero: must be a number in [0.5, inf), got \"0\"");
    expect_error(cfg, 2, "t.yaml:3:5: one: must be a number in [0, 1), got \"1\"");
    expect_error(cfg, 3, "t.yaml:3:5: one: must be a number in (-1, 1), got \"1\"");
    sim_cfg_free(cfg);
}

static void test_num_nonfinite(void **state)
{
    (void)state;
    static const char *const texts[] = {".nan",  ".NaN",  ".NAN",  ".inf",  ".Inf",
                                        "+.INF", "-.inf", "1e999", "-1e999"};
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        put_text(cfg, root, "x", texts[i], 0, 2 + (unsigned)i);
        double v = sim_cfg_num(cfg, root, "x", 3.0, SIM_RANGE(-INFINITY, INFINITY));
        assert_float_equal(v, 3.0, 0.0);
    }
    expect_errors(cfg, sizeof texts / sizeof texts[0]);
    expect_error(cfg, 7, "t.yaml:9:5: x: must be a number in (-inf, inf), got \"1e999\"");
    sim_cfg_free(cfg);
}

static void test_num_quoted_is_string(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    put_text(cfg, root, "x", "5", 1, 4);
    assert_float_equal(sim_cfg_num(cfg, root, "x", 1.0, SIM_RANGE(0, 10)), 1.0, 0.0);
    expect_errors(cfg, 1);
    expect_error(cfg, 0,
                 "t.yaml:4:5: x: must be a number in [0, 10], got \"5\" (quoted, so a "
                 "string: remove the quotes)");
    sim_cfg_free(cfg);
}

static void test_num_default_inserted(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    assert_float_equal(sim_cfg_num(cfg, root, "a", 0.1, SIM_RANGE(0, 1)), 0.1, 0.0);
    assert_float_equal(sim_cfg_num(cfg, root, "b", 1.0 / 3.0, SIM_RANGE(0, 1)), 1.0 / 3.0, 0.0);
    assert_float_equal(sim_cfg_num(cfg, root, "c", INFINITY, SIM_RANGE(0, INFINITY)), INFINITY,
                       0.0);
    sim_cfg_node *a = sim_cfg_peek(root, "a");
    assert_non_null(a);
    assert_true(sim_cfg_node_is_default(a));
    assert_string_equal(sim_cfg_node_mark(a).file, "<default>");
    assert_string_equal(sim_cfg_scalar_text(a), "0.1");
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_peek(root, "b")), "0.33333333333333331");
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_peek(root, "c")), ".inf");
    /* Reading again finds the inserted value; nothing is reported. */
    assert_float_equal(sim_cfg_num(cfg, root, "b", 0.5, SIM_RANGE(0, 1)), 1.0 / 3.0, 0.0);
    expect_errors(cfg, 0);
    sim_cfg_check_unknown(cfg);
    expect_errors(cfg, 0);
    sim_cfg_free(cfg);
}

static void test_null_is_missing(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    put_text(cfg, root, "first", "1", 0, 2);
    sim_cfg_node *null = sim_cfg_new_null(cfg, at(3, 8));
    assert_int_equal(sim_cfg_map_put(cfg, root, "seed", at(3, 1), null), SIM_OK);
    put_text(cfg, root, "last", "1", 0, 4);
    assert_int_equal(sim_cfg_int(cfg, root, "seed", 42, 0, 100), 42);
    /* The default replaces the null in place and keeps the key's place. */
    assert_string_equal(sim_cfg_key_at(root, 1), "seed");
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_at(root, 1)), "42");
    assert_int_equal(sim_cfg_key_mark_at(root, 1).line, 3);
    assert_true(sim_cfg_node_is_default(sim_cfg_at(root, 1)));
    expect_errors(cfg, 0);
    sim_cfg_free(cfg);
}

/* ---- integers ---- */

static void test_int(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    put_text(cfg, root, "a", "42", 0, 2);
    put_text(cfg, root, "b", "1e6", 0, 3);
    put_text(cfg, root, "c", "2.5", 0, 4);
    put_text(cfg, root, "d", "101", 0, 5);
    put_text(cfg, root, "e", "99999999999999999999", 0, 6);
    put_text(cfg, root, "f", "-9223372036854775808", 0, 7);
    put_text(cfg, root, "g", "0x10", 0, 8);
    put_text(cfg, root, "h", "-3.0", 0, 9);
    put_text(cfg, root, "i", "1e999", 0, 10);
    assert_int_equal(sim_cfg_int(cfg, root, "a", 0, 0, 100), 42);
    assert_int_equal(sim_cfg_int(cfg, root, "b", 0, 0, 10000000), 1000000);
    assert_int_equal(sim_cfg_int(cfg, root, "c", 7, 0, 100), 7);
    assert_int_equal(sim_cfg_int(cfg, root, "d", 7, 0, 100), 7);
    assert_int_equal(sim_cfg_int(cfg, root, "e", 7, 0, LLONG_MAX), 7);
    assert_true(sim_cfg_int(cfg, root, "f", 7, LLONG_MIN, LLONG_MAX) == LLONG_MIN);
    assert_int_equal(sim_cfg_int(cfg, root, "g", 7, 0, 100), 16);
    assert_int_equal(sim_cfg_int(cfg, root, "h", 7, -10, 10), -3);
    assert_int_equal(sim_cfg_int(cfg, root, "i", 7, 0, 100), 7);
    assert_int_equal(sim_cfg_int(cfg, root, "missing", 12, 0, 100), 12);
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_peek(root, "missing")), "12");
    expect_errors(cfg, 4);
    expect_error(cfg, 0, "t.yaml:4:5: c: must be an integer in [0, 100], got \"2.5\"");
    expect_error(cfg, 1, "t.yaml:5:5: d: must be an integer in [0, 100], got \"101\"");
    expect_error(cfg, 2,
                 "t.yaml:6:5: e: must be an integer in [0, 9223372036854775807], got "
                 "\"99999999999999999999\"");
    expect_error(cfg, 3, "t.yaml:10:5: i: must be an integer in [0, 100], got \"1e999\"");
    sim_cfg_free(cfg);
}

static void test_u64(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    put_text(cfg, root, "max", "18446744073709551615", 0, 2);
    put_text(cfg, root, "neg", "-1", 0, 3);
    put_text(cfg, root, "flt", "1e6", 0, 4);
    put_text(cfg, root, "big", "18446744073709551616", 0, 5);
    put_text(cfg, root, "frac", "0.5", 0, 6);
    assert_true(sim_cfg_u64(cfg, root, "max", 0) == UINT64_MAX);
    assert_true(sim_cfg_u64(cfg, root, "neg", 5) == 5);
    assert_true(sim_cfg_u64(cfg, root, "flt", 5) == 1000000);
    assert_true(sim_cfg_u64(cfg, root, "big", 5) == 5);
    assert_true(sim_cfg_u64(cfg, root, "frac", 5) == 5);
    assert_true(sim_cfg_u64(cfg, root, "seed", 12345678901234567890ull) == 12345678901234567890ull);
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_peek(root, "seed")), "12345678901234567890");
    expect_errors(cfg, 3);
    expect_error(cfg, 0,
                 "t.yaml:3:5: neg: must be an integer in [0, 18446744073709551615], got \"-1\"");
    sim_cfg_free(cfg);
}

/* ---- booleans, enums, strings ---- */

static void test_bool(void **state)
{
    (void)state;
    static const char *const yes[] = {"true", "True", "TRUE"}, *const no[] = {"false", "False",
                                                                              "FALSE"};
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    for (int i = 0; i < 3; i++) {
        put_text(cfg, root, "t", yes[i], 0, 2);
        put_text(cfg, root, "f", no[i], 0, 3);
        assert_int_equal(sim_cfg_bool(cfg, root, "t", 0), 1);
        assert_int_equal(sim_cfg_bool(cfg, root, "f", 1), 0);
    }
    expect_errors(cfg, 0);
    put_text(cfg, root, "y", "yes", 0, 4);
    put_text(cfg, root, "q", "true", 1, 5);
    put_text(cfg, root, "n", "1", 0, 6);
    assert_int_equal(sim_cfg_bool(cfg, root, "y", 0), 0);
    assert_int_equal(sim_cfg_bool(cfg, root, "q", 0), 0);
    assert_int_equal(sim_cfg_bool(cfg, root, "n", 0), 0);
    assert_int_equal(sim_cfg_bool(cfg, root, "d", 1), 1);
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_peek(root, "d")), "true");
    expect_errors(cfg, 3);
    expect_error(
        cfg, 0,
        "t.yaml:4:5: y: must be true or false (YAML 1.2 has no yes/no/on/off), got \"yes\"");
    expect_error(cfg, 1,
                 "t.yaml:5:5: q: must be true or false, got \"true\" (quoted, so a string: remove "
                 "the quotes)");
    expect_error(cfg, 2, "t.yaml:6:5: n: must be true or false, got \"1\"");
    sim_cfg_free(cfg);
}

static void test_enum(void **state)
{
    (void)state;
    static const char *const names[] = {"fifo", "priority", "random", NULL};
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    put_text(cfg, root, "a", "random", 0, 2);
    put_text(cfg, root, "b", "priorty", 0, 3);
    put_text(cfg, root, "c", "lifo_stack", 1, 4);
    assert_int_equal(sim_cfg_enum(cfg, root, "a", names, 0), 2);
    assert_int_equal(sim_cfg_enum(cfg, root, "b", names, 0), 0);
    assert_int_equal(sim_cfg_enum(cfg, root, "c", names, 1), 1);
    assert_int_equal(sim_cfg_enum(cfg, root, "d", names, 1), 1);
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_peek(root, "d")), "priority");
    expect_errors(cfg, 2);
    expect_error(cfg, 0,
                 "t.yaml:3:5: b: must be one of: fifo, priority, random, got \"priorty\"; "
                 "did you mean \"priority\"?");
    expect_error(cfg, 1,
                 "t.yaml:4:5: c: must be one of: fifo, priority, random, got \"lifo_stack\"");
    sim_cfg_free(cfg);
}

static void test_str(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    put_text(cfg, root, "name", "oem", 0, 2);
    put_text(cfg, root, "num", "123", 0, 3);
    put_map(cfg, root, "map", 4);
    assert_string_equal(sim_cfg_str(cfg, root, "name", "x"), "oem");
    assert_string_equal(sim_cfg_str(cfg, root, "num", "x"), "123");
    assert_string_equal(sim_cfg_str(cfg, root, "map", "x"), "x");
    assert_null(sim_cfg_str(cfg, root, "nothing", NULL));
    assert_null(sim_cfg_peek(root, "nothing"));
    assert_string_equal(sim_cfg_str(cfg, root, "file", "out.h5"), "out.h5");
    assert_string_equal(sim_cfg_str(cfg, root, "version", "1.5"), "1.5");
    /* A default that would read back as another type is quoted. */
    assert_int_equal(sim_cfg_scalar_quoted(sim_cfg_peek(root, "file")), 0);
    assert_int_equal(sim_cfg_scalar_quoted(sim_cfg_peek(root, "version")), 1);
    expect_errors(cfg, 1);
    expect_error(cfg, 0, "t.yaml:4:3: map: must be a string, got a map");
    sim_cfg_free(cfg);
}

static void test_map_and_list_getters(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    put_text(cfg, root, "notmap", "1", 0, 2);
    sim_cfg_node *list = sim_cfg_new_list(cfg, at(3, 7));
    assert_int_equal(sim_cfg_map_put(cfg, root, "items", at(3, 1), list), SIM_OK);
    sim_cfg_node *m = sim_cfg_map(cfg, root, "fresh");
    assert_non_null(m);
    assert_int_equal(sim_cfg_node_kind(m), SIM_CFG_MAP);
    assert_true(sim_cfg_node_is_default(m));
    assert_ptr_equal(sim_cfg_peek(root, "fresh"), m);
    assert_int_equal(sim_cfg_int(cfg, m, "inner", 3, 0, 10), 3);
    assert_null(sim_cfg_map(cfg, root, "notmap"));
    assert_null(sim_cfg_map(cfg, NULL, "x"));
    assert_ptr_equal(sim_cfg_list(cfg, root, "items"), list);
    assert_null(sim_cfg_list(cfg, root, "absent"));
    assert_null(sim_cfg_peek(root, "absent"));
    assert_null(sim_cfg_list(cfg, root, "notmap"));
    /* Getters below a failed map take defaults without noise. */
    assert_int_equal(sim_cfg_int(cfg, NULL, "k", 4, 0, 10), 4);
    expect_errors(cfg, 2);
    expect_error(cfg, 0, "t.yaml:2:5: notmap: must be a map, got \"1\"");
    expect_error(cfg, 1, "t.yaml:2:5: notmap: must be a list, got \"1\"");
    sim_cfg_free(cfg);
}

static void test_node_getters(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    sim_cfg_node *list = sim_cfg_new_list(cfg, at(2, 7));
    assert_int_equal(sim_cfg_map_put(cfg, root, "knowledge", at(2, 1), list), SIM_OK);
    static const char *const texts[] = {"0.5", "x", "3", "2.5"};
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(
            sim_cfg_list_append(cfg, list, sim_cfg_new_scalar(cfg, at(3 + i, 5), texts[i], 0)),
            SIM_OK);
    sim_cfg_node *child = sim_cfg_new_map(cfg, at(7, 5));
    assert_int_equal(sim_cfg_list_append(cfg, list, child), SIM_OK);
    assert_float_equal(
        sim_cfg_node_num(cfg, sim_cfg_at(list, 0), "knowledge[0]", 0, SIM_RANGE(0, 1)), 0.5, 0);
    assert_float_equal(sim_cfg_node_num(cfg, sim_cfg_at(list, 1), "k", 0.25, SIM_RANGE(0, 1)), 0.25,
                       0);
    assert_int_equal(sim_cfg_node_int(cfg, sim_cfg_at(list, 2), "k", 0, 0, 5), 3);
    assert_int_equal(sim_cfg_node_int(cfg, sim_cfg_at(list, 3), "k", 1, 0, 5), 1);
    assert_string_equal(sim_cfg_node_str(cfg, sim_cfg_at(list, 1), "k"), "x");
    assert_null(sim_cfg_node_str(cfg, child, "k"));
    assert_null(sim_cfg_node_str(cfg, NULL, "k"));
    /* A node outside any tree is named by what. */
    sim_cfg_node *loose = sim_cfg_new_scalar(cfg, at(9, 9), "-1", 0);
    assert_int_equal(sim_cfg_node_int(cfg, loose, "replications", 1, 1, 100), 1);
    /* Paths name list items and keys below them. */
    assert_int_equal(sim_cfg_int(cfg, child, "n_assets", 1, 0, 10), 1);
    put_text(cfg, child, "bad", "x", 0, 8);
    assert_int_equal(sim_cfg_int(cfg, child, "bad", 1, 0, 10), 1);
    expect_errors(cfg, 5);
    expect_error(cfg, 0, "t.yaml:4:5: knowledge[1]: must be a number in [0, 1], got \"x\"");
    expect_error(cfg, 1, "t.yaml:6:5: knowledge[3]: must be an integer in [0, 5], got \"2.5\"");
    expect_error(cfg, 2, "t.yaml:7:5: knowledge[4]: must be a string, got a map");
    expect_error(cfg, 3, "t.yaml:8:5: knowledge[4].bad: must be an integer in [0, 10], got \"x\"");
    expect_error(cfg, 4, "t.yaml:9:9: replications: must be an integer in [1, 100], got \"-1\"");
    sim_cfg_free(cfg);
}

/* ---- unknown keys ---- */

static void test_unknown_keys(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    sim_cfg_node *sim = put_map(cfg, root, "simulation", 2);
    put_text(cfg, sim, "horizn_h", "10", 0, 3);
    put_text(cfg, sim, "Seed", "1", 0, 4);
    put_text(cfg, sim, "zzz", "1", 0, 5);
    put_text(cfg, sim, "horizon", "1", 0, 6);
    sim_cfg_node *extra = put_map(cfg, root, "extra", 7);
    put_text(cfg, extra, "inside", "1", 0, 8);
    sim_cfg_node *quiet = put_map(cfg, root, "quiet", 9);
    put_text(cfg, quiet, "anything", "1", 0, 10);
    sim_cfg_node *s = sim_cfg_map(cfg, root, "simulation");
    sim_cfg_num(cfg, s, "horizon_h", 1, SIM_RANGE(0, 1e9));
    sim_cfg_u64(cfg, s, "seed", 1);
    sim_cfg_int(cfg, s, "replications", 1, 1, 100);
    /* Asked for, but nobody looked inside: its keys are not judged. */
    sim_cfg_get(cfg, root, "quiet");
    expect_errors(cfg, 0);
    sim_cfg_check_unknown(cfg);
    expect_errors(cfg, 5);
    expect_error(cfg, 0,
                 "t.yaml:3:1: simulation.horizn_h: unknown key; did you mean \"horizon_h\"?");
    expect_error(cfg, 1, "t.yaml:4:1: simulation.Seed: unknown key; did you mean \"seed\"?");
    expect_error(cfg, 2,
                 "t.yaml:5:1: simulation.zzz: unknown key (known keys here: horizon_h, "
                 "seed, replications)");
    expect_error(cfg, 3,
                 "t.yaml:6:1: simulation.horizon: unknown key; did you mean \"horizon_h\"?");
    expect_error(cfg, 4, "t.yaml:7:1: extra: unknown key (known keys here: simulation, quiet)");
    sim_cfg_free(cfg);
}

static void test_unknown_in_list_and_root(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    sim_cfg_node *list = sim_cfg_new_list(cfg, at(2, 3));
    assert_int_equal(sim_cfg_map_put(cfg, root, "companies", at(2, 1), list), SIM_OK);
    sim_cfg_node *c0 = sim_cfg_new_map(cfg, at(3, 5)), *c1 = sim_cfg_new_map(cfg, at(5, 5));
    assert_int_equal(sim_cfg_list_append(cfg, list, c0), SIM_OK);
    assert_int_equal(sim_cfg_list_append(cfg, list, c1), SIM_OK);
    put_text(cfg, c0, "name", "a", 0, 3);
    put_text(cfg, c1, "name", "b", 0, 5);
    put_text(cfg, c1, "nmae", "b", 0, 6);
    sim_cfg_node *l = sim_cfg_list(cfg, root, "companies");
    for (size_t i = 0; i < sim_cfg_len(l); i++)
        sim_cfg_str(cfg, sim_cfg_at(l, i), "name", NULL);
    sim_cfg_check_unknown(cfg);
    expect_errors(cfg, 1);
    expect_error(cfg, 0, "t.yaml:6:1: companies[1].nmae: unknown key; did you mean \"name\"?");
    sim_cfg_free(cfg);

    /* A root nobody read: every top-level key is unknown, with no suggestion to make. */
    cfg = new_doc(&root);
    put_text(cfg, root, "x", "1", 0, 2);
    sim_cfg_check_unknown(cfg);
    expect_errors(cfg, 1);
    expect_error(cfg, 0, "t.yaml:2:1: x: unknown key");
    sim_cfg_free(cfg);
}

static void test_did_you_mean_limits(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    put_text(cfg, root, "mu", "1", 0, 2);                        /* too short to guess "n" */
    put_text(cfg, root, "sharing_wilingnes", "1", 0, 3);         /* distance 2 */
    put_text(cfg, root, "mean_time_to_failre_hours", "1", 0, 4); /* 5 edits, within 1/3 of 25 */
    put_text(cfg, root, "ba", "1", 0, 5);                        /* transposition of "ab" */
    sim_cfg_int(cfg, root, "n", 1, 0, 9);
    sim_cfg_int(cfg, root, "sharing_willingness", 1, 0, 9);
    sim_cfg_int(cfg, root, "mean_time_to_failure_h", 1, 0, 9);
    sim_cfg_int(cfg, root, "ab", 1, 0, 9);
    sim_cfg_check_unknown(cfg);
    expect_errors(cfg, 4);
    expect_error(cfg, 0,
                 "t.yaml:2:1: mu: unknown key (known keys here: n, sharing_willingness, "
                 "mean_time_to_failure_h, ab)");
    expect_error(cfg, 1,
                 "t.yaml:3:1: sharing_wilingnes: unknown key; did you mean "
                 "\"sharing_willingness\"?");
    expect_error(cfg, 2,
                 "t.yaml:4:1: mean_time_to_failre_hours: unknown key; did you mean "
                 "\"mean_time_to_failure_h\"?");
    expect_error(cfg, 3, "t.yaml:5:1: ba: unknown key; did you mean \"ab\"?");
    sim_cfg_free(cfg);
}

/* ---- diagnostics ---- */

static void test_error_order_and_render(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    sim_cfg_error_at(cfg, (sim_cfg_mark){"b.yaml", 1, 1}, "in b");
    sim_cfg_error_at(cfg, (sim_cfg_mark){"a.yaml", 10, 2}, "a ten two");
    sim_cfg_error_at(cfg, (sim_cfg_mark){"a.yaml", 2, 7}, "a two seven, first");
    sim_cfg_error_at(cfg, (sim_cfg_mark){"a.yaml", 2, 3}, "a two three");
    sim_cfg_error_at(cfg, (sim_cfg_mark){"a.yaml", 2, 7}, "a two seven, second");
    sim_cfg_error(cfg, NULL, "no place %d", 1);
    sim_cfg_error_at(cfg, (sim_cfg_mark){"c.yaml", 0, 0}, "file only");
    sim_cfg_error_at(cfg, (sim_cfg_mark){"a.yaml", 2, 3}, "a two three"); /* repeat: kept once */
    expect_errors(cfg, 7);
    expect_error(cfg, 0, "no place 1");
    expect_error(cfg, 1, "a.yaml:2:3: a two three");
    expect_error(cfg, 2, "a.yaml:2:7: a two seven, first");
    expect_error(cfg, 3, "a.yaml:2:7: a two seven, second");
    expect_error(cfg, 4, "a.yaml:10:2: a ten two");
    expect_error(cfg, 5, "b.yaml:1:1: in b");
    expect_error(cfg, 6, "c.yaml: file only");
    assert_null(sim_cfg_error_text(cfg, 7));
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_cfg_to_error(cfg, &err), SIM_INVALID);
    assert_int_equal(err.status, SIM_INVALID);
    assert_string_equal(err.msg, "no place 1 (and 6 more errors)");
    sim_cfg_free(cfg);
}

static void test_to_error(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_cfg_to_error(cfg, &err), SIM_OK);
    assert_int_equal(err.status, SIM_OK);
    assert_string_equal(err.msg, "");
    sim_cfg_error_at(cfg, (sim_cfg_mark){"x.yaml", 3, 4}, "one");
    assert_int_equal(sim_cfg_to_error(cfg, &err), SIM_INVALID);
    assert_string_equal(err.msg, "x.yaml:3:4: one");
    sim_cfg_error_at(cfg, (sim_cfg_mark){"x.yaml", 5, 4}, "two");
    assert_int_equal(sim_cfg_to_error(cfg, &err), SIM_INVALID);
    assert_string_equal(err.msg, "x.yaml:3:4: one (and 1 more error)");
    sim_cfg_free(cfg);
}

/* Warnings are kept in order, rendered with their place, and never make a document
 * invalid. */
static void test_warnings(void **state)
{
    (void)state;
    sim_cfg_node *root = NULL;
    sim_cfg *cfg = new_doc(&root);
    sim_cfg_node *n = put_text(cfg, root, "load", "0.99", 0, 7);
    assert_int_equal(sim_cfg_warning_count(cfg), 0);
    assert_null(sim_cfg_warning_text(cfg, 0));
    sim_cfg_warning(cfg, n, "load %.2f is high", 0.99);
    sim_cfg_warning(cfg, NULL, "no place");
    assert_int_equal(sim_cfg_warning_count(cfg), 2);
    assert_string_equal(sim_cfg_warning_text(cfg, 0), "t.yaml:7:5: warning: load 0.99 is high");
    assert_string_equal(sim_cfg_warning_text(cfg, 1), "warning: no place");
    assert_int_equal(sim_cfg_error_count(cfg), 0);
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_cfg_to_error(cfg, &err), SIM_OK);
    sim_cfg_free(cfg);
}

static void test_many_errors_capped(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    for (unsigned i = 0; i < 1100; i++)
        sim_cfg_error_at(cfg, (sim_cfg_mark){"x.yaml", i + 1, 1}, "error %u", i);
    expect_errors(cfg, 1001);
    expect_error(cfg, 0, "x.yaml:1:1: error 0");
    expect_error(cfg, 999, "x.yaml:1000:1: error 999");
    expect_error(cfg, 1000, "(100 more errors not shown)");
    sim_error err;
    assert_int_equal(sim_cfg_to_error(cfg, &err), SIM_INVALID);
    assert_string_equal(err.msg, "x.yaml:1:1: error 0 (and 1099 more errors)");
    sim_cfg_free(cfg);
}

/* ---- building ---- */

static void test_map_put_replace_keeps_order(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    put_text(cfg, root, "a", "1", 0, 2);
    put_text(cfg, root, "b", "2", 0, 3);
    put_text(cfg, root, "c", "3", 0, 4);
    put_text(cfg, root, "b", "20", 0, 9);
    assert_int_equal(sim_cfg_len(root), 3);
    assert_string_equal(sim_cfg_key_at(root, 1), "b");
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_at(root, 1)), "20");
    assert_int_equal(sim_cfg_key_mark_at(root, 1).line, 9);
    assert_int_equal(sim_cfg_map_remove(root, "a"), 1);
    assert_int_equal(sim_cfg_map_remove(root, "a"), 0);
    assert_int_equal(sim_cfg_len(root), 2);
    assert_string_equal(sim_cfg_key_at(root, 0), "b");
    assert_string_equal(sim_cfg_key_at(root, 1), "c");
    assert_null(sim_cfg_key_at(root, 2));
    assert_null(sim_cfg_at(root, 2));
    assert_null(sim_cfg_scalar_text(root));
    assert_int_equal(sim_cfg_len(sim_cfg_at(root, 0)), 0);
    assert_int_equal(sim_cfg_map_put(cfg, sim_cfg_at(root, 0), "x", at(1, 1), root), SIM_INTERNAL);
    assert_int_equal(sim_cfg_list_append(cfg, root, sim_cfg_at(root, 0)), SIM_INTERNAL);
    sim_cfg_free(cfg);
}

static void test_large_map_index(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *cfg = new_doc(&root);
    char key[32], text[32];
    for (unsigned i = 0; i < 2000; i++) {
        snprintf(key, sizeof key, "k%u", i);
        snprintf(text, sizeof text, "%u", i);
        put_text(cfg, root, key, text, 0, i + 2);
    }
    for (unsigned i = 0; i < 2000; i += 3) {
        snprintf(key, sizeof key, "k%u", i);
        assert_int_equal(sim_cfg_map_remove(root, key), 1);
    }
    for (unsigned i = 0; i < 2000; i++) {
        snprintf(key, sizeof key, "k%u", i);
        sim_cfg_node *n = sim_cfg_peek(root, key);
        if (i % 3 == 0) {
            assert_null(n);
            continue;
        }
        snprintf(text, sizeof text, "%u", i);
        assert_non_null(n);
        assert_string_equal(sim_cfg_scalar_text(n), text);
    }
    assert_int_equal(sim_cfg_len(root), 2000 - 667);
    assert_string_equal(sim_cfg_key_at(root, 0), "k1");
    sim_cfg_free(cfg);
}

static void test_copy(void **state)
{
    (void)state;
    sim_cfg_node *root;
    sim_cfg *src = new_doc(&root);
    sim_cfg_node *inner = put_map(src, root, "inner", 2);
    put_text(src, inner, "q", "5", 1, 3);
    sim_cfg_node *list = sim_cfg_new_list(src, at(4, 3));
    assert_int_equal(sim_cfg_map_put(src, root, "list", at(4, 1), list), SIM_OK);
    assert_int_equal(sim_cfg_list_append(src, list, sim_cfg_new_null(src, at(5, 5))), SIM_OK);
    sim_cfg_int(src, root, "dflt", 3, 0, 9);

    sim_cfg *dst = sim_cfg_alloc();
    sim_cfg_node *c = sim_cfg_copy(dst, root);
    sim_cfg_free(src); /* the copy owns everything it needs */
    assert_non_null(c);
    assert_int_equal(sim_cfg_len(c), 3);
    assert_string_equal(sim_cfg_key_at(c, 0), "inner");
    sim_cfg_node *q = sim_cfg_peek(sim_cfg_peek(c, "inner"), "q");
    assert_string_equal(sim_cfg_scalar_text(q), "5");
    assert_int_equal(sim_cfg_scalar_quoted(q), 1);
    assert_string_equal(sim_cfg_node_mark(q).file, "t.yaml");
    assert_int_equal(sim_cfg_node_mark(q).line, 3);
    assert_int_equal(sim_cfg_key_mark_at(c, 1).line, 4);
    assert_int_equal(sim_cfg_node_kind(sim_cfg_at(sim_cfg_peek(c, "list"), 0)), SIM_CFG_NULL);
    assert_true(sim_cfg_node_is_default(sim_cfg_peek(c, "dflt")));
    assert_null(sim_cfg_copy(dst, NULL));
    /* The copy's keys are fresh: nothing was asked on them yet. */
    sim_cfg_set_root(dst, c);
    sim_cfg_check_unknown(dst);
    expect_errors(dst, 3);
    sim_cfg_free(dst);
    sim_cfg_free(NULL);
}

static void test_inspect_null_safe(void **state)
{
    (void)state;
    assert_int_equal(sim_cfg_node_kind(NULL), SIM_CFG_NULL);
    assert_null(sim_cfg_node_mark(NULL).file);
    assert_int_equal(sim_cfg_len(NULL), 0);
    assert_null(sim_cfg_at(NULL, 0));
    assert_null(sim_cfg_peek(NULL, "x"));
    assert_null(sim_cfg_key_at(NULL, 0));
    assert_int_equal(sim_cfg_key_mark_at(NULL, 0).line, 0);
    assert_int_equal(sim_cfg_scalar_quoted(NULL), 0);
    assert_int_equal(sim_cfg_node_is_default(NULL), 0);
    assert_int_equal(sim_cfg_map_remove(NULL, "x"), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num_forms),
        cmocka_unit_test(test_num_message),
        cmocka_unit_test(test_num_range_ends),
        cmocka_unit_test(test_num_nonfinite),
        cmocka_unit_test(test_num_quoted_is_string),
        cmocka_unit_test(test_num_default_inserted),
        cmocka_unit_test(test_null_is_missing),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_u64),
        cmocka_unit_test(test_bool),
        cmocka_unit_test(test_enum),
        cmocka_unit_test(test_str),
        cmocka_unit_test(test_map_and_list_getters),
        cmocka_unit_test(test_node_getters),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_unknown_in_list_and_root),
        cmocka_unit_test(test_did_you_mean_limits),
        cmocka_unit_test(test_error_order_and_render),
        cmocka_unit_test(test_to_error),
        cmocka_unit_test(test_many_errors_capped),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_map_put_replace_keeps_order),
        cmocka_unit_test(test_large_map_index),
        cmocka_unit_test(test_copy),
        cmocka_unit_test(test_inspect_null_safe),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
