// 2-D convolution through oneDNN primitives. The primitives choose their own layouts
// (format_tag_any, blocked nChw16c-style on AVX-512). Activations and gradients arrive and leave
// either in the primitive's own layout (kept by the caller between primitives) or plain NCHW,
// reordered in and out; weights are plain [O, C/g, kH, kW], their reordered copies kept until
// the weights change (dnnl_execute.c). Primitive descriptors and primitives are cached by shape
// for the life of the process. Inference convolutions with post-ops (batch norm folded into
// their weights by the caller, activations and the residual add applied inside the primitive)
// are entries of their own.
#include "CDNNL.h"
#include "dnnl_api.h"

#include <stdlib.h>
#include <string.h>

/// The cached primitives of one convolution shape (backward ones made at first need), or of
/// one inference convolution with its post-ops (forward only).
typedef struct convolution_entry {
    percept_dnnl_convolution shape;
    int has_bias, fused;
    percept_dnnl_post_ops post_ops;
    dnnl_memory_desc_t user_src, user_weights, user_dst, bias;
    dnnl_primitive_desc_t forward_pd, backward_data_pd, backward_weights_pd;
    dnnl_primitive_t forward, backward_data, backward_weights;
    struct convolution_entry *next;
} convolution_entry;

static convolution_entry *convolutions = NULL;

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
/// `post_ops` NULL: the training convolution; otherwise an inference one running them.
static convolution_entry *entry_for(const percept_dnnl_convolution *shape, int has_bias, const percept_dnnl_post_ops *post_ops) {
    percept_dnnl_post_ops none = {0};
    const percept_dnnl_post_ops *steps = post_ops != NULL ? post_ops : &none;
    int fused = post_ops != NULL;
    for (convolution_entry *e = convolutions; e != NULL; e = e->next) {
        if (e->has_bias == has_bias && e->fused == fused && memcmp(&e->shape, shape, sizeof *shape) == 0 &&
            memcmp(&e->post_ops, steps, sizeof *steps) == 0) {
            return e;
        }
    }
    convolution_entry *entry = calloc(1, sizeof *entry);
    if (entry == NULL) return NULL;
    entry->shape = *shape;
    entry->has_bias = has_bias;
    entry->fused = fused;
    entry->post_ops = *steps;
    convolution_descs d;
    dnnl_convolution_desc_t desc;
    dnnl_primitive_attr_t attr = fused ? percept_dnnl_post_ops_attribute(post_ops) : NULL;
    int made = (!fused || attr != NULL) && describe(shape, entry, &d) &&
        DNNL_OK(percept_dnnl.dnnl_dilated_convolution_forward_desc_init(
            &desc, fused ? dnnl_forward_inference : dnnl_forward_training, dnnl_convolution_direct, &d.src_any,
            &d.weights_any, has_bias ? &entry->bias : NULL, &d.dst_any, d.strides, d.dilates, d.padding, d.padding)) &&
        DNNL_OK(percept_dnnl.dnnl_primitive_desc_create(&entry->forward_pd, &desc,
                                                        fused ? attr : percept_dnnl_scratchpad_attribute(),
                                                        percept_dnnl_engine, NULL)) &&
        DNNL_OK(percept_dnnl.dnnl_primitive_create(&entry->forward, entry->forward_pd));
    if (attr != NULL) percept_dnnl.dnnl_primitive_attr_destroy(attr);
    if (!made) {
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
           DNNL_OK(percept_dnnl.dnnl_primitive_desc_create(&e->backward_data_pd, &desc, percept_dnnl_scratchpad_attribute(), percept_dnnl_engine,
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
           DNNL_OK(percept_dnnl.dnnl_primitive_desc_create(&e->backward_weights_pd, &desc, percept_dnnl_scratchpad_attribute(), percept_dnnl_engine,
                                                           e->forward_pd)) &&
           DNNL_OK(percept_dnnl.dnnl_primitive_create(&e->backward_weights, e->backward_weights_pd));
}

/// One convolution primitive's run: inputs brought into the primitive's layouts (the weights,
/// argument `weights_index`, from the cache when `generation` is non-zero), the output first
/// filled with `residual` (in layout `residual_layout`) when that is not NULL, for a sum
/// post-op, then written (and reordered out when the primitive keeps another layout). Returns 0
/// on success.
static int run(dnnl_primitive_t primitive, int count, const int *kinds, const dnnl_memory_desc_t **user,
               const void **data, const dnnl_memory_desc_t **wanted, int weights_index, uint64_t generation,
               const dnnl_memory_desc_t *residual_layout, const void *residual) {
    void *buffers[4];
    int ok = 1, output = count - 1;
    for (int i = 0; i < count && ok; i++) {
        buffers[i] = percept_dnnl_in_layout(user[i], data[i], wanted[i], i != output, i,
                                            i == weights_index ? generation : 0);
        ok = buffers[i] != NULL;
    }
    if (ok && residual != NULL) ok = percept_dnnl_reorder(residual_layout, residual, wanted[output], buffers[output]);
    ok = ok && percept_dnnl_execute(primitive, count, kinds, wanted, buffers);
    if (ok && buffers[output] != data[output]) ok = percept_dnnl_reorder(wanted[output], buffers[output], user[output], (void *)data[output]);
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

/// The pass's primitive descriptor, primitive and argument table, made at first need; 0 when
/// oneDNN refuses.
static int pass_of(convolution_entry *e, convolution_pass pass, dnnl_primitive_desc_t *pd, dnnl_primitive_t *primitive,
                   const convolution_argument **table) {
    if (pass == BACKWARD_DATA ? !make_backward_data(e) : pass == BACKWARD_WEIGHTS ? !make_backward_weights(e) : 0) return 0;
    *pd = pass == FORWARD ? e->forward_pd : (pass == BACKWARD_DATA ? e->backward_data_pd : e->backward_weights_pd);
    *primitive = pass == FORWARD ? e->forward : (pass == BACKWARD_DATA ? e->backward_data : e->backward_weights);
    *table = pass == FORWARD ? forward_arguments : (pass == BACKWARD_DATA ? backward_data_arguments : backward_weights_arguments);
    return 1;
}

/// Runs `pass` on `values` (in the order of the pass's arguments, the output last; a NULL bias
/// is left out; a value with a layout is read or written in it), with the weights' storage
/// generation (0: not cacheable); a forward pass with `post_ops` runs the inference primitive
/// with them, its output first filled with `residual` when that has data.
static int convolve(const percept_dnnl_convolution *shape, convolution_pass pass, const percept_dnnl_value values[4],
                    uint64_t generation, const percept_dnnl_post_ops *post_ops, percept_dnnl_value residual) {
    if (percept_dnnl_load() != 0) return 1;
    int has_bias = pass == FORWARD && values[2].data != NULL;
    percept_dnnl_lock();
    convolution_entry *e = entry_for(shape, has_bias, pass == FORWARD ? post_ops : NULL);
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t primitive;
    const convolution_argument *table;
    int status = 1;
    if (e != NULL && pass_of(e, pass, &pd, &primitive, &table)) {
        const dnnl_memory_desc_t *users[4] = {&e->user_src, &e->user_weights, &e->bias, &e->user_dst};
        int kinds[4], count = 0, weights_index = -1;
        const dnnl_memory_desc_t *user[4], *wanted[4];
        const void *pointers[4];
        for (int i = 0; i < (pass == FORWARD ? 4 : 3); i++) {
            if (table[i].user == USER_BIAS && !has_bias) continue;
            if (table[i].user == USER_WEIGHTS && pass != BACKWARD_WEIGHTS) weights_index = count;
            kinds[count] = table[i].kind;
            user[count] = values[i].layout != NULL ? (const dnnl_memory_desc_t *)values[i].layout : users[table[i].user];
            wanted[count] = percept_dnnl.dnnl_primitive_desc_query_md(pd, table[i].query, table[i].index);
            pointers[count] = values[i].data;
            count++;
        }
        const dnnl_memory_desc_t *residual_layout =
            residual.layout != NULL ? (const dnnl_memory_desc_t *)residual.layout : &e->user_dst;
        status = run(primitive, count, kinds, user, pointers, wanted, weights_index, generation, residual_layout,
                     residual.data);
    }
    percept_dnnl_unlock();
    return status;
}

/// The layout argument `argument` (an index into the pass's argument table) has in `pass`'s
/// primitive, interned; NULL when oneDNN refuses the shape.
static const percept_dnnl_layout *layout_of(const percept_dnnl_convolution *shape, int has_bias, convolution_pass pass,
                                            int argument, const percept_dnnl_post_ops *post_ops) {
    if (percept_dnnl_load() != 0) return NULL;
    percept_dnnl_lock();
    convolution_entry *e = entry_for(shape, has_bias, pass == FORWARD ? post_ops : NULL);
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t primitive;
    const convolution_argument *table;
    const dnnl_memory_desc_t *layout = NULL;
    if (e != NULL && pass_of(e, pass, &pd, &primitive, &table)) {
        layout = percept_dnnl_intern(percept_dnnl.dnnl_primitive_desc_query_md(pd, table[argument].query, table[argument].index));
    }
    percept_dnnl_unlock();
    return (const percept_dnnl_layout *)layout;
}

/// No residual: the output is written, not added to.
static const percept_dnnl_value no_residual = {NULL, NULL};

const percept_dnnl_layout *percept_dnnl_fused_convolution_output_layout(const percept_dnnl_convolution *shape, int has_bias,
                                                                        const percept_dnnl_post_ops *post_ops) {
    return layout_of(shape, has_bias, FORWARD, 3, post_ops);
}

int percept_dnnl_fused_convolution_forward(const percept_dnnl_convolution *shape, percept_dnnl_value src, const float *weights,
                                           uint64_t weights_generation, const float *bias,
                                           const percept_dnnl_post_ops *post_ops, percept_dnnl_value residual,
                                           percept_dnnl_output dst) {
    int adds = 0;
    for (int i = 0; i < post_ops->count && i < PERCEPT_DNNL_MAX_POST_OPS; i++) adds += post_ops->kinds[i] == PERCEPT_DNNL_POST_ADD;
    if (adds > 1 || (adds == 1) != (residual.data != NULL)) return 1;
    const percept_dnnl_value values[4] = {src, {NULL, weights}, {NULL, bias}, {dst.layout, dst.data}};
    return convolve(shape, FORWARD, values, weights_generation, post_ops, residual);
}

const percept_dnnl_layout *percept_dnnl_convolution_output_layout(const percept_dnnl_convolution *shape, int has_bias) {
    return layout_of(shape, has_bias, FORWARD, 3, NULL);
}

const percept_dnnl_layout *percept_dnnl_convolution_input_layout(const percept_dnnl_convolution *shape, int has_bias) {
    return layout_of(shape, has_bias, FORWARD, 0, NULL);
}

const percept_dnnl_layout *percept_dnnl_convolution_input_gradient_layout(const percept_dnnl_convolution *shape) {
    return layout_of(shape, 0, BACKWARD_DATA, 2, NULL);
}

const percept_dnnl_layout *percept_dnnl_convolution_output_gradient_layout(const percept_dnnl_convolution *shape) {
    return layout_of(shape, 0, BACKWARD_DATA, 0, NULL);
}

int percept_dnnl_convolution_forward(const percept_dnnl_convolution *shape, percept_dnnl_value src, const float *weights,
                                     uint64_t weights_generation, const float *bias, percept_dnnl_output dst) {
    const percept_dnnl_value values[4] = {src, {NULL, weights}, {NULL, bias}, {dst.layout, dst.data}};
    return convolve(shape, FORWARD, values, weights_generation, NULL, no_residual);
}

int percept_dnnl_convolution_backward_data(const percept_dnnl_convolution *shape, percept_dnnl_value diff_dst,
                                           const float *weights, uint64_t weights_generation, percept_dnnl_output diff_src) {
    const percept_dnnl_value values[4] = {diff_dst, {NULL, weights}, {diff_src.layout, diff_src.data}, {NULL, NULL}};
    return convolve(shape, BACKWARD_DATA, values, weights_generation, NULL, no_residual);
}

int percept_dnnl_convolution_backward_weights(const percept_dnnl_convolution *shape, percept_dnnl_value src,
                                              percept_dnnl_value diff_dst, float *diff_weights) {
    const percept_dnnl_value values[4] = {src, diff_dst, {NULL, diff_weights}, {NULL, NULL}};
    return convolve(shape, BACKWARD_WEIGHTS, values, 0, NULL, no_residual);
}
