// Batch norm, element-wise activations, pooling and addition through oneDNN primitives, each
// reading its input in whatever layout it arrives in (plain NCHW or a convolution's blocked
// one) and writing in that layout, so consecutive primitives never reorder. Primitives are
// cached by kind, layout and parameters for the life of the process (dnnl_primitive_cache.c).
#include "CDNNL.h"
#include "dnnl_api.h"

/// `value` in the layout `wanted` (reordered into work buffer `slot` when it differs); NULL on failure.
static void *input_in(percept_dnnl_value value, const dnnl_memory_desc_t *given, const dnnl_memory_desc_t *wanted, int slot) {
    return percept_dnnl_in_layout(given, value.data, wanted, 1, slot, 0);
}

/// A channel vector's descriptor ([C], plain).
static int channel_desc(const dnnl_memory_desc_t *data, dnnl_memory_desc_t *md) {
    dnnl_dims_t dims = {data->dims[1]};
    return percept_dnnl_plain_desc(1, dims, md);
}

// MARK: batch norm

/// The batch-norm entry of `kind` for `data`, made when missing; with `relu`, ReLU runs in the
/// same pass (`dnnl_fuse_norm_relu`: training keeps a workspace of where it passed, for backward).
static layer_entry *batch_norm_entry(layer_kind kind, const dnnl_memory_desc_t *data, float eps, int relu) {
    layer_key key = {.kind = kind, .data = *data, .parameters = {relu}, .values = {eps, 0}};
    layer_entry *e = percept_dnnl_lookup(&key);
    if (e != NULL) return e;
    unsigned flags = dnnl_use_scale | dnnl_use_shift | (kind == BATCH_NORM_INFERENCE ? dnnl_use_global_stats : 0) |
                     (relu ? dnnl_fuse_norm_relu : 0);
    dnnl_batch_normalization_desc_t desc;
    if (kind == BATCH_NORM_BACKWARD) {
        layer_entry *forward = batch_norm_entry(BATCH_NORM_TRAINING, data, eps, relu);
        if (forward == NULL ||
            !DNNL_OK(percept_dnnl.dnnl_batch_normalization_backward_desc_init(&desc, dnnl_backward, data, data, eps, flags)))
            return NULL;
        return percept_dnnl_remember(&key, &desc, forward->pd);
    }
    dnnl_prop_kind_t prop = kind == BATCH_NORM_TRAINING ? dnnl_forward_training : dnnl_forward_inference;
    if (!DNNL_OK(percept_dnnl.dnnl_batch_normalization_forward_desc_init(&desc, prop, data, eps, flags))) return NULL;
    return percept_dnnl_remember(&key, &desc, NULL);
}

size_t percept_dnnl_batch_norm_workspace_bytes(int rank, const int64_t *dims, percept_dnnl_value src, float eps) {
    if (percept_dnnl_load() != 0) return 0;
    dnnl_memory_desc_t data;
    percept_dnnl_lock();
    layer_entry *e = percept_dnnl_value_desc(src, rank, dims, &data) ? batch_norm_entry(BATCH_NORM_TRAINING, &data, eps, 1) : NULL;
    const dnnl_memory_desc_t *workspace = e != NULL ? percept_dnnl_workspace(e) : NULL;
    size_t bytes = workspace == NULL ? 0 : percept_dnnl.dnnl_memory_desc_get_size(workspace);
    percept_dnnl_unlock();
    return bytes;
}

