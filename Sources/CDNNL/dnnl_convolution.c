// 2-D convolution through oneDNN primitives. The primitives choose their own layouts
// (format_tag_any, blocked nChw16c-style on AVX-512); user data is plain NCHW / [O, C/g, kH, kW]
// and is reordered in and out per call. Primitive descriptors and primitives are cached by
// shape, and reorders by their pair of layouts, for the life of the process.
#include "CDNNL.h"
#include "dnnl_api.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define DNNL_OK(call) ((call) == dnnl_success)

static const_dnnl_primitive_attr_t scratchpad_attribute(void);

/// The cached primitives of one convolution shape (backward ones made at first need).
typedef struct convolution_entry {
    percept_dnnl_convolution shape;
    int has_bias;
    dnnl_memory_desc_t user_src, user_weights, user_dst, bias;
    dnnl_primitive_desc_t forward_pd, backward_data_pd, backward_weights_pd;
    dnnl_primitive_t forward, backward_data, backward_weights;
    struct convolution_entry *next;
} convolution_entry;

/// A cached reorder between two layouts.
typedef struct reorder_entry {
    dnnl_memory_desc_t from, to;
    dnnl_primitive_t primitive;
    struct reorder_entry *next;
} reorder_entry;

// One lock for the caches and the shared stream; oneDNN parallelises inside each call.
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
// Every primitive takes its scratchpad from the caller: oneDNN's library-managed scratchpad
// is not safe when the primitive runs on another thread than the one that made it (seen as a
// crash in backward-weights when Swift's tasks moved between threads).
static dnnl_primitive_attr_t user_scratchpad = NULL;

/// The shared attribute asking for user scratchpads, made once (under the lock); NULL on failure.
static const_dnnl_primitive_attr_t scratchpad_attribute(void) {
    if (user_scratchpad == NULL) {
        dnnl_primitive_attr_t attr;
        if (!DNNL_OK(percept_dnnl.dnnl_primitive_attr_create(&attr))) return NULL;
        if (!DNNL_OK(percept_dnnl.dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user))) {
            percept_dnnl.dnnl_primitive_attr_destroy(attr);
            return NULL;
        }
        user_scratchpad = attr;
    }
    return user_scratchpad;
}
static convolution_entry *convolutions = NULL;
static reorder_entry *reorders = NULL;

static void dims4(dnnl_dims_t dims, int a, int b, int c, int d) {
    dims[0] = a; dims[1] = b; dims[2] = c; dims[3] = d;
}

/// The convolution's descriptors in oneDNN's terms (dilation counts the gaps, so 1 becomes 0).
typedef struct {
    dnnl_memory_desc_t src_any, weights_any, dst_any;
    dnnl_dims_t strides, dilates, padding;
} convolution_descs;

static int describe(const percept_dnnl_convolution *s, convolution_entry *entry, convolution_descs *d) {
    dnnl_dims_t src, dst, weights, bias;
    dims4(src, s->batch, s->channels, s->height, s->width);
    dims4(dst, s->batch, s->output_channels, s->output_height, s->output_width);
    int grouped = s->groups > 1;
    if (grouped) {
        weights[0] = s->groups; weights[1] = s->output_channels / s->groups; weights[2] = s->channels / s->groups;
        weights[3] = s->kernel_height; weights[4] = s->kernel_width;
    } else {
        dims4(weights, s->output_channels, s->channels, s->kernel_height, s->kernel_width);
    }
    bias[0] = s->output_channels;
    int wrank = grouped ? 5 : 4;
    dnnl_format_tag_t wtag = grouped ? dnnl_goihw : dnnl_oihw;
    d->strides[0] = s->stride_height; d->strides[1] = s->stride_width;
    d->dilates[0] = s->dilation_height - 1; d->dilates[1] = s->dilation_width - 1;
    d->padding[0] = s->padding_height; d->padding[1] = s->padding_width;
    return DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&entry->user_src, 4, src, dnnl_f32, dnnl_nchw)) &&
           DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&entry->user_dst, 4, dst, dnnl_f32, dnnl_nchw)) &&
           DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&entry->user_weights, wrank, weights, dnnl_f32, wtag)) &&
           DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&entry->bias, 1, bias, dnnl_f32, dnnl_x)) &&
           DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&d->src_any, 4, src, dnnl_f32, dnnl_format_tag_any)) &&
           DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&d->dst_any, 4, dst, dnnl_f32, dnnl_format_tag_any)) &&
           DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&d->weights_any, wrank, weights, dnnl_f32, dnnl_format_tag_any));
}

