/*
 * Unit tests of sim_yaml: marks, scalars, anchors and aliases with their bounds, merge and
 * duplicate keys, extends (merge semantics, relative paths, chains, lists, cycles, depth,
 * missing bases), file checks (missing, directory, too large, empty, non-UTF-8, several
 * documents), the emitter and its round trip, and every loader-level file of the bad corpus
 * tests/data/bad/yaml_*.yaml against its "# expect:" lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim_cfg.h"
#include "sim_yaml.h"

#ifndef ECOTWIN_TEST_DATA_DEFAULT
#define ECOTWIN_TEST_DATA_DEFAULT "tests/data"
#endif

/* ---- helpers ---- */

static const char *data_dir(void)
{
    const char *d = getenv("ECOTWIN_TEST_DATA");
    return d && *d ? d : ECOTWIN_TEST_DATA_DEFAULT;
}

static void data_path(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", data_dir(), rel);
}

static sim_status load_str(sim_cfg *cfg, const char *text)
{
    sim_error err;
    sim_error_clear(&err);
    return sim_yaml_load_string(cfg, "s.yaml", text, strlen(text), &err);
}

static sim_status load_data(sim_cfg *cfg, const char *rel, sim_error *err)
{
    char path[1024];
    data_path(path, sizeof path, rel);
    sim_error_clear(err);
    return sim_yaml_load(cfg, path, err);
}

static void print_diags(sim_cfg *cfg)
{
    for (size_t i = 0; i < sim_cfg_error_count(cfg); i++)
        print_message("  diagnostic: %s\n", sim_cfg_error_text(cfg, i));
}

static int has_diag(sim_cfg *cfg, const char *needle)
{
    for (size_t i = 0; i < sim_cfg_error_count(cfg); i++)
        if (strstr(sim_cfg_error_text(cfg, i), needle))
            return 1;
    return 0;
}

static void expect_diag(sim_cfg *cfg, const char *needle)
{
    if (!has_diag(cfg, needle)) {
        print_message("expected a diagnostic containing: %s\n", needle);
        print_diags(cfg);
    }
    assert_true(has_diag(cfg, needle));
}

/* Load text, expecting it to be valid. */
static sim_cfg *load_ok(const char *text)
{
    sim_cfg *cfg = sim_cfg_alloc();
    sim_status st = load_str(cfg, text);
    if (st != SIM_OK)
        print_diags(cfg);
    assert_int_equal(st, SIM_OK);
    assert_non_null(sim_cfg_root(cfg));
    return cfg;
}

/* Load text, expecting it to be invalid with a diagnostic containing needle. */
static void load_bad(const char *text, const char *needle)
{
    sim_cfg *cfg = sim_cfg_alloc();
    assert_int_equal(load_str(cfg, text), SIM_INVALID);
    assert_null(sim_cfg_root(cfg));
    expect_diag(cfg, needle);
    sim_cfg_free(cfg);
}

static void expect_mark(sim_cfg_mark m, unsigned line, unsigned col)
{
    if (m.line != line || m.col != col)
        print_message("mark %u:%u, expected %u:%u\n", m.line, m.col, line, col);
    assert_int_equal(m.line, line);
    assert_int_equal(m.col, col);
}

static int ends_with(const char *s, const char *tail)
{
    size_t ls = strlen(s), lt = strlen(tail);
    return ls >= lt && strcmp(s + ls - lt, tail) == 0;
}

static double elapsed_s(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0->tv_nsec);
}

/* Structural equality: kinds, texts, quoting, keys and their order. */
static int tree_equal(const sim_cfg_node *a, const sim_cfg_node *b, const char *where)
{
    int same = sim_cfg_node_kind(a) == sim_cfg_node_kind(b) && sim_cfg_len(a) == sim_cfg_len(b);
    if (same && sim_cfg_node_kind(a) == SIM_CFG_SCALAR)
        same = strcmp(sim_cfg_scalar_text(a), sim_cfg_scalar_text(b)) == 0 &&
               sim_cfg_scalar_quoted(a) == sim_cfg_scalar_quoted(b);
    for (size_t i = 0; same && i < sim_cfg_len(a); i++) {
        const char *ka = sim_cfg_key_at(a, i), *kb = sim_cfg_key_at(b, i);
        if (ka && strcmp(ka, kb) != 0) {
            print_message("key %s != %s under %s\n", ka, kb, where);
            return 0;
        }
        if (!tree_equal(sim_cfg_at(a, i), sim_cfg_at(b, i), ka ? ka : "a list item"))
            return 0;
    }
    if (!same)
        print_message("trees differ at %s (%s vs %s)\n", where,
                      sim_cfg_scalar_text(a) ? sim_cfg_scalar_text(a) : "-",
                      sim_cfg_scalar_text(b) ? sim_cfg_scalar_text(b) : "-");
    return same;
}

