// Two inference steps that keep a network's activations in the blocked layout its convolutions
// write: nearest-neighbour upsampling (oneDNN's resampling primitive, in the source's layout;
// YOLO's neck) and the layout a channel window of a blocked tensor is cut into (C2f's split),
// so neither sends its tensor through NCHW and back.
#include "CDNNL.h"
#include "dnnl_api.h"

/// The format tags a layout is recognised by, for ranks 3 to 5 (channel blocks first).
static const dnnl_format_tag_t tags_by_rank[3][5] = {
    {dnnl_nCw16c, dnnl_nCw8c, dnnl_nCw4c, dnnl_nwc, dnnl_ncw},
    {dnnl_nChw16c, dnnl_nChw8c, dnnl_nChw4c, dnnl_nhwc, dnnl_nchw},
    {dnnl_nCdhw16c, dnnl_nCdhw8c, dnnl_nCdhw4c, dnnl_ndhwc, dnnl_ncdhw},
};

const percept_dnnl_layout *percept_dnnl_layout_resized(const percept_dnnl_layout *layout, int rank, const int64_t *dims) {
    const dnnl_memory_desc_t *md = (const dnnl_memory_desc_t *)layout;
    if (percept_dnnl_load() != 0 || md == NULL || rank < 3 || rank > 5 || md->ndims != rank || md->data_type != dnnl_f32) return NULL;
    dnnl_dims_t wanted;
    for (int d = 0; d < rank; d++) wanted[d] = dims[d];
    const dnnl_memory_desc_t *found = NULL;
    percept_dnnl_lock();
    for (int t = 0; t < 5 && found == NULL; t++) {
        dnnl_memory_desc_t same, resized;
        dnnl_format_tag_t tag = tags_by_rank[rank - 3][t];
        if (DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&same, rank, md->dims, dnnl_f32, tag)) &&
            percept_dnnl.dnnl_memory_desc_equal(&same, md) &&
            DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&resized, rank, wanted, dnnl_f32, tag)))
            found = percept_dnnl_intern(&resized);
    }
    percept_dnnl_unlock();
    return (const percept_dnnl_layout *)found;
}

/// The cached nearest-neighbour resampling of `data` to `height` × `width`, made when missing. Call locked.
static layer_entry *upsample_entry(const dnnl_memory_desc_t *data, int64_t height, int64_t width) {
    layer_key key = {.kind = RESAMPLING_NEAREST, .data = *data, .parameters = {(int)height, (int)width}};
    layer_entry *e = percept_dnnl_lookup(&key);
    if (e != NULL) return e;
    dnnl_dims_t dims = {data->dims[0], data->dims[1], height, width};
    dnnl_memory_desc_t out_any;
    dnnl_resampling_desc_t desc;
    if (!DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&out_any, 4, dims, dnnl_f32, dnnl_format_tag_any)) ||
        !DNNL_OK(percept_dnnl.dnnl_resampling_forward_desc_init(&desc, dnnl_forward_inference, dnnl_resampling_nearest, NULL, data,
                                                                &out_any)))
        return NULL;
    return percept_dnnl_remember(&key, &desc, NULL);
}

const percept_dnnl_layout *percept_dnnl_upsample_nearest_output_layout(percept_dnnl_value src, const int64_t *dims, int64_t height,
                                                                       int64_t width) {
    if (percept_dnnl_load() != 0) return NULL;
    dnnl_memory_desc_t data;
    percept_dnnl_lock();
    layer_entry *e = percept_dnnl_value_desc(src, 4, dims, &data) ? upsample_entry(&data, height, width) : NULL;
    const dnnl_memory_desc_t *out = e != NULL ? percept_dnnl_intern(percept_dnnl_query(e, dnnl_query_dst_md, 0)) : NULL;
    percept_dnnl_unlock();
    return (const percept_dnnl_layout *)out;
}

int percept_dnnl_upsample_nearest(percept_dnnl_value src, const int64_t *dims, int64_t height, int64_t width, percept_dnnl_output dst) {
    if (percept_dnnl_load() != 0) return 1;
    dnnl_memory_desc_t data;
    percept_dnnl_lock();
    layer_entry *e = percept_dnnl_value_desc(src, 4, dims, &data) ? upsample_entry(&data, height, width) : NULL;
    int ok = 0;
    if (e != NULL) {
        const dnnl_memory_desc_t *out = percept_dnnl_query(e, dnnl_query_dst_md, 0);
        // The caller writes in the layout percept_dnnl_upsample_nearest_output_layout reported.
        ok = dst.layout != NULL && percept_dnnl.dnnl_memory_desc_equal(out, (const dnnl_memory_desc_t *)dst.layout);
        int kinds[2] = {DNNL_ARG_SRC, DNNL_ARG_DST};
        const dnnl_memory_desc_t *mds[2] = {&data, out};
        void *pointers[2] = {(void *)src.data, dst.data};
        ok = ok && percept_dnnl_execute(e->primitive, 2, kinds, mds, pointers);
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}