/// The cached entry for a shape, made with its forward primitive when new; NULL if oneDNN refuses.
static convolution_entry *entry_for(const percept_dnnl_convolution *shape, int has_bias) {
    for (convolution_entry *e = convolutions; e != NULL; e = e->next) {
        if (e->has_bias == has_bias && memcmp(&e->shape, shape, sizeof *shape) == 0) return e;
    }
    convolution_entry *entry = calloc(1, sizeof *entry);
    if (entry == NULL) return NULL;
    entry->shape = *shape;
    entry->has_bias = has_bias;
    convolution_descs d;
    dnnl_convolution_desc_t desc;
    if (!describe(shape, entry, &d) ||
        !DNNL_OK(percept_dnnl.dnnl_dilated_convolution_forward_desc_init(
            &desc, dnnl_forward_training, dnnl_convolution_direct, &d.src_any, &d.weights_any,
            has_bias ? &entry->bias : NULL, &d.dst_any, d.strides, d.dilates, d.padding, d.padding)) ||
        !DNNL_OK(percept_dnnl.dnnl_primitive_desc_create(&entry->forward_pd, &desc, scratchpad_attribute(), percept_dnnl_engine, NULL)) ||
        !DNNL_OK(percept_dnnl.dnnl_primitive_create(&entry->forward, entry->forward_pd))) {
        free(entry);
        return NULL;
    }
    entry->next = convolutions;
    convolutions = entry;
    return entry;
}

static int make_backward_data(convolution_entry *e) {
    if (e->backward_data != NULL) return 1;
    convolution_descs d;
    dnnl_convolution_desc_t desc;
    return describe(&e->shape, e, &d) &&
           DNNL_OK(percept_dnnl.dnnl_dilated_convolution_backward_data_desc_init(
               &desc, dnnl_convolution_direct, &d.src_any, &d.weights_any, &d.dst_any, d.strides, d.dilates,
               d.padding, d.padding)) &&
           DNNL_OK(percept_dnnl.dnnl_primitive_desc_create(&e->backward_data_pd, &desc, scratchpad_attribute(), percept_dnnl_engine,
                                                           e->forward_pd)) &&
           DNNL_OK(percept_dnnl.dnnl_primitive_create(&e->backward_data, e->backward_data_pd));
}

static int make_backward_weights(convolution_entry *e) {
    if (e->backward_weights != NULL) return 1;
    convolution_descs d;
    dnnl_convolution_desc_t desc;
    return describe(&e->shape, e, &d) &&
           DNNL_OK(percept_dnnl.dnnl_dilated_convolution_backward_weights_desc_init(
               &desc, dnnl_convolution_direct, &d.src_any, &d.weights_any, NULL, &d.dst_any, d.strides, d.dilates,
               d.padding, d.padding)) &&
           DNNL_OK(percept_dnnl.dnnl_primitive_desc_create(&e->backward_weights_pd, &desc, scratchpad_attribute(), percept_dnnl_engine,
                                                           e->forward_pd)) &&
           DNNL_OK(percept_dnnl.dnnl_primitive_create(&e->backward_weights, e->backward_weights_pd));
}

/// Runs `primitive` with `count` (argument, layout, data) triples, plus a scratchpad of its
/// own size, on the shared stream.
static int execute(dnnl_primitive_t primitive, int count, const int *kinds, const dnnl_memory_desc_t **layouts,
                   void **data) {
    dnnl_exec_arg_t args[5] = {{0, NULL}};
    const dnnl_memory_desc_t *layout[5];
    void *pointers[5], *scratchpad = NULL;
    for (int i = 0; i < count; i++) {
        args[i].arg = kinds[i];
        layout[i] = layouts[i];
        pointers[i] = data[i];
    }
    const_dnnl_primitive_desc_t pd;
    if (!DNNL_OK(percept_dnnl.dnnl_primitive_get_primitive_desc(primitive, &pd))) return 0;
    const dnnl_memory_desc_t *scratch = percept_dnnl.dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    size_t scratch_bytes = scratch == NULL ? 0 : percept_dnnl.dnnl_memory_desc_get_size(scratch);
    if (scratch_bytes > 0) {
        scratchpad = aligned_alloc(64, (scratch_bytes + 63) / 64 * 64);
        if (scratchpad == NULL) return 0;
        args[count].arg = DNNL_ARG_SCRATCHPAD;
        layout[count] = scratch;
        pointers[count] = scratchpad;
        count++;
    }
    int made = 0, ok = 1;
    for (; made < count && ok; made++) {
        ok = DNNL_OK(percept_dnnl.dnnl_memory_create(&args[made].memory, layout[made], percept_dnnl_engine, pointers[made]));
    }
    if (!ok) made--;
    ok = ok && DNNL_OK(percept_dnnl.dnnl_primitive_execute(primitive, percept_dnnl_stream, count, args)) &&
         DNNL_OK(percept_dnnl.dnnl_stream_wait(percept_dnnl_stream));
    for (int i = 0; i < made; i++) percept_dnnl.dnnl_memory_destroy(args[i].memory);
    free(scratchpad);
    return ok;
}