static sim_cfg_node *at_path(sim_cfg *cfg, const char *a, const char *b, const char *c)
{
    sim_cfg_node *n = sim_cfg_peek(sim_cfg_root(cfg), a);
    if (b)
        n = sim_cfg_peek(n, b);
    if (c)
        n = sim_cfg_peek(n, c);
    return n;
}

static const char *text_at(sim_cfg *cfg, const char *a, const char *b, const char *c)
{
    return sim_cfg_scalar_text(at_path(cfg, a, b, c));
}

/* ---- marks and scalars ---- */

static void test_marks(void **state)
{
    (void)state;
    sim_cfg *cfg = load_ok("a: 1\nb:\n  c: [x, y]\n  'd': \"q\"\n");
    sim_cfg_node *root = sim_cfg_root(cfg), *b = sim_cfg_peek(root, "b");
    expect_mark(sim_cfg_key_mark_at(root, 0), 1, 1);
    expect_mark(sim_cfg_node_mark(sim_cfg_peek(root, "a")), 1, 4);
    expect_mark(sim_cfg_key_mark_at(root, 1), 2, 1);
    expect_mark(sim_cfg_node_mark(b), 3, 3);
    sim_cfg_node *c = sim_cfg_peek(b, "c");
    expect_mark(sim_cfg_node_mark(c), 3, 6);
    expect_mark(sim_cfg_node_mark(sim_cfg_at(c, 0)), 3, 7);
    expect_mark(sim_cfg_node_mark(sim_cfg_at(c, 1)), 3, 10);
    expect_mark(sim_cfg_key_mark_at(b, 1), 4, 3);
    expect_mark(sim_cfg_node_mark(sim_cfg_peek(b, "d")), 4, 8);
    assert_string_equal(sim_cfg_node_mark(c).file, "s.yaml");
    sim_cfg_free(cfg);

    /* CRLF line ends and a UTF-8 byte order mark do not move marks. */
    cfg = load_ok("\xEF\xBB\xBFx: 1\r\ny: 2\r\n");
    expect_mark(sim_cfg_node_mark(sim_cfg_peek(sim_cfg_root(cfg), "y")), 2, 4);
    sim_cfg_free(cfg);
}

static void test_scalars(void **state)
{
    (void)state;
    sim_cfg *cfg = load_ok("e:\nt: ~\nn: null\nN: NULL\nq: \"~\"\nb: true\nqs: '5'\n"
                           "lit: |\n  x\nfold: >\n  y\ntag: !!str 5\nint: !!int 5\n");
    sim_cfg_node *root = sim_cfg_root(cfg);
    static const char *const nulls[] = {"e", "t", "n", "N"};
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(sim_cfg_node_kind(sim_cfg_peek(root, nulls[i])), SIM_CFG_NULL);
    assert_int_equal(sim_cfg_scalar_quoted(sim_cfg_peek(root, "q")), 1);
    assert_int_equal(sim_cfg_scalar_quoted(sim_cfg_peek(root, "b")), 0);
    assert_int_equal(sim_cfg_scalar_quoted(sim_cfg_peek(root, "qs")), 1);
    assert_string_equal(text_at(cfg, "lit", NULL, NULL), "x\n");
    assert_int_equal(sim_cfg_scalar_quoted(sim_cfg_peek(root, "lit")), 1);
    assert_int_equal(sim_cfg_scalar_quoted(sim_cfg_peek(root, "fold")), 1);
    assert_int_equal(sim_cfg_scalar_quoted(sim_cfg_peek(root, "tag")), 1);
    assert_int_equal(sim_cfg_scalar_quoted(sim_cfg_peek(root, "int")), 0);
    sim_cfg_free(cfg);
}

static void test_tags_and_nul(void **state)
{
    (void)state;
    load_bad("x: !hours 5\n", "s.yaml:1:4: unsupported tag !hours");
    load_bad("x: !!str {a: 1}\n", "s.yaml:1:4: !!str cannot tag a map or a list");
    load_bad("x: \"a\\0b\"\n", "s.yaml:1:4: a NUL character is not allowed in a value");
}

static void test_huge_number(void **state)
{
    (void)state;
    sim_cfg *cfg = load_ok("x: 1e999\n");
    double v = sim_cfg_num(cfg, sim_cfg_root(cfg), "x", 2.0, SIM_RANGE(0, INFINITY));
    assert_float_equal(v, 2.0, 0.0);
    assert_int_equal(sim_cfg_error_count(cfg), 1);
    assert_string_equal(sim_cfg_error_text(cfg, 0),
                        "s.yaml:1:4: x: must be a number in [0, inf), got \"1e999\"");
    sim_cfg_free(cfg);
}

/* ---- anchors, aliases and their bounds ---- */

