// The cache of the layer primitives (batch norm, activations, pooling, addition, softmax,
// layer norm, inner product): one primitive per kind, layout and parameters, made on first
// use and kept for the life of the process.
#include "CDNNL.h"
#include "dnnl_api.h"

#include <stdlib.h>
#include <string.h>

static layer_entry *layers = NULL;

static int same_key(const layer_key *a, const layer_key *b) {
    return a->kind == b->kind && percept_dnnl.dnnl_memory_desc_equal(&a->data, &b->data) &&
           percept_dnnl.dnnl_memory_desc_equal(&a->other, &b->other) &&
           memcmp(a->parameters, b->parameters, sizeof a->parameters) == 0 &&
           memcmp(a->values, b->values, sizeof a->values) == 0;
}

layer_entry *percept_dnnl_lookup(const layer_key *key) {
    for (layer_entry *e = layers; e != NULL; e = e->next) {
        if (same_key(&e->key, key)) return e;
    }
    return NULL;
}

layer_entry *percept_dnnl_remember(const layer_key *key, const_dnnl_op_desc_t desc, const_dnnl_primitive_desc_t hint) {
    layer_entry *entry = calloc(1, sizeof *entry);
    if (entry == NULL) return NULL;
    entry->key = *key;
    if (!DNNL_OK(percept_dnnl.dnnl_primitive_desc_create(&entry->pd, desc, percept_dnnl_scratchpad_attribute(),
                                                         percept_dnnl_engine, hint))) {
        free(entry);
        return NULL;
    }
    if (!DNNL_OK(percept_dnnl.dnnl_primitive_create(&entry->primitive, entry->pd))) {
        percept_dnnl.dnnl_primitive_desc_destroy(entry->pd);
        free(entry);
        return NULL;
    }
    entry->next = layers;
    layers = entry;
    return entry;
}

const dnnl_memory_desc_t *percept_dnnl_query(const layer_entry *e, dnnl_query_t what, int index) {
    return percept_dnnl.dnnl_primitive_desc_query_md(e->pd, what, index);
}

const dnnl_memory_desc_t *percept_dnnl_workspace(const layer_entry *e) {
    const dnnl_memory_desc_t *md = percept_dnnl_query(e, dnnl_query_workspace_md, 0);
    return md != NULL && percept_dnnl.dnnl_memory_desc_get_size(md) > 0 ? md : NULL;
}