int percept_dnnl_batch_norm_forward(int rank, const int64_t *dims, percept_dnnl_value src, const float *scale,
                                    const float *shift, float *mean, float *variance, int training, float eps,
                                    int relu, void *workspace, percept_dnnl_output dst) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data, channels;
    percept_dnnl_lock();
    int ok = percept_dnnl_value_desc(src, rank, dims, &data) && channel_desc(&data, &channels);
    layer_entry *e = ok ? batch_norm_entry(training ? BATCH_NORM_TRAINING : BATCH_NORM_INFERENCE, &data, eps, relu) : NULL;
    if (e != NULL) {
        const dnnl_memory_desc_t *out = percept_dnnl_query(e, dnnl_query_dst_md, 0);
        const dnnl_memory_desc_t *ws = percept_dnnl_workspace(e);
        int count = ws == NULL ? 6 : 7;
        dnnl_memory_desc_t user_out;
        ok = dst.layout != NULL ? (user_out = *(const dnnl_memory_desc_t *)dst.layout, 1)
                                : percept_dnnl_plain_desc(rank, data.dims, &user_out);
        void *target = ok ? percept_dnnl_in_layout(&user_out, dst.data, out, 0, 0, 0) : NULL;
        int kinds[7] = {DNNL_ARG_SRC, DNNL_ARG_SCALE, DNNL_ARG_SHIFT, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DST,
                        DNNL_ARG_WORKSPACE};
        const dnnl_memory_desc_t *mds[7] = {&data, &channels, &channels, &channels, &channels, out, ws};
        void *pointers[7] = {(void *)src.data, (void *)scale, (void *)shift, mean, variance, target, workspace};
        ok = target != NULL && (count == 6 || workspace != NULL) && percept_dnnl_execute(e->primitive, count, kinds, mds, pointers) &&
             (target == dst.data || percept_dnnl_reorder(out, target, &user_out, dst.data));
    } else {
        ok = 0;
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

int percept_dnnl_batch_norm_backward(int rank, const int64_t *dims, percept_dnnl_value src, percept_dnnl_value diff_dst,
                                     const float *mean, const float *variance, const float *scale, const float *shift, float eps,
                                     int relu, const void *workspace, float *diff_scale, float *diff_shift,
                                     percept_dnnl_output diff_src) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data, gradient, channels;
    percept_dnnl_lock();
    int ok = percept_dnnl_value_desc(src, rank, dims, &data) && percept_dnnl_value_desc(diff_dst, rank, dims, &gradient) &&
             channel_desc(&data, &channels);
    layer_entry *e = ok ? batch_norm_entry(BATCH_NORM_BACKWARD, &data, eps, relu) : NULL;
    if (e != NULL) {
        const dnnl_memory_desc_t *wanted_gradient = percept_dnnl_query(e, dnnl_query_diff_dst_md, 0);
        const dnnl_memory_desc_t *out = percept_dnnl_query(e, dnnl_query_diff_src_md, 0);
        dnnl_memory_desc_t user_out;
        ok = diff_src.layout != NULL ? (user_out = *(const dnnl_memory_desc_t *)diff_src.layout, 1)
                                     : percept_dnnl_plain_desc(rank, data.dims, &user_out);
        void *upstream = ok ? input_in(diff_dst, &gradient, wanted_gradient, 1) : NULL;
        void *target = upstream != NULL ? percept_dnnl_in_layout(&user_out, diff_src.data, out, 0, 0, 0) : NULL;
        // oneDNN 2.6 wants the shift among the backward pass's inputs too, though it does not read it.
        const dnnl_memory_desc_t *ws = percept_dnnl_workspace(e);
        int count = ws == NULL ? 9 : 10;
        int kinds[10] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_SCALE, DNNL_ARG_SHIFT,
                         DNNL_ARG_DIFF_SCALE, DNNL_ARG_DIFF_SHIFT, DNNL_ARG_DIFF_SRC, DNNL_ARG_WORKSPACE};
        const dnnl_memory_desc_t *mds[10] = {&data, wanted_gradient, &channels, &channels, &channels, &channels,
                                             &channels, &channels, out, ws};
        void *pointers[10] = {(void *)src.data, upstream, (void *)mean, (void *)variance, (void *)scale, (void *)shift,
                              diff_scale, diff_shift, target, (void *)workspace};
        ok = target != NULL && (count == 9 || workspace != NULL) && percept_dnnl_execute(e->primitive, count, kinds, mds, pointers) &&
             (target == diff_src.data || percept_dnnl_reorder(out, target, &user_out, diff_src.data));
    } else {
        ok = 0;
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

/// Where a primitive's output goes: `output` itself when the primitive writes its layout, else
/// work buffer 0 (reordered into `output` by `finish`). `user` receives the output's layout.
static void *output_in(percept_dnnl_output output, int rank, const dnnl_dims_t dims, const dnnl_memory_desc_t *wanted,
                       dnnl_memory_desc_t *user) {
    int ok = output.layout != NULL ? (*user = *(const dnnl_memory_desc_t *)output.layout, 1)
                                   : percept_dnnl_plain_desc(rank, dims, user);
    return ok ? percept_dnnl_in_layout(user, output.data, wanted, 0, 0, 0) : NULL;
}

/// Copies a result from work buffer `target` into the caller's output when they differ.
static int finish(void *target, const dnnl_memory_desc_t *wanted, const dnnl_memory_desc_t *user, float *output) {
    return target == output || percept_dnnl_reorder(wanted, target, user, output);
}

// MARK: element-wise activations

/// The eltwise entry (forward, or backward against `data`) for algorithm `algorithm`.
static layer_entry *eltwise_entry(layer_kind kind, const dnnl_memory_desc_t *data, int algorithm, float alpha) {
    layer_key key = {.kind = kind, .data = *data, .parameters = {algorithm}, .values = {alpha, 0}};
    layer_entry *e = percept_dnnl_lookup(&key);
    if (e != NULL) return e;
    dnnl_eltwise_desc_t desc;
    if (kind == ELTWISE_BACKWARD) {
        layer_entry *forward = eltwise_entry(ELTWISE_FORWARD, data, algorithm, alpha);
        if (forward == NULL ||
            !DNNL_OK(percept_dnnl.dnnl_eltwise_backward_desc_init(&desc, (dnnl_alg_kind_t)algorithm, data, data, alpha, 0)))
            return NULL;
        return percept_dnnl_remember(&key, &desc, forward->pd);
    }
    if (!DNNL_OK(percept_dnnl.dnnl_eltwise_forward_desc_init(&desc, dnnl_forward_training, (dnnl_alg_kind_t)algorithm, data,
                                                             alpha, 0)))
        return NULL;
    return percept_dnnl_remember(&key, &desc, NULL);
}

/// oneDNN's algorithm for a percept_dnnl_activation.
static int eltwise_algorithm(percept_dnnl_activation activation) {
    switch (activation) {
    case PERCEPT_DNNL_RELU: return dnnl_eltwise_relu;
    case PERCEPT_DNNL_SIGMOID: return dnnl_eltwise_logistic;
    case PERCEPT_DNNL_TANH: return dnnl_eltwise_tanh;
    case PERCEPT_DNNL_SILU: return dnnl_eltwise_swish;
    }
    return dnnl_eltwise_relu;
}

int percept_dnnl_activation_forward(percept_dnnl_activation activation, float alpha, int rank, const int64_t *dims,
                                    percept_dnnl_value src, percept_dnnl_output dst) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data, user;
    percept_dnnl_lock();
    int ok = percept_dnnl_value_desc(src, rank, dims, &data);
    if (activation == PERCEPT_DNNL_SILU) alpha = 1;
    layer_entry *e = ok ? eltwise_entry(ELTWISE_FORWARD, &data, eltwise_algorithm(activation), alpha) : NULL;
    ok = 0;
    if (e != NULL) {
        const dnnl_memory_desc_t *out = percept_dnnl_query(e, dnnl_query_dst_md, 0);
        void *target = output_in(dst, rank, data.dims, out, &user);
        int kinds[2] = {DNNL_ARG_SRC, DNNL_ARG_DST};
        const dnnl_memory_desc_t *mds[2] = {&data, out};
        void *pointers[2] = {(void *)src.data, target};
        ok = target != NULL && percept_dnnl_execute(e->primitive, 2, kinds, mds, pointers) && finish(target, out, &user, dst.data);
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

int percept_dnnl_activation_backward(percept_dnnl_activation activation, float alpha, int rank, const int64_t *dims,
                                     percept_dnnl_value src, percept_dnnl_value diff_dst, percept_dnnl_output diff_src) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data, gradient, user;
    percept_dnnl_lock();
    int ok = percept_dnnl_value_desc(src, rank, dims, &data) && percept_dnnl_value_desc(diff_dst, rank, dims, &gradient);
    if (activation == PERCEPT_DNNL_SILU) alpha = 1;
    layer_entry *e = ok ? eltwise_entry(ELTWISE_BACKWARD, &data, eltwise_algorithm(activation), alpha) : NULL;
    ok = 0;
    if (e != NULL) {
        const dnnl_memory_desc_t *wanted_gradient = percept_dnnl_query(e, dnnl_query_diff_dst_md, 0);
        const dnnl_memory_desc_t *out = percept_dnnl_query(e, dnnl_query_diff_src_md, 0);
        void *upstream = input_in(diff_dst, &gradient, wanted_gradient, 1);
        void *target = upstream != NULL ? output_in(diff_src, rank, data.dims, out, &user) : NULL;
        int kinds[3] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};
        const dnnl_memory_desc_t *mds[3] = {&data, wanted_gradient, out};
        void *pointers[3] = {(void *)src.data, upstream, target};
        ok = target != NULL && percept_dnnl_execute(e->primitive, 3, kinds, mds, pointers) &&
             finish(target, out, &user, diff_src.data);
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

// MARK: pooling

/// The pooling entry of `kind` for `data` and `shape`.
static layer_entry *pooling_entry(layer_kind kind, const dnnl_memory_desc_t *data, const percept_dnnl_pooling *shape) {
    layer_key key = {.kind = kind, .data = *data,
                     .parameters = {shape->algorithm, shape->kernel_height, shape->kernel_width, shape->stride_height,
                                    shape->stride_width, shape->padding_top, shape->padding_left, shape->padding_bottom,
                                    shape->padding_right, shape->dilation_height, shape->dilation_width, 0}};
    layer_entry *e = percept_dnnl_lookup(&key);
    if (e != NULL) return e;
    dnnl_alg_kind_t algorithm = shape->algorithm == PERCEPT_DNNL_MAX_POOLING ? dnnl_pooling_max
                                : shape->algorithm == PERCEPT_DNNL_AVERAGE_POOLING_WITH_PADDING ? dnnl_pooling_avg_include_padding
                                                                                                 : dnnl_pooling_avg_exclude_padding;
    dnnl_dims_t strides = {shape->stride_height, shape->stride_width}, kernel = {shape->kernel_height, shape->kernel_width};
    dnnl_dims_t dilation = {shape->dilation_height - 1, shape->dilation_width - 1};
    dnnl_dims_t before = {shape->padding_top, shape->padding_left}, after = {shape->padding_bottom, shape->padding_right};
    dnnl_dims_t out_dims = {data->dims[0], data->dims[1], shape->output_height, shape->output_width};
    dnnl_memory_desc_t out_any, in_any;
    dnnl_pooling_v2_desc_t desc;
    if (!DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&out_any, 4, out_dims, dnnl_f32, dnnl_format_tag_any))) return NULL;
    if (kind == POOLING_BACKWARD) {
        layer_entry *forward = pooling_entry(POOLING_TRAINING, data, shape);
        if (forward == NULL ||
            !DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&in_any, 4, data->dims, dnnl_f32, dnnl_format_tag_any)) ||
            !DNNL_OK(percept_dnnl.dnnl_pooling_v2_backward_desc_init(&desc, algorithm, &in_any, percept_dnnl_query(forward, dnnl_query_dst_md, 0),
                                                                     strides, kernel, dilation, before, after)))
            return NULL;
        return percept_dnnl_remember(&key, &desc, forward->pd);
    }
    dnnl_prop_kind_t prop = kind == POOLING_TRAINING ? dnnl_forward_training : dnnl_forward_inference;
    if (!DNNL_OK(percept_dnnl.dnnl_pooling_v2_forward_desc_init(&desc, prop, algorithm, data, &out_any, strides, kernel, dilation,
                                                                before, after)))
        return NULL;
    return percept_dnnl_remember(&key, &desc, NULL);
}