static void test_anchors_aliases(void **state)
{
    (void)state;
    sim_cfg *cfg = load_ok("base: &b {x: 1, y: [1, 2]}\nother: *b\nname: &k seed\n*k : 5\n");
    sim_cfg_node *base = at_path(cfg, "base", NULL, NULL),
                 *other = at_path(cfg, "other", NULL, NULL);
    assert_true(base != other);
    assert_true(tree_equal(base, other, "other"));
    assert_string_equal(text_at(cfg, "seed", NULL, NULL), "5");
    expect_mark(sim_cfg_key_mark_at(sim_cfg_root(cfg), 3), 4, 1);
    /* The copy is independent: defaults inserted below one do not appear in the other. */
    sim_cfg_int(cfg, other, "z", 3, 0, 9);
    assert_null(sim_cfg_peek(base, "z"));
    assert_int_equal(sim_cfg_len(other), 3);
    sim_cfg_free(cfg);
}

static void test_alias_errors(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    assert_int_equal(load_str(cfg, "a: *nowhere\nb: &r [1, *r]\n"), SIM_INVALID);
    assert_int_equal(sim_cfg_error_count(cfg), 2);
    assert_string_equal(
        sim_cfg_error_text(cfg, 0),
        "s.yaml:1:4: alias *nowhere refers to no anchor &nowhere defined before it");
    assert_string_equal(
        sim_cfg_error_text(cfg, 1),
        "s.yaml:2:11: alias *r is inside its own anchor &r (a recursive structure)");
    sim_cfg_free(cfg);
}

/* levels of nine aliases each to the level below: 9^levels scalars once expanded. */
static char *laughs(int levels)
{
    size_t size = 200 + (size_t)levels * 80;
    char *text = malloc(size);
    assert_non_null(text);
    size_t at =
        (size_t)snprintf(text, size, "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int i = 1; i <= levels; i++) {
        at += (size_t)snprintf(text + at, size - at, "l%d: &l%d [", i, i);
        for (int j = 0; j < 9; j++)
            at += (size_t)snprintf(text + at, size - at, "%s*l%d", j ? ", " : "", i - 1);
        at += (size_t)snprintf(text + at, size - at, "]\n");
    }
    return text;
}

static void test_billion_laughs(void **state)
{
    (void)state;
    char *small = laughs(3); /* 9^4 scalars: fine */
    sim_cfg *cfg = load_ok(small);
    assert_int_equal(
        sim_cfg_len(sim_cfg_at(sim_cfg_at(sim_cfg_peek(sim_cfg_root(cfg), "l3"), 8), 8)), 9);
    sim_cfg_free(cfg);
    free(small);

    char *bomb = laughs(9); /* 9^10 = 3.5 billion scalars */
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    cfg = sim_cfg_alloc();
    assert_int_equal(load_str(cfg, bomb), SIM_INVALID);
    double s = elapsed_s(&t0);
    print_message("billion laughs refused in %.3f s\n", s);
    assert_true(s < 2.0);
    assert_int_equal(sim_cfg_error_count(cfg), 1);
    assert_string_equal(sim_cfg_error_text(cfg, 0),
                        "s.yaml:7:10: alias *l5 would expand the document beyond 1000000 nodes; "
                        "aliases must not multiply the document (\"billion laughs\")");
    sim_cfg_free(cfg);
    free(bomb);
}

static void test_node_limit(void **state)
{
    (void)state;
    /* A plain document with more nodes than the limit, no aliases. */
    size_t n = SIM_YAML_MAX_NODES + 1;
    char *text = malloc(2 * n + 8);
    assert_non_null(text);
    size_t at = 0;
    text[at++] = '[';
    for (size_t i = 0; i < n; i++) {
        text[at++] = '0';
        text[at++] = ',';
    }
    text[at - 1] = ']';
    text[at] = '\0';
    sim_cfg *cfg = sim_cfg_alloc();
    assert_int_equal(load_str(cfg, text), SIM_INVALID);
    /* The list node and 999,999 items fit; the next item is one too many. */
    expect_diag(cfg, "s.yaml:1:2000000: document too large: more than 1000000 nodes");
    sim_cfg_free(cfg);
    free(text);
}

static char *nested(int levels)
{
    char *text = malloc(2 * (size_t)levels + 8);
    assert_non_null(text);
    size_t at = (size_t)sprintf(text, "a: ");
    for (int i = 0; i < levels; i++)
        text[at++] = '[';
    for (int i = 0; i < levels; i++)
        text[at++] = ']';
    text[at++] = '\n';
    text[at] = '\0';
    return text;
}

