/*
 * sim_yaml: scenario files in YAML, read into and written from the core's parameter tree.
 *
 * sim_yaml_load parses a file with libyaml's event API into a sim_cfg tree whose every node
 * carries its file:line:col (1-based). It resolves `extends: other.yaml` (a path relative
 * to the extending file, or a list of such paths applied in order): the base is loaded
 * first, then this file is merged over it (maps merge key by key, the later file wins, lists
 * and scalars replace). `extends` keys are removed from the resulting tree.
 *
 * Hostile input is bounded before anything large is built: file size (SIM_YAML_MAX_BYTES),
 * nesting depth (SIM_YAML_MAX_DEPTH), total nodes and total scalar text after alias
 * expansion (SIM_YAML_MAX_NODES, SIM_YAML_MAX_TEXT_BYTES: the "billion laughs" guards, also
 * over the bases a file extends), extends depth (SIM_YAML_MAX_EXTENDS) and
 * cycles. `<<` merge keys are rejected with a clear message. Non-UTF-8 input, a directory,
 * an empty file or a document that is not a map are errors with a place. The top level must
 * be a map.
 *
 * Anchors and aliases are expanded (copied) into the tree. Plain null, ~, Null, NULL and
 * empty values become null nodes; !!str and non-plain scalars are strings; other tags than
 * YAML's own are refused. A missing or unreadable base, or one that is not a regular file (a FIFO
 * or a device would block or never end), is a diagnostic at the extends value. Marks of merged
 * nodes keep the file they came from; a base's path is shown relative to the extending file's
 * directory, tidied ("a/sub/../b.yaml" shows as "a/b.yaml").
 *
 * Every problem becomes a diagnostic on cfg; errors that do not stop the parser (duplicate
 * keys, merge keys, bad aliases, tags, broken bases) are all collected in one pass. Return
 * values: SIM_OK (root set); SIM_INVALID (see the diagnostics; err holds the first and a
 * count; the root is not set); SIM_NOINPUT when the named file itself cannot be opened (err
 * says "cannot open X: <reason>", no diagnostic); SIM_NOMEM.
 */
#ifndef SIM_YAML_H
#define SIM_YAML_H

#include <stddef.h>

#include "sim_cfg.h"
#include "sim_status.h"

#define SIM_YAML_MAX_BYTES (16u << 20)
#define SIM_YAML_MAX_DEPTH 64
#define SIM_YAML_MAX_NODES 1000000u
/* Scalar text (keys and values) of one load with aliases expanded: bounds the memory a
 * short file can claim by aliasing one long string many times. */
#define SIM_YAML_MAX_TEXT_BYTES (32u << 20)
#define SIM_YAML_MAX_EXTENDS    16

/* Load path into cfg and set its root. */
sim_status sim_yaml_load(sim_cfg *cfg, const char *path, sim_error *err);

/* Same, from a string in memory; name is used in places ("<string>"). extends: paths are
 * resolved relative to the current directory. */
sim_status sim_yaml_load_string(sim_cfg *cfg, const char *name, const char *text, size_t len,
                                sim_error *err);

/* Emit the tree under node as block-style YAML into a malloc'd NUL-terminated string
 * (*out; caller frees). Strings that would read back as another type are quoted, so
 * loading the output gives an equal tree. Returns SIM_NOMEM on failure. */
sim_status sim_yaml_emit(const sim_cfg_node *node, char **out);

#endif
