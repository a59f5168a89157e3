// Softmax, log-softmax and layer norm through oneDNN primitives, on plain row-major float32
// data: softmax along axis 1 of [outer, length, inner], layer norm over the rows of
// [rows, length]. Primitives are cached by kind, shape and parameters (dnnl_primitive_cache.c).
#include "CDNNL.h"
#include "dnnl_api.h"

// MARK: softmax

/// The plain descriptor of [outer, length, inner], or of [outer, length] when inner is 1 (the
/// layout oneDNN's vectorised kernel reads fastest).
static int softmax_desc(int64_t outer, int64_t length, int64_t inner, dnnl_memory_desc_t *md) {
    dnnl_dims_t dims = {outer, length, inner};
    return percept_dnnl_plain_desc(inner == 1 ? 2 : 3, dims, md);
}

/// The softmax entry of `kind` over axis 1 of `data`, log-softmax when `logarithm`.
static layer_entry *softmax_entry(layer_kind kind, const dnnl_memory_desc_t *data, int logarithm) {
    layer_key key = {.kind = kind, .data = *data, .parameters = {logarithm}};
    layer_entry *e = percept_dnnl_lookup(&key);
    if (e != NULL) return e;
    dnnl_alg_kind_t algorithm = logarithm ? dnnl_softmax_log : dnnl_softmax_accurate;
    dnnl_softmax_v2_desc_t desc;
    if (kind == SOFTMAX_BACKWARD) {
        layer_entry *forward = softmax_entry(SOFTMAX_FORWARD, data, logarithm);
        if (forward == NULL ||
            !DNNL_OK(percept_dnnl.dnnl_softmax_v2_backward_desc_init(&desc, algorithm, data, data, data, 1)))
            return NULL;
        return percept_dnnl_remember(&key, &desc, forward->pd);
    }
    if (!DNNL_OK(percept_dnnl.dnnl_softmax_v2_forward_desc_init(&desc, dnnl_forward_training, algorithm, data, data, 1)))
        return NULL;
    return percept_dnnl_remember(&key, &desc, NULL);
}

int percept_dnnl_softmax_forward(int logarithm, int64_t outer, int64_t length, int64_t inner, const float *src,
                                 float *dst) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data;
    percept_dnnl_lock();
    layer_entry *e = softmax_desc(outer, length, inner, &data) ? softmax_entry(SOFTMAX_FORWARD, &data, logarithm) : NULL;
    int kinds[2] = {DNNL_ARG_SRC, DNNL_ARG_DST};
    const dnnl_memory_desc_t *mds[2] = {&data, &data};
    void *pointers[2] = {(void *)src, dst};
    int ok = e != NULL && percept_dnnl_execute(e->primitive, 2, kinds, mds, pointers);
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

int percept_dnnl_softmax_backward(int logarithm, int64_t outer, int64_t length, int64_t inner, const float *dst,
                                  const float *diff_dst, float *diff_src) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data;
    percept_dnnl_lock();
    layer_entry *e = softmax_desc(outer, length, inner, &data) ? softmax_entry(SOFTMAX_BACKWARD, &data, logarithm) : NULL;
    int kinds[3] = {DNNL_ARG_DST, DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};
    const dnnl_memory_desc_t *mds[3] = {&data, &data, &data};
    void *pointers[3] = {(void *)dst, (void *)diff_dst, diff_src};
    int ok = e != NULL && percept_dnnl_execute(e->primitive, 3, kinds, mds, pointers);
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

// MARK: layer norm

/// The descriptors of the data [rows, length], the statistics [rows] and the scale and shift [length].
static int layer_norm_descs(int64_t rows, int64_t length, dnnl_memory_desc_t *data, dnnl_memory_desc_t *statistics,
                            dnnl_memory_desc_t *parameters) {
    dnnl_dims_t dims = {rows, length}, row_count = {rows}, parameter_count = {length};
    return percept_dnnl_plain_desc(2, dims, data) && percept_dnnl_plain_desc(1, row_count, statistics) &&
           percept_dnnl_plain_desc(1, parameter_count, parameters);
}