static void test_depth(void **state)
{
    (void)state;
    char *ok = nested(SIM_YAML_MAX_DEPTH - 1); /* plus the top-level map: 64 levels */
    sim_cfg_free(load_ok(ok));
    free(ok);
    char *deep = nested(SIM_YAML_MAX_DEPTH);
    load_bad(deep, "s.yaml:1:67: nesting deeper than 64 levels");
    free(deep);
    char *bomb = nested(100000);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    load_bad(bomb, "nesting deeper than 64 levels");
    assert_true(elapsed_s(&t0) < 1.0);
    free(bomb);
    /* Aliases cannot stack depth past the limit either: a 39-level anchor placed 31 deep. */
    char text[512];
    size_t at = (size_t)sprintf(text, "a: &deep ");
    for (int i = 0; i < 39; i++)
        text[at++] = '[';
    for (int i = 0; i < 39; i++)
        text[at++] = ']';
    at += (size_t)sprintf(text + at, "\nb: ");
    for (int i = 0; i < 29; i++)
        text[at++] = '[';
    at += (size_t)sprintf(text + at, "*deep");
    for (int i = 0; i < 29; i++)
        text[at++] = ']';
    sprintf(text + at, "\n");
    load_bad(text, "s.yaml:2:33: alias *deep nests the document deeper than 64 levels");
}

/* ---- keys ---- */

static void test_merge_key(void **state)
{
    (void)state;
    load_bad("d: &d {x: 1}\ne:\n  <<: *d\n  y: 2\n",
             "s.yaml:3:3: merge keys (<<) are not supported; write the keys out or use extends:");
    sim_cfg *cfg = load_ok("\"<<\": a quoted key is only a string\n");
    assert_non_null(sim_cfg_peek(sim_cfg_root(cfg), "<<"));
    sim_cfg_free(cfg);
}

static void test_duplicate_keys(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    assert_int_equal(load_str(cfg, "a: 1\nb:\n  c: 1\n  c: 2\na: 3\n"), SIM_INVALID);
    assert_int_equal(sim_cfg_error_count(cfg), 2);
    assert_string_equal(sim_cfg_error_text(cfg, 0),
                        "s.yaml:4:3: duplicate key \"c\" (first at line 3, column 3)");
    assert_string_equal(sim_cfg_error_text(cfg, 1),
                        "s.yaml:5:1: duplicate key \"a\" (first at line 1, column 1)");
    sim_cfg_free(cfg);
}

static void test_bad_keys(void **state)
{
    (void)state;
    load_bad("~: 1\n", "s.yaml:1:1: a key must be a string, not empty or null");
    load_bad("[a, b]: 1\n", "s.yaml:1:1: a key must be a string, not a map or a list");
}

/* ---- documents and files ---- */

static void test_empty_and_not_map(void **state)
{
    (void)state;
    static const char *const empties[] = {"", "# only a comment\n", "---\n", "~\n", "\n\n"};
    for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++)
        load_bad(empties[i], "s.yaml:1:1: empty scenario file: expected a map of sections");
    load_bad("- a\n", "s.yaml:1:1: the top level of a scenario must be a map of sections (key: "
                      "value), not a list");
    load_bad("\n  just text\n", "s.yaml:2:3: the top level of a scenario must be a map of "
                                "sections (key: value), not a single value");
}

static void test_documents(void **state)
{
    (void)state;
    load_bad("a: 1\n---\nb: 2\n", "s.yaml:2:1: multiple documents in one file");
    sim_cfg_free(load_ok("---\na: 1\n...\n"));
}

static void test_syntax_and_encoding(void **state)
{
    (void)state;
    load_bad("a: [1, 2\n", "s.yaml:2:1: syntax error: did not find expected ',' or ']' (while "
                           "parsing a flow sequence at line 1, column 4)");
    load_bad("a: 1\n b: 2\n", "s.yaml:2:3: syntax error: mapping values are not allowed in this "
                              "context");
    load_bad("a: ok\nb: \xff\n", "s.yaml:2:4: invalid UTF-8 (invalid leading UTF-8 octet, byte "
                                 "0xFF): scenario files must be UTF-8 text");
    load_bad("a: \x01\n", "s.yaml:1:4: invalid character: control characters are not allowed "
                          "(byte 0x01)");
    /* UTF-16 (as some editors save) is refused with the same clear message. */
    static const char utf16[] = "\xFF\xFEx\0:\0 \0001\0\n\0";
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    assert_int_equal(sim_yaml_load_string(cfg, "w.yaml", utf16, sizeof utf16 - 1, &err),
                     SIM_INVALID);
    expect_diag(cfg, "w.yaml:1:1: invalid UTF-8 (invalid leading UTF-8 octet, byte 0xFF)");
    sim_cfg_free(cfg);
}

static void test_missing_file(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_yaml_load(cfg, "/nonexistent/x.yaml", &err), SIM_NOINPUT);
    assert_int_equal(err.status, SIM_NOINPUT);
    assert_string_equal(err.msg, "cannot open /nonexistent/x.yaml: No such file or directory");
    assert_int_equal(sim_cfg_error_count(cfg), 0);
    assert_null(sim_cfg_root(cfg));
    sim_cfg_free(cfg);
}