/// Copies `data` laid out as `from` into `out` laid out as `to`, through a cached reorder.
static int reorder(const dnnl_memory_desc_t *from, const void *data, const dnnl_memory_desc_t *to, void *out) {
    reorder_entry *entry = reorders;
    while (entry != NULL && !(percept_dnnl.dnnl_memory_desc_equal(&entry->from, from) &&
                              percept_dnnl.dnnl_memory_desc_equal(&entry->to, to))) {
        entry = entry->next;
    }
    if (entry == NULL) {
        dnnl_primitive_desc_t pd;
        entry = calloc(1, sizeof *entry);
        if (entry == NULL) return 0;
        if (!DNNL_OK(percept_dnnl.dnnl_reorder_primitive_desc_create(&pd, from, percept_dnnl_engine, to,
                                                                     percept_dnnl_engine, scratchpad_attribute()))) {
            free(entry);
            return 0;
        }
        int made = DNNL_OK(percept_dnnl.dnnl_primitive_create(&entry->primitive, pd));
        percept_dnnl.dnnl_primitive_desc_destroy(pd);
        if (!made) {
            free(entry);
            return 0;
        }
        entry->from = *from;
        entry->to = *to;
        entry->next = reorders;
        reorders = entry;
    }
    int kinds[2] = {DNNL_ARG_FROM, DNNL_ARG_TO};
    const dnnl_memory_desc_t *layouts[2] = {from, to};
    void *data_pointers[2] = {(void *)data, out};
    return execute(entry->primitive, 2, kinds, layouts, data_pointers);
}

/// A buffer in the primitive's layout `wanted`: the user's own data when the layouts agree,
/// else a new allocation (filled from the user's data when `fill`). *allocated says which.
static void *in_layout(const dnnl_memory_desc_t *user, const void *data, const dnnl_memory_desc_t *wanted, int fill,
                       void **allocated) {
    *allocated = NULL;
    if (percept_dnnl.dnnl_memory_desc_equal(user, wanted)) return (void *)data;
    size_t bytes = percept_dnnl.dnnl_memory_desc_get_size(wanted);
    void *buffer = aligned_alloc(64, (bytes + 63) / 64 * 64);
    if (buffer == NULL) return NULL;
    if (fill && !reorder(user, data, wanted, buffer)) {
        free(buffer);
        return NULL;
    }
    *allocated = buffer;
    return buffer;
}

/// One convolution primitive's run: inputs reordered in, the output written (and reordered
/// out when the primitive keeps another layout). Returns 0 on success.
static int run(dnnl_primitive_t primitive, int count, const int *kinds, const dnnl_memory_desc_t **user,
               const void **data, const dnnl_memory_desc_t **wanted) {
    void *buffers[4], *allocated[4] = {NULL, NULL, NULL, NULL};
    int ok = 1, output = count - 1;
    for (int i = 0; i < count && ok; i++) {
        buffers[i] = in_layout(user[i], data[i], wanted[i], i != output, &allocated[i]);
        ok = buffers[i] != NULL;
    }
    ok = ok && execute(primitive, count, kinds, wanted, buffers);
    if (ok && allocated[output] != NULL) ok = reorder(wanted[output], buffers[output], user[output], (void *)data[output]);
    for (int i = 0; i < count; i++) free(allocated[i]);
    return ok ? 0 : 1;
}

/// Which convolution primitive a call runs.
typedef enum { FORWARD, BACKWARD_DATA, BACKWARD_WEIGHTS } convolution_pass;