/// The entry of a forward pooling call (training when `training`).
static layer_entry *pooling_forward_entry(const percept_dnnl_pooling *shape, percept_dnnl_value src, int training,
                                          dnnl_memory_desc_t *data) {
    int64_t plain[4] = {shape->batch, shape->channels, shape->height, shape->width};
    return percept_dnnl_value_desc(src, 4, plain, data)
               ? pooling_entry(training ? POOLING_TRAINING : POOLING_INFERENCE, data, shape) : NULL;
}

const percept_dnnl_layout *percept_dnnl_pooling_output_layout(const percept_dnnl_pooling *shape, percept_dnnl_value src,
                                                              int training, size_t *workspace_bytes) {
    if (percept_dnnl_load() != 0) return NULL;
    dnnl_memory_desc_t data;
    percept_dnnl_lock();
    layer_entry *e = pooling_forward_entry(shape, src, training, &data);
    const dnnl_memory_desc_t *layout = NULL;
    if (e != NULL) {
        layout = percept_dnnl_intern(percept_dnnl_query(e, dnnl_query_dst_md, 0));
        const dnnl_memory_desc_t *workspace = percept_dnnl_workspace(e);
        *workspace_bytes = workspace == NULL ? 0 : percept_dnnl.dnnl_memory_desc_get_size(workspace);
    }
    percept_dnnl_unlock();
    return (const percept_dnnl_layout *)layout;
}