static void test_directory(void **state)
{
    (void)state;
    char path[1024], want[1100];
    data_path(path, sizeof path, "yaml");
    snprintf(want, sizeof want, "%s is a directory, not a scenario file", path);
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    assert_int_equal(sim_yaml_load(cfg, path, &err), SIM_INVALID);
    assert_int_equal(err.status, SIM_INVALID);
    assert_string_equal(err.msg, want);
    assert_int_equal(sim_cfg_error_count(cfg), 1);
    assert_string_equal(sim_cfg_error_text(cfg, 0), want);
    sim_cfg_free(cfg);
}

static void test_too_large(void **state)
{
    (void)state;
    char path[] = "/tmp/ecotwin_test_yaml_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t)SIM_YAML_MAX_BYTES + 1), 0); /* sparse: no disk */
    close(fd);
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    assert_int_equal(sim_yaml_load(cfg, path, &err), SIM_INVALID);
    expect_diag(cfg, "is too large to be a scenario file (limit 16777216 bytes)");
    sim_cfg_free(cfg);
    unlink(path);

    /* A stream that never ends is cut off while reading. */
    cfg = sim_cfg_alloc();
    assert_int_equal(sim_yaml_load(cfg, "/dev/zero", &err), SIM_INVALID);
    expect_diag(cfg, "/dev/zero is too large to be a scenario file");
    sim_cfg_free(cfg);

    size_t len = SIM_YAML_MAX_BYTES + 1;
    char *big = malloc(len);
    assert_non_null(big);
    memset(big, ' ', len);
    cfg = sim_cfg_alloc();
    assert_int_equal(sim_yaml_load_string(cfg, "big", big, len, &err), SIM_INVALID);
    expect_diag(cfg, "big is too large to be a scenario file");
    sim_cfg_free(cfg);
    free(big);
}

/* ---- extends ---- */

static void test_extends_merge(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    assert_int_equal(load_data(cfg, "yaml/child.yaml", &err), SIM_OK);
    sim_cfg_node *root = sim_cfg_root(cfg);
    static const char *const keys[] = {"simulation", "companies", "only_base", "only_child"};
    assert_int_equal(sim_cfg_len(root), 4);
    for (size_t i = 0; i < 4; i++)
        assert_string_equal(sim_cfg_key_at(root, i), keys[i]);
    assert_null(sim_cfg_peek(root, "extends"));
    assert_string_equal(text_at(cfg, "simulation", "horizon_h", NULL), "200");
    assert_string_equal(text_at(cfg, "simulation", "seed", NULL), "1");
    assert_string_equal(text_at(cfg, "simulation", "sampling", "every_h"), "10");
    sim_cfg_node *what = at_path(cfg, "simulation", "sampling", "what");
    assert_int_equal(sim_cfg_len(what), 1);
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_at(what, 0)), "c");
    sim_cfg_node *companies = at_path(cfg, "companies", NULL, NULL);
    assert_int_equal(sim_cfg_len(companies), 1);
    assert_string_equal(sim_cfg_scalar_text(sim_cfg_peek(sim_cfg_at(companies, 0), "name")),
                        "integrator");
    /* Each value keeps the file it was written in. */
    sim_cfg_mark horizon = sim_cfg_node_mark(at_path(cfg, "simulation", "horizon_h", NULL));
    sim_cfg_mark seed = sim_cfg_node_mark(at_path(cfg, "simulation", "seed", NULL));
    assert_true(ends_with(horizon.file, "yaml/child.yaml"));
    expect_mark(horizon, 4, 14);
    assert_true(ends_with(seed.file, "yaml/base.yaml"));
    expect_mark(seed, 4, 9);
    sim_cfg_free(cfg);
}

static void test_extends_chain(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    assert_int_equal(load_data(cfg, "yaml/sub/grandchild.yaml", &err), SIM_OK);
    assert_string_equal(text_at(cfg, "simulation", "seed", NULL), "3");
    assert_string_equal(text_at(cfg, "simulation", "horizon_h", NULL), "200");
    assert_string_equal(text_at(cfg, "only_base", NULL, NULL), "1");
    const char *file = sim_cfg_node_mark(at_path(cfg, "simulation", "horizon_h", NULL)).file;
    /* Shown tidied: ".../yaml/child.yaml", not ".../yaml/sub/../child.yaml". */
    assert_true(ends_with(file, "/yaml/child.yaml"));
    assert_null(strstr(file, "/../"));
    assert_true(ends_with(sim_cfg_node_mark(at_path(cfg, "simulation", "seed", NULL)).file,
                          "yaml/sub/grandchild.yaml"));
    sim_cfg_free(cfg);
}

