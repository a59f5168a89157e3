// The oneDNN functions CDNNL reaches through dlsym, the engine and stream it creates once, and
// the execution helpers every primitive family shares (dnnl_execute.c).
#ifndef PERCEPT_DNNL_API_H
#define PERCEPT_DNNL_API_H

#include "CDNNL.h"
#include <oneapi/dnnl/dnnl.h>
#include <stdint.h>

#define PERCEPT_DNNL_FUNCTIONS(X) \
    X(dnnl_engine_create) X(dnnl_stream_create) X(dnnl_stream_wait) X(dnnl_version) \
    X(dnnl_memory_desc_init_by_tag) X(dnnl_memory_desc_equal) X(dnnl_memory_desc_get_size) \
    X(dnnl_memory_create) X(dnnl_memory_destroy) \
    X(dnnl_dilated_convolution_forward_desc_init) X(dnnl_dilated_convolution_backward_data_desc_init) \
    X(dnnl_dilated_convolution_backward_weights_desc_init) \
    X(dnnl_primitive_desc_create) X(dnnl_primitive_desc_query_md) X(dnnl_primitive_desc_destroy) \
    X(dnnl_primitive_create) X(dnnl_primitive_execute) X(dnnl_primitive_destroy) \
    X(dnnl_reorder_primitive_desc_create) X(dnnl_primitive_get_primitive_desc) \
    X(dnnl_primitive_attr_create) X(dnnl_primitive_attr_set_scratchpad_mode) X(dnnl_primitive_attr_destroy) \
    X(dnnl_batch_normalization_forward_desc_init) X(dnnl_batch_normalization_backward_desc_init) \
    X(dnnl_eltwise_forward_desc_init) X(dnnl_eltwise_backward_desc_init) \
    X(dnnl_pooling_v2_forward_desc_init) X(dnnl_pooling_v2_backward_desc_init) X(dnnl_binary_desc_init) \
    X(dnnl_concat_primitive_desc_create) X(dnnl_memory_desc_init_submemory) \
    X(dnnl_post_ops_create) X(dnnl_post_ops_destroy) X(dnnl_post_ops_append_eltwise) X(dnnl_post_ops_append_sum) \
    X(dnnl_primitive_attr_set_post_ops) \
    X(dnnl_softmax_v2_forward_desc_init) X(dnnl_softmax_v2_backward_desc_init) \
    X(dnnl_layer_normalization_forward_desc_init) X(dnnl_layer_normalization_backward_desc_init) X(dnnl_sgemm) \
    X(dnnl_resampling_forward_desc_init) X(dnnl_resampling_backward_desc_init)

#define PERCEPT_DNNL_DECLARE(name) __typeof__(&name) name;
/// One pointer per oneDNN function used, named as the function.
typedef struct { PERCEPT_DNNL_FUNCTIONS(PERCEPT_DNNL_DECLARE) } percept_dnnl_api;
#undef PERCEPT_DNNL_DECLARE

/// Filled by percept_dnnl_load; valid only after it returned 0.
extern percept_dnnl_api percept_dnnl;
extern dnnl_engine_t percept_dnnl_engine;
extern dnnl_stream_t percept_dnnl_stream;

#define DNNL_OK(call) ((call) == dnnl_success)

/// The one lock around the caches, the work buffers and the shared stream (oneDNN
/// parallelises inside each call, so callers gain nothing from running two at once).
void percept_dnnl_lock(void);
void percept_dnnl_unlock(void);

/// The shared attribute asking for user scratchpads, made once; NULL on failure. Call locked.
const_dnnl_primitive_attr_t percept_dnnl_scratchpad_attribute(void);

/// A new attribute asking for user scratchpads and running `post_ops` (none when NULL); the
/// caller destroys it. NULL when oneDNN refuses a step.
dnnl_primitive_attr_t percept_dnnl_post_ops_attribute(const percept_dnnl_post_ops *post_ops);