int percept_dnnl_pooling_forward(const percept_dnnl_pooling *shape, percept_dnnl_value src, int training, void *workspace,
                                 percept_dnnl_output dst) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data, user;
    percept_dnnl_lock();
    layer_entry *e = pooling_forward_entry(shape, src, training, &data);
    int ok = 0;
    if (e != NULL) {
        const dnnl_memory_desc_t *out = percept_dnnl_query(e, dnnl_query_dst_md, 0);
        const dnnl_memory_desc_t *ws = percept_dnnl_workspace(e);
        dnnl_dims_t out_dims = {shape->batch, shape->channels, shape->output_height, shape->output_width};
        void *target = output_in(dst, 4, out_dims, out, &user);
        int kinds[3] = {DNNL_ARG_SRC, DNNL_ARG_DST, DNNL_ARG_WORKSPACE};
        const dnnl_memory_desc_t *mds[3] = {&data, out, ws};
        void *pointers[3] = {(void *)src.data, target, workspace};
        int count = ws != NULL ? 3 : 2;
        ok = target != NULL && (count == 2 || workspace != NULL) &&
             percept_dnnl_execute(e->primitive, count, kinds, mds, pointers) && finish(target, out, &user, dst.data);
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

int percept_dnnl_pooling_backward(const percept_dnnl_pooling *shape, const percept_dnnl_layout *src_layout,
                                  percept_dnnl_value diff_dst, const void *workspace, percept_dnnl_output diff_src) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data, gradient, user;
    int64_t plain[4] = {shape->batch, shape->channels, shape->height, shape->width};
    int64_t pooled[4] = {shape->batch, shape->channels, shape->output_height, shape->output_width};
    percept_dnnl_lock();
    percept_dnnl_value source = {src_layout, NULL};
    int ok = percept_dnnl_value_desc(source, 4, plain, &data) && percept_dnnl_value_desc(diff_dst, 4, pooled, &gradient);
    layer_entry *e = ok ? pooling_entry(POOLING_BACKWARD, &data, shape) : NULL;
    ok = 0;
    if (e != NULL) {
        const dnnl_memory_desc_t *wanted_gradient = percept_dnnl_query(e, dnnl_query_diff_dst_md, 0);
        const dnnl_memory_desc_t *out = percept_dnnl_query(e, dnnl_query_diff_src_md, 0);
        const dnnl_memory_desc_t *ws = percept_dnnl_workspace(e);
        void *upstream = input_in(diff_dst, &gradient, wanted_gradient, 1);
        void *target = upstream != NULL ? output_in(diff_src, 4, data.dims, out, &user) : NULL;
        int kinds[3] = {DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC, DNNL_ARG_WORKSPACE};
        const dnnl_memory_desc_t *mds[3] = {wanted_gradient, out, ws};
        void *pointers[3] = {upstream, target, (void *)workspace};
        int count = ws != NULL ? 3 : 2;
        ok = target != NULL && (count == 2 || workspace != NULL) &&
             percept_dnnl_execute(e->primitive, count, kinds, mds, pointers) && finish(target, out, &user, diff_src.data);
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

const percept_dnnl_layout *percept_dnnl_pooling_input_gradient_layout(const percept_dnnl_pooling *shape,
                                                                      const percept_dnnl_layout *src_layout) {
    if (percept_dnnl_load() != 0) return NULL;
    dnnl_memory_desc_t data;
    int64_t plain[4] = {shape->batch, shape->channels, shape->height, shape->width};
    percept_dnnl_value source = {src_layout, NULL};
    percept_dnnl_lock();
    layer_entry *e = percept_dnnl_value_desc(source, 4, plain, &data) ? pooling_entry(POOLING_BACKWARD, &data, shape) : NULL;
    const dnnl_memory_desc_t *layout = e != NULL ? percept_dnnl_intern(percept_dnnl_query(e, dnnl_query_diff_src_md, 0)) : NULL;
    percept_dnnl_unlock();
    return (const percept_dnnl_layout *)layout;
}

// MARK: addition

int percept_dnnl_add(int rank, const int64_t *dims, percept_dnnl_value a, percept_dnnl_value b, percept_dnnl_output sum) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t first, second, user;
    percept_dnnl_lock();
    int ok = percept_dnnl_value_desc(a, rank, dims, &first) && percept_dnnl_value_desc(b, rank, dims, &second);
    // oneDNN 2.6 has only its reference kernel for operands in different layouts (a blocked
    // activation gradient plus a plain one, as at U-Net's skips: 30% of its training step), so
    // the second operand is first reordered into the first's layout.
    const void *addend = ok ? percept_dnnl_in_layout(&second, b.data, &first, 1, 1, 0) : NULL;
    ok = addend != NULL;
    layer_key key = {.kind = BINARY_ADD, .data = first, .other = first};
    layer_entry *e = ok ? percept_dnnl_lookup(&key) : NULL;
    dnnl_binary_desc_t desc;
    if (ok && e == NULL && DNNL_OK(percept_dnnl.dnnl_binary_desc_init(&desc, dnnl_binary_add, &first, &first, &first))) {
        e = percept_dnnl_remember(&key, &desc, NULL);
    }
    ok = 0;
    if (e != NULL) {
        const dnnl_memory_desc_t *out = percept_dnnl_query(e, dnnl_query_dst_md, 0);
        void *target = output_in(sum, rank, first.dims, out, &user);
        int kinds[3] = {DNNL_ARG_SRC_0, DNNL_ARG_SRC_1, DNNL_ARG_DST};
        const dnnl_memory_desc_t *mds[3] = {&first, &first, out};
        void *pointers[3] = {(void *)a.data, (void *)addend, target};
        ok = target != NULL && percept_dnnl_execute(e->primitive, 3, kinds, mds, pointers) && finish(target, out, &user, sum.data);
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}