static void test_extends_list(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    assert_int_equal(load_data(cfg, "yaml/multi.yaml", &err), SIM_OK);
    assert_string_equal(text_at(cfg, "simulation", "seed", NULL), "2");
    assert_string_equal(text_at(cfg, "simulation", "horizon_h", NULL), "100");
    assert_string_equal(text_at(cfg, "simulation", "warmup_h", NULL), "5");
    sim_cfg_node *root = sim_cfg_root(cfg);
    assert_string_equal(sim_cfg_key_at(root, sim_cfg_len(root) - 1), "only_multi");
    assert_string_equal(sim_cfg_key_at(root, sim_cfg_len(root) - 2), "only_other");
    sim_cfg_free(cfg);
}

static void test_extends_from_string(void **state)
{
    (void)state;
    char text[1200], cwd[1024];
    snprintf(text, sizeof text, "extends: %s/yaml/base.yaml\nonly_base: 9\n", data_dir());
    sim_cfg *cfg = load_ok(text);
    assert_string_equal(text_at(cfg, "only_base", NULL, NULL), "9");
    assert_string_equal(text_at(cfg, "simulation", "seed", NULL), "1");
    sim_cfg_free(cfg);
    /* Relative bases of a string resolve against the current directory. */
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(data_dir()), 0);
    cfg = load_ok("extends: yaml/base.yaml\n");
    assert_string_equal(text_at(cfg, "simulation", "horizon_h", NULL), "100");
    assert_string_equal(sim_cfg_node_mark(at_path(cfg, "simulation", NULL, NULL)).file,
                        "yaml/base.yaml");
    sim_cfg_free(cfg);
    assert_int_equal(chdir(cwd), 0);
    load_bad("extends: 5.yaml\n", "s.yaml:1:10: extends: cannot open 5.yaml: No such file");
    load_bad("extends: [a.yaml, [b]]\n", "s.yaml:1:19: extends: must be a file name or a list "
                                         "of file names");
    load_bad("extends:\n", "s.yaml:1:9: extends: must be a file name or a list of file names");
}

/* Write dir/name with text. */
static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_files(const char *dir, int n)
{
    char path[512];
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/f%d.yaml", dir, i);
        unlink(path);
    }
    snprintf(path, sizeof path, "%s/self.yaml", dir);
    unlink(path);
    rmdir(dir);
}

static void test_extends_depth_and_self(void **state)
{
    (void)state;
    char dir[] = "/tmp/ecotwin_test_extends_XXXXXX", name[32], text[64], path[512];
    assert_non_null(mkdtemp(dir));
    int n = SIM_YAML_MAX_EXTENDS + 2; /* f0 .. f17: 17 extends in a row */
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "f%d.yaml", i);
        if (i + 1 < n)
            snprintf(text, sizeof text, "extends: f%d.yaml\nk%d: 1\n", i + 1, i);
        else
            snprintf(text, sizeof text, "k%d: 1\n", i);
        write_file(dir, name, text);
    }
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    snprintf(path, sizeof path, "%s/f1.yaml", dir); /* 16 extends: the limit */
    assert_int_equal(sim_yaml_load(cfg, path, &err), SIM_OK);
    assert_int_equal(sim_cfg_len(sim_cfg_root(cfg)), 17);
    sim_cfg_free(cfg);
    cfg = sim_cfg_alloc();
    snprintf(path, sizeof path, "%s/f0.yaml", dir);
    assert_int_equal(sim_yaml_load(cfg, path, &err), SIM_INVALID);
    expect_diag(cfg, "f16.yaml:1:10: extends nested deeper than 16 files");
    sim_cfg_free(cfg);

    write_file(dir, "self.yaml", "extends: self.yaml\n");
    cfg = sim_cfg_alloc();
    snprintf(path, sizeof path, "%s/self.yaml", dir);
    assert_int_equal(sim_yaml_load(cfg, path, &err), SIM_INVALID);
    char want[2048];
    snprintf(want, sizeof want, "%s:1:10: extends cycle: %s -> %s", path, path, path);
    assert_int_equal(sim_cfg_error_count(cfg), 1);
    assert_string_equal(sim_cfg_error_text(cfg, 0), want);
    sim_cfg_free(cfg);
    remove_files(dir, n);
}

static void test_extends_errors_collected(void **state)
{
    (void)state;
    /* A broken base does not hide the extending file's own errors. */
    char text[1200];
    snprintf(text, sizeof text, "extends: %s/bad/yaml_dup_key.yaml\na: 1\na: 2\n", data_dir());
    sim_cfg *cfg = sim_cfg_alloc();
    assert_int_equal(load_str(cfg, text), SIM_INVALID);
    assert_int_equal(sim_cfg_error_count(cfg), 2);
    expect_diag(cfg, "yaml_dup_key.yaml:4:3: duplicate key \"horizon_h\"");
    expect_diag(cfg, "s.yaml:3:1: duplicate key \"a\"");
    sim_cfg_free(cfg);
}

/* ---- emitter ---- */

