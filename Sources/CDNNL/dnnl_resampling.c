// Nearest-neighbour upsampling by whole factors through oneDNN's resampling primitive, in the
// layout its input arrives in: YOLO's neck upsamples a convolution's blocked output ×2 and joins
// it to another blocked map, and the engine's kernels would reorder both to NCHW and back.
#include "CDNNL.h"
#include "dnnl_api.h"

/// The resampling entry of `kind` for input `data` resized to `out_height` × `out_width`.
static layer_entry *resampling_entry(layer_kind kind, const dnnl_memory_desc_t *data, int64_t out_height, int64_t out_width) {
    layer_key key = {.kind = kind, .data = *data, .parameters = {(int)out_height, (int)out_width}};
    layer_entry *e = percept_dnnl_lookup(&key);
    if (e != NULL) return e;
    dnnl_dims_t out_dims = {data->dims[0], data->dims[1], out_height, out_width};
    // oneDNN's nearest reads input round((o + 0.5) / f − 0.5), which is floor(o / f) for a whole factor f.
    const float factors[2] = {(float)out_height / (float)data->dims[2], (float)out_width / (float)data->dims[3]};
    dnnl_memory_desc_t out_any, in_any;
    dnnl_resampling_desc_t desc;
    if (!DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&out_any, 4, out_dims, dnnl_f32, dnnl_format_tag_any))) return NULL;
    if (kind == RESAMPLING_BACKWARD) {
        layer_entry *forward = resampling_entry(RESAMPLING_FORWARD, data, out_height, out_width);
        if (forward == NULL ||
            !DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&in_any, 4, data->dims, dnnl_f32, dnnl_format_tag_any)) ||
            !DNNL_OK(percept_dnnl.dnnl_resampling_backward_desc_init(&desc, dnnl_resampling_nearest, factors, &in_any,
                                                                     percept_dnnl_query(forward, dnnl_query_dst_md, 0))))
            return NULL;
        return percept_dnnl_remember(&key, &desc, forward->pd);
    }
    if (!DNNL_OK(percept_dnnl.dnnl_resampling_forward_desc_init(&desc, dnnl_forward_training, dnnl_resampling_nearest, factors, data,
                                                                &out_any)))
        return NULL;
    return percept_dnnl_remember(&key, &desc, NULL);
}

/// Whether `output` is written in `md`: its layout, or plain when it has none.
static int writes_in(percept_dnnl_output output, const dnnl_memory_desc_t *md) {
    return output.layout != NULL ? percept_dnnl.dnnl_memory_desc_equal(md, (const dnnl_memory_desc_t *)output.layout)
                                 : percept_dnnl_is_plain(md);
}

/// The entry for a call on `layout` (NULL: plain) of `dims`; `data` receives the input's descriptor.
static layer_entry *entry_for(layer_kind kind, const int64_t *dims, const percept_dnnl_layout *layout, int64_t out_height,
                              int64_t out_width, dnnl_memory_desc_t *data) {
    percept_dnnl_value value = {layout, NULL};
    if (out_height <= 0 || out_width <= 0 || out_height > INT32_MAX || out_width > INT32_MAX) return NULL;
    return percept_dnnl_value_desc(value, 4, dims, data) ? resampling_entry(kind, data, out_height, out_width) : NULL;
}

/// The layout argument `what` of the entry of `kind`, interned; NULL when refused.
static const percept_dnnl_layout *layout_of(layer_kind kind, dnnl_query_t what, const int64_t *dims,
                                            const percept_dnnl_layout *layout, int64_t out_height, int64_t out_width) {
    if (percept_dnnl_load() != 0) return NULL;
    dnnl_memory_desc_t data;
    percept_dnnl_lock();
    layer_entry *e = entry_for(kind, dims, layout, out_height, out_width, &data);
    const dnnl_memory_desc_t *md = e != NULL ? percept_dnnl_intern(percept_dnnl_query(e, what, 0)) : NULL;
    percept_dnnl_unlock();
    return (const percept_dnnl_layout *)md;
}

const percept_dnnl_layout *percept_dnnl_upsample_output_layout(const int64_t *dims, const percept_dnnl_layout *src_layout,
                                                               int64_t out_height, int64_t out_width) {
    return layout_of(RESAMPLING_FORWARD, dnnl_query_dst_md, dims, src_layout, out_height, out_width);
}

const percept_dnnl_layout *percept_dnnl_upsample_input_gradient_layout(const int64_t *dims, const percept_dnnl_layout *src_layout,
                                                                       int64_t out_height, int64_t out_width) {
    return layout_of(RESAMPLING_BACKWARD, dnnl_query_diff_src_md, dims, src_layout, out_height, out_width);
}

int percept_dnnl_upsample_forward(const int64_t *dims, percept_dnnl_value src, int64_t out_height, int64_t out_width,
                                  percept_dnnl_output dst) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data;
    percept_dnnl_lock();
    layer_entry *e = entry_for(RESAMPLING_FORWARD, dims, src.layout, out_height, out_width, &data);
    const dnnl_memory_desc_t *out = e != NULL ? percept_dnnl_query(e, dnnl_query_dst_md, 0) : NULL;
    // The caller writes in the layout percept_dnnl_upsample_output_layout reported.
    int ok = out != NULL && writes_in(dst, out);
    if (ok) {
        int kinds[2] = {DNNL_ARG_SRC, DNNL_ARG_DST};
        const dnnl_memory_desc_t *mds[2] = {&data, out};
        void *pointers[2] = {(void *)src.data, dst.data};
        ok = percept_dnnl_execute(e->primitive, 2, kinds, mds, pointers);
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

int percept_dnnl_upsample_backward(const int64_t *dims, const percept_dnnl_layout *src_layout, percept_dnnl_value diff_dst,
                                   int64_t out_height, int64_t out_width, percept_dnnl_output diff_src) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data, gradient;
    const int64_t out_dims[4] = {dims[0], dims[1], out_height, out_width};
    percept_dnnl_lock();
    layer_entry *e = entry_for(RESAMPLING_BACKWARD, dims, src_layout, out_height, out_width, &data);
    int ok = e != NULL && percept_dnnl_value_desc(diff_dst, 4, out_dims, &gradient);
    if (ok) {
        const dnnl_memory_desc_t *wanted = percept_dnnl_query(e, dnnl_query_diff_dst_md, 0);
        const dnnl_memory_desc_t *out = percept_dnnl_query(e, dnnl_query_diff_src_md, 0);
        void *upstream = percept_dnnl_in_layout(&gradient, diff_dst.data, wanted, 1, 1, 0);
        // The caller writes in the layout percept_dnnl_upsample_input_gradient_layout reported.
        ok = upstream != NULL && writes_in(diff_src, out);
        int kinds[2] = {DNNL_ARG_DIFF_DST, DNNL_ARG_DIFF_SRC};
        const dnnl_memory_desc_t *mds[2] = {wanted, out};
        void *pointers[2] = {upstream, diff_src.data};
        ok = ok && percept_dnnl_execute(e->primitive, 2, kinds, mds, pointers);
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}