/// The user layouts an argument can have.
enum { USER_SRC, USER_WEIGHTS, USER_BIAS, USER_DST };

/// One argument of a pass: oneDNN's name for it, the user's layout, and the query (with its
/// index) for the primitive's layout. The output comes last.
typedef struct {
    int kind, user;
    dnnl_query_t query;
    int index;
} convolution_argument;

static const convolution_argument forward_arguments[4] = {
    {DNNL_ARG_SRC, USER_SRC, dnnl_query_src_md, 0}, {DNNL_ARG_WEIGHTS, USER_WEIGHTS, dnnl_query_weights_md, 0},
    // oneDNN 2.x reports the bias layout as the second weights descriptor.
    {DNNL_ARG_BIAS, USER_BIAS, dnnl_query_weights_md, 1}, {DNNL_ARG_DST, USER_DST, dnnl_query_dst_md, 0}};
static const convolution_argument backward_data_arguments[3] = {
    {DNNL_ARG_DIFF_DST, USER_DST, dnnl_query_diff_dst_md, 0}, {DNNL_ARG_WEIGHTS, USER_WEIGHTS, dnnl_query_weights_md, 0},
    {DNNL_ARG_DIFF_SRC, USER_SRC, dnnl_query_diff_src_md, 0}};
static const convolution_argument backward_weights_arguments[3] = {
    {DNNL_ARG_SRC, USER_SRC, dnnl_query_src_md, 0}, {DNNL_ARG_DIFF_DST, USER_DST, dnnl_query_diff_dst_md, 0},
    {DNNL_ARG_DIFF_WEIGHTS, USER_WEIGHTS, dnnl_query_diff_weights_md, 0}};

/// Runs `pass` on `data` (in the order of the pass's arguments; a NULL bias is left out).
static int convolve(const percept_dnnl_convolution *shape, convolution_pass pass, const void *data[4]) {
    if (percept_dnnl_load() != 0) return 1;
    int has_bias = pass == FORWARD && data[2] != NULL;
    pthread_mutex_lock(&lock);
    convolution_entry *e = entry_for(shape, has_bias);
    int status = 1;
    if (e != NULL && (pass == FORWARD || (pass == BACKWARD_DATA ? make_backward_data(e) : make_backward_weights(e)))) {
        dnnl_primitive_desc_t pd = pass == FORWARD ? e->forward_pd
                                   : (pass == BACKWARD_DATA ? e->backward_data_pd : e->backward_weights_pd);
        dnnl_primitive_t primitive = pass == FORWARD ? e->forward
                                     : (pass == BACKWARD_DATA ? e->backward_data : e->backward_weights);
        const convolution_argument *table = pass == FORWARD ? forward_arguments
                                            : (pass == BACKWARD_DATA ? backward_data_arguments : backward_weights_arguments);
        const dnnl_memory_desc_t *users[4] = {&e->user_src, &e->user_weights, &e->bias, &e->user_dst};
        int kinds[4], count = 0;
        const dnnl_memory_desc_t *user[4], *wanted[4];
        const void *pointers[4];
        for (int i = 0; i < (pass == FORWARD ? 4 : 3); i++) {
            if (table[i].user == USER_BIAS && !has_bias) continue;
            kinds[count] = table[i].kind;
            user[count] = users[table[i].user];
            wanted[count] = percept_dnnl.dnnl_primitive_desc_query_md(pd, table[i].query, table[i].index);
            pointers[count] = data[i];
            count++;
        }
        status = run(primitive, count, kinds, user, pointers, wanted);
    }
    pthread_mutex_unlock(&lock);
    return status;
}

int percept_dnnl_convolution_forward(const percept_dnnl_convolution *shape, const float *src, const float *weights,
                                     const float *bias, float *dst) {
    const void *data[4] = {src, weights, bias, dst};
    return convolve(shape, FORWARD, data);
}

int percept_dnnl_convolution_backward_data(const percept_dnnl_convolution *shape, const float *diff_dst,
                                           const float *weights, float *diff_src) {
    const void *data[4] = {diff_dst, weights, diff_src, NULL};
    return convolve(shape, BACKWARD_DATA, data);
}

int percept_dnnl_convolution_backward_weights(const percept_dnnl_convolution *shape, const float *src,
                                              const float *diff_dst, float *diff_weights) {
    const void *data[4] = {src, diff_dst, diff_weights, NULL};
    return convolve(shape, BACKWARD_WEIGHTS, data);
}