static void test_emit_exact(void **state)
{
    (void)state;
    sim_cfg *cfg = sim_cfg_alloc();
    sim_cfg_mark m = {"t", 1, 1};
    sim_cfg_node *root = sim_cfg_new_map(cfg, m), *list = sim_cfg_new_list(cfg, m);
    sim_cfg_node *inner = sim_cfg_new_map(cfg, m), *long_list = sim_cfg_new_list(cfg, m);
    sim_cfg_map_put(cfg, root, "a", m, sim_cfg_new_scalar(cfg, m, "1", 0));
    sim_cfg_map_put(cfg, root, "b", m, sim_cfg_new_scalar(cfg, m, "true", 1));
    sim_cfg_list_append(cfg, list, sim_cfg_new_scalar(cfg, m, "1", 0));
    sim_cfg_list_append(cfg, list, sim_cfg_new_scalar(cfg, m, "x y", 0));
    sim_cfg_map_put(cfg, root, "c", m, list);
    sim_cfg_map_put(cfg, inner, "e", m, sim_cfg_new_null(cfg, m));
    sim_cfg_map_put(cfg, inner, "null", m, sim_cfg_new_scalar(cfg, m, "- x", 0));
    sim_cfg_map_put(cfg, root, "d", m, inner);
    sim_cfg_list_append(cfg, long_list, sim_cfg_new_scalar(cfg, m, "a", 0));
    sim_cfg_list_append(cfg, long_list, sim_cfg_new_map(cfg, m));
    sim_cfg_map_put(cfg, root, "f", m, long_list);
    char *out = NULL;
    assert_int_equal(sim_yaml_emit(root, &out), SIM_OK);
    /* Quoted text and plain text that cannot be plain ("- x") get the same quotes. */
    assert_string_equal(out, "a: 1\nb: 'true'\nc:\n- 1\n- x y\nd:\n  e: null\n  'null': '- x'\n"
                             "f:\n- a\n- {}\n");
    free(out);
    sim_cfg_free(cfg);
}

static void test_emit_roundtrip(void **state)
{
    (void)state;
    sim_cfg *a = sim_cfg_alloc(), *b = sim_cfg_alloc();
    sim_error err;
    assert_int_equal(load_data(a, "yaml/roundtrip.yaml", &err), SIM_OK);
    char *text = NULL, *again = NULL;
    assert_int_equal(sim_yaml_emit(sim_cfg_root(a), &text), SIM_OK);
    sim_status st = sim_yaml_load_string(b, "emitted", text, strlen(text), &err);
    if (st != SIM_OK) {
        print_message("%s\n", text);
        print_diags(b);
    }
    assert_int_equal(st, SIM_OK);
    assert_true(tree_equal(sim_cfg_root(a), sim_cfg_root(b), "the root"));
    /* Emitting is stable: the second emission is the same text. */
    assert_int_equal(sim_yaml_emit(sim_cfg_root(b), &again), SIM_OK);
    assert_string_equal(text, again);
    free(text);
    free(again);
    sim_cfg_free(a);
    sim_cfg_free(b);
}

static void test_emit_defaults_roundtrip(void **state)
{
    (void)state;
    static const char *const modes[] = {"fast", "slow", NULL};
    sim_cfg *cfg = load_ok("given: 0.1\n");
    sim_cfg_node *root = sim_cfg_root(cfg);
    sim_cfg_node *sub = sim_cfg_map(cfg, root, "sub");
    sim_cfg_num(cfg, root, "given", 0, SIM_RANGE(0, 1));
    sim_cfg_num(cfg, sub, "third", 1.0 / 3.0, SIM_RANGE(0, 1));
    sim_cfg_num(cfg, sub, "limit", INFINITY, SIM_RANGE(0, INFINITY));
    sim_cfg_num(cfg, sub, "tiny", 5e-324, SIM_RANGE(0, 1));
    sim_cfg_str(cfg, sub, "version", "1.5");
    sim_cfg_str(cfg, sub, "word", "null");
    sim_cfg_str(cfg, sub, "name", "oem");
    sim_cfg_enum(cfg, sub, "mode", modes, 1);
    sim_cfg_bool(cfg, sub, "flag", 1);
    sim_cfg_int(cfg, sub, "count", -12, -100, 100);
    sim_cfg_u64(cfg, sub, "seed", UINT64_MAX);
    assert_int_equal(sim_cfg_error_count(cfg), 0);
    char *text = NULL;
    assert_int_equal(sim_yaml_emit(root, &text), SIM_OK);
    assert_non_null(strstr(text, "third: 0.33333333333333331\n"));
    assert_non_null(strstr(text, "version: '1.5'\n"));
    sim_cfg *back = load_ok(text);
    sim_cfg_node *r2 = sim_cfg_root(back), *s2 = sim_cfg_map(back, r2, "sub");
    assert_true(sim_cfg_num(back, r2, "given", 0, SIM_RANGE(0, 1)) == 0.1);
    assert_true(sim_cfg_num(back, s2, "third", 0, SIM_RANGE(0, 1)) == 1.0 / 3.0);
    assert_true(sim_cfg_num(back, s2, "tiny", 0, SIM_RANGE(0, 1)) == 5e-324);
    assert_string_equal(sim_cfg_str(back, s2, "version", "x"), "1.5");
    assert_string_equal(sim_cfg_str(back, s2, "word", "x"), "null");
    assert_int_equal(sim_cfg_enum(back, s2, "mode", modes, 0), 1);
    assert_int_equal(sim_cfg_bool(back, s2, "flag", 0), 1);
    assert_int_equal(sim_cfg_int(back, s2, "count", 0, -100, 100), -12);
    assert_true(sim_cfg_u64(back, s2, "seed", 0) == UINT64_MAX);
    assert_true(tree_equal(root, r2, "the root"));
    assert_int_equal(sim_cfg_error_count(back), 0);
    free(text);
    sim_cfg_free(back);
    sim_cfg_free(cfg);
}