/// The layer-norm entry of `kind` with `flags` (dnnl_use_scale, dnnl_use_shift).
static layer_entry *layer_norm_entry(layer_kind kind, const dnnl_memory_desc_t *data, const dnnl_memory_desc_t *statistics,
                                     unsigned flags, float eps) {
    layer_key key = {.kind = kind, .data = *data, .parameters = {(int)flags}, .values = {eps, 0}};
    layer_entry *e = percept_dnnl_lookup(&key);
    if (e != NULL) return e;
    dnnl_layer_normalization_desc_t desc;
    if (kind == LAYER_NORM_BACKWARD) {
        layer_entry *forward = layer_norm_entry(LAYER_NORM_FORWARD, data, statistics, flags, eps);
        // Without scale or shift there are no parameter gradients: only the data's.
        dnnl_prop_kind_t prop = flags == 0 ? dnnl_backward_data : dnnl_backward;
        if (forward == NULL ||
            !DNNL_OK(percept_dnnl.dnnl_layer_normalization_backward_desc_init(&desc, prop, data, data, statistics, eps, flags)))
            return NULL;
        return percept_dnnl_remember(&key, &desc, forward->pd);
    }
    if (!DNNL_OK(percept_dnnl.dnnl_layer_normalization_forward_desc_init(&desc, dnnl_forward_training, data, statistics, eps,
                                                                         flags)))
        return NULL;
    return percept_dnnl_remember(&key, &desc, NULL);
}

/// The flags of a layer norm with these parameters.
static unsigned layer_norm_flags(const float *scale, const float *shift) {
    return (scale != NULL ? dnnl_use_scale : 0) | (shift != NULL ? dnnl_use_shift : 0);
}

int percept_dnnl_layer_norm_forward(int64_t rows, int64_t length, const float *src, const float *scale, const float *shift,
                                    float eps, float *mean, float *variance, float *dst) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data, statistics, parameters;
    percept_dnnl_lock();
    layer_entry *e = layer_norm_descs(rows, length, &data, &statistics, &parameters)
                         ? layer_norm_entry(LAYER_NORM_FORWARD, &data, &statistics, layer_norm_flags(scale, shift), eps) : NULL;
    int kinds[6] = {DNNL_ARG_SRC, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DST};
    const dnnl_memory_desc_t *mds[6] = {&data, &statistics, &statistics, &data};
    void *pointers[6] = {(void *)src, mean, variance, dst};
    int count = 4;
    if (scale != NULL) { kinds[count] = DNNL_ARG_SCALE; mds[count] = &parameters; pointers[count++] = (void *)scale; }
    if (shift != NULL) { kinds[count] = DNNL_ARG_SHIFT; mds[count] = &parameters; pointers[count++] = (void *)shift; }
    int ok = e != NULL && percept_dnnl_execute(e->primitive, count, kinds, mds, pointers);
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

int percept_dnnl_layer_norm_backward(int64_t rows, int64_t length, const float *src, const float *diff_dst, const float *mean,
                                     const float *variance, const float *scale, const float *shift, float eps, float *diff_src,
                                     float *diff_scale, float *diff_shift) {
    if (percept_dnnl_load() != 0) return 1;
    if ((scale == NULL) != (diff_scale == NULL) || (shift == NULL) != (diff_shift == NULL)) return 1;
    dnnl_memory_desc_t data, statistics, parameters;
    percept_dnnl_lock();
    layer_entry *e = layer_norm_descs(rows, length, &data, &statistics, &parameters)
                         ? layer_norm_entry(LAYER_NORM_BACKWARD, &data, &statistics, layer_norm_flags(scale, shift), eps) : NULL;
    int kinds[9] = {DNNL_ARG_SRC, DNNL_ARG_DIFF_DST, DNNL_ARG_MEAN, DNNL_ARG_VARIANCE, DNNL_ARG_DIFF_SRC};
    const dnnl_memory_desc_t *mds[9] = {&data, &data, &statistics, &statistics, &data};
    void *pointers[9] = {(void *)src, (void *)diff_dst, (void *)mean, (void *)variance, diff_src};
    int count = 5;
    if (scale != NULL) {
        kinds[count] = DNNL_ARG_SCALE; mds[count] = &parameters; pointers[count++] = (void *)scale;
        kinds[count] = DNNL_ARG_DIFF_SCALE; mds[count] = &parameters; pointers[count++] = diff_scale;
    }
    if (shift != NULL) {
        kinds[count] = DNNL_ARG_SHIFT; mds[count] = &parameters; pointers[count++] = (void *)shift;
        kinds[count] = DNNL_ARG_DIFF_SHIFT; mds[count] = &parameters; pointers[count++] = diff_shift;
    }
    int ok = e != NULL && percept_dnnl_execute(e->primitive, count, kinds, mds, pointers);
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}