/// Tells the observer percept_dnnl_set_call_observer installed (if any) that a oneDNN
/// primitive or sgemm is about to run on this thread.
void percept_dnnl_note_call(void);

/// Runs `primitive` with `count` (argument, layout, data) triples plus a scratchpad of its own
/// size (a buffer reused across calls) on the shared stream; 1 on success. Call locked.
int percept_dnnl_execute(dnnl_primitive_t primitive, int count, const int *kinds,
                         const dnnl_memory_desc_t **layouts, void **data);

/// Copies `data` laid out as `from` into `out` laid out as `to` through a cached reorder; 1 on
/// success. Call locked.
int percept_dnnl_reorder(const dnnl_memory_desc_t *from, const void *data, const dnnl_memory_desc_t *to, void *out);

/// `data` (laid out as `user`) in the layout `wanted`: `data` itself when the layouts agree,
/// else work buffer `slot` (0-3, reused across calls), filled by a reorder when `fill`. When
/// `generation` is non-zero the data is a weight tensor's whole storage at that generation
/// (unique in the process and changed by every write), and its reordered copy is kept for the
/// next call. NULL on failure. Call locked.
void *percept_dnnl_in_layout(const dnnl_memory_desc_t *user, const void *data, const dnnl_memory_desc_t *wanted,
                             int fill, int slot, uint64_t generation);

/// The one descriptor kept for the life of the process that equals `md` (made on first sight);
/// NULL when memory runs out. Call locked.
const dnnl_memory_desc_t *percept_dnnl_intern(const dnnl_memory_desc_t *md);

/// Which primitive a cached layer entry holds.
typedef enum {
    BATCH_NORM_TRAINING, BATCH_NORM_INFERENCE, BATCH_NORM_BACKWARD, ELTWISE_FORWARD, ELTWISE_BACKWARD,
    POOLING_TRAINING, POOLING_INFERENCE, POOLING_BACKWARD, BINARY_ADD, SOFTMAX_FORWARD, SOFTMAX_BACKWARD,
    LAYER_NORM_FORWARD, LAYER_NORM_BACKWARD, RESAMPLING_FORWARD, RESAMPLING_BACKWARD
} layer_kind;

/// The key of a cached primitive: its kind, the layout it was made for and its parameters.
typedef struct {
    layer_kind kind;
    dnnl_memory_desc_t data, other;
    int parameters[12];
    float values[2];
} layer_key;

/// A cached primitive and its descriptor (dnnl_primitive_cache.c).
typedef struct layer_entry {
    layer_key key;
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t primitive;
    struct layer_entry *next;
} layer_entry;

/// The cached entry for `key`, or NULL (the caller then makes one with percept_dnnl_remember).
/// Call locked.
layer_entry *percept_dnnl_lookup(const layer_key *key);

/// Makes the primitive of `desc` (with `hint`, the forward pass's, for backward passes) and
/// caches it under `key`; NULL when oneDNN refuses. Call locked.
layer_entry *percept_dnnl_remember(const layer_key *key, const_dnnl_op_desc_t desc, const_dnnl_primitive_desc_t hint);

/// The descriptor of argument `what` (index `index`) of a cached primitive.
const dnnl_memory_desc_t *percept_dnnl_query(const layer_entry *e, dnnl_query_t what, int index);

/// The primitive's workspace descriptor, or NULL when it has none (oneDNN answers the query
/// with an empty descriptor then, never NULL).
const dnnl_memory_desc_t *percept_dnnl_workspace(const layer_entry *e);

/// Plain row-major float32 descriptor of `rank` (1-5) axes; 1 on success.
int percept_dnnl_plain_desc(int rank, const dnnl_dims_t dims, dnnl_memory_desc_t *md);

/// The descriptor of `value`: its layout, or plain over `dims`; 1 on success.
int percept_dnnl_value_desc(percept_dnnl_value value, int rank, const int64_t *dims, dnnl_memory_desc_t *md);

/// Whether `md` is the plain row-major layout of its dims.
int percept_dnnl_is_plain(const dnnl_memory_desc_t *md);

#endif