/* ---- the bad corpus ---- */

/* Read the leading "# expect: " lines of a corpus file. */
static int read_expectations(const char *path, char want[][256], int max)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char line[512];
    int n = 0;
    while (n < max && fgets(line, sizeof line, f) && line[0] == '#') {
        if (strncmp(line, "# expect: ", 10) != 0)
            continue;
        size_t len = strcspn(line + 10, "\r\n");
        snprintf(want[n++], 256, "%.*s", (int)len, line + 10);
    }
    fclose(f);
    return n;
}

/* Whether an expectation carries a place: "name.yaml:<line>:<col>: ". */
static int has_place(const char *s)
{
    const char *p = strstr(s, ".yaml:");
    unsigned line, col;
    char colon;
    return p && sscanf(p + 6, "%u:%u%c", &line, &col, &colon) == 3 && colon == ':';
}

static void check_corpus_file(const char *dir, const char *name)
{
    char path[4096], want[8][256];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_true(len > 0 && (size_t)len < sizeof path);
    int n = read_expectations(path, want, 8);
    int placed = 0;
    print_message("corpus %s: %d expectation(s)\n", name, n);
    assert_true(n > 0);
    sim_cfg *cfg = sim_cfg_alloc();
    sim_error err;
    sim_error_clear(&err);
    assert_int_equal(sim_yaml_load(cfg, path, &err), SIM_INVALID);
    for (int i = 0; i < n; i++) {
        expect_diag(cfg, want[i]);
        placed |= has_place(want[i]);
    }
    assert_true(placed);
    sim_cfg_free(cfg);
}

static void test_bad_corpus(void **state)
{
    (void)state;
    static const char *const required[] = {
        "yaml_syntax.yaml",          "yaml_alias_bomb.yaml", "yaml_deep.yaml",
        "yaml_merge_key.yaml",       "yaml_dup_key.yaml",    "yaml_extends_cycle_a.yaml",
        "yaml_extends_missing.yaml", "yaml_empty.yaml",      "yaml_not_map.yaml",
        "yaml_non_utf8.yaml",        "yaml_two_docs.yaml"};
    char dir[1024];
    data_path(dir, sizeof dir, "bad");
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t checked = 0, found = 0;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "yaml_", 5) != 0 || len < 10 || strcmp(e->d_name + len - 5, ".yaml"))
            continue;
        check_corpus_file(dir, e->d_name);
        checked++;
        for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
            found += strcmp(e->d_name, required[i]) == 0;
    }
    closedir(d);
    assert_int_equal(found, sizeof required / sizeof required[0]);
    assert_true(checked >= found);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_marks),
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_tags_and_nul),
        cmocka_unit_test(test_huge_number),
        cmocka_unit_test(test_anchors_aliases),
        cmocka_unit_test(test_alias_errors),
        cmocka_unit_test(test_billion_laughs),
        cmocka_unit_test(test_node_limit),
        cmocka_unit_test(test_depth),
        cmocka_unit_test(test_merge_key),
        cmocka_unit_test(test_duplicate_keys),
        cmocka_unit_test(test_bad_keys),
        cmocka_unit_test(test_empty_and_not_map),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_syntax_and_encoding),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_directory),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_extends_merge),
        cmocka_unit_test(test_extends_chain),
        cmocka_unit_test(test_extends_list),
        cmocka_unit_test(test_extends_from_string),
        cmocka_unit_test(test_extends_depth_and_self),
        cmocka_unit_test(test_extends_errors_collected),
        cmocka_unit_test(test_emit_exact),
        cmocka_unit_test(test_emit_roundtrip),
        cmocka_unit_test(test_emit_defaults_roundtrip),
        cmocka_unit_test(test_bad_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
