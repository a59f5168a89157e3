// Channel concatenation (U-Net's skip joins) and its gradient's split through oneDNN, in the
// blocked layouts the neighbouring primitives use: the concat primitive writes the joined
// tensor in its first blocked input's layout, and each input's gradient is a reorder out of a
// sub-memory of the joined gradient. Without these every skip join went to NCHW and back. The
// same sub-memories cut a window out of a blocked tensor and place its gradient back (C2f's split).
#include "CDNNL.h"
#include "dnnl_api.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_PARTS = PERCEPT_DNNL_MAX_CONCAT };

/// The channel block of `md` when it is a dense 4-D nChw8c or nChw16c layout of whole blocks
/// (no padded channels), else 0. In these a run of whole channel blocks of one image is one
/// contiguous stretch of memory, so joining and cutting along the channels are plain copies,
/// several times faster than oneDNN 2.6's `simple:any` concat and sub-memory reorders.
static int64_t dense_channel_block(const dnnl_memory_desc_t *md) {
    static const dnnl_format_tag_t tags[] = {dnnl_aBcd8b, dnnl_aBcd16b};
    static const int64_t blocks[] = {8, 16};
    if (md->ndims != 4 || md->data_type != dnnl_f32) return 0;
    for (int i = 0; i < 2; i++) {
        dnnl_memory_desc_t dense;
        if (md->dims[1] % blocks[i] == 0 && DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&dense, 4, md->dims, dnnl_f32, tags[i])) &&
            percept_dnnl.dnnl_memory_desc_equal(&dense, md))
            return blocks[i];
    }
    return 0;
}

/// Copies channels [from, from + length) of every image of `src` (`src_channels` channels) into
/// channels [to, to + length) of `dst` (`dst_channels`), both dense in one channel-blocked
/// layout with `plane` values per channel; the bounds are whole blocks.
static void copy_channel_runs(const float *src, int64_t src_channels, int64_t from, float *dst, int64_t dst_channels, int64_t to,
                              int64_t length, int64_t images, int64_t plane) {
    for (int64_t n = 0; n < images; n++) {
        memcpy(dst + (n * dst_channels + to) * plane, src + (n * src_channels + from) * plane, (size_t)(length * plane) * sizeof(float));
    }
}

/// Whether a window [start, start + length) along `axis` between `whole` and `part` can be
/// copied as channel runs: both dense in the same channel-blocked layout, the window on blocks.
static int copies_channel_runs(const dnnl_memory_desc_t *whole, const dnnl_memory_desc_t *part, int axis, int64_t start) {
    int64_t block = dense_channel_block(whole);
    return axis == 1 && block > 0 && dense_channel_block(part) == block && start % block == 0;
}

/// A cached concat primitive for one list of input layouts.
typedef struct concat_entry {
    int count, axis;
    dnnl_memory_desc_t inputs[MAX_PARTS];
    dnnl_primitive_desc_t pd;
    dnnl_primitive_t primitive;
    struct concat_entry *next;
} concat_entry;

static concat_entry *concats = NULL;

/// The descriptors of `count` inputs of `rank` axes (dims row by row in `dims`); 1 on success.
static int describe_parts(int count, int rank, const int64_t *dims, const percept_dnnl_layout *const *layouts,
                          dnnl_memory_desc_t *mds) {
    for (int i = 0; i < count; i++) {
        percept_dnnl_value value = {layouts[i], NULL};
        if (!percept_dnnl_value_desc(value, rank, dims + i * rank, &mds[i])) return 0;
    }
    return 1;
}

/// The cached concat of inputs `mds` along `axis`, made when missing; NULL when oneDNN refuses.
static concat_entry *concat_entry_for(int count, int axis, const dnnl_memory_desc_t *mds) {
    for (concat_entry *e = concats; e != NULL; e = e->next) {
        if (e->count != count || e->axis != axis) continue;
        int same = 1;
        for (int i = 0; i < count && same; i++) same = percept_dnnl.dnnl_memory_desc_equal(&e->inputs[i], &mds[i]);
        if (same) return e;
    }
    concat_entry *entry = calloc(1, sizeof *entry);
    if (entry == NULL) return NULL;
    entry->count = count;
    entry->axis = axis;
    for (int i = 0; i < count; i++) entry->inputs[i] = mds[i];
    dnnl_memory_desc_t any;
    dnnl_dims_t dims;
    for (int d = 0; d < mds[0].ndims; d++) dims[d] = mds[0].dims[d];
    dims[axis] = 0;
    for (int i = 0; i < count; i++) dims[axis] += mds[i].dims[axis];
    // With the destination left to it, oneDNN 2.6 takes the first blocked input's layout.
    if (!DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&any, mds[0].ndims, dims, dnnl_f32, dnnl_format_tag_any)) ||
        !DNNL_OK(percept_dnnl.dnnl_concat_primitive_desc_create(&entry->pd, &any, count, axis, entry->inputs,
                                                                percept_dnnl_scratchpad_attribute(), percept_dnnl_engine)) ||
        !DNNL_OK(percept_dnnl.dnnl_primitive_create(&entry->primitive, entry->pd))) {
        free(entry);
        return NULL;
    }
    entry->next = concats;
    concats = entry;
    return entry;
}

/// The entry for a call's inputs; NULL when the call is out of range or oneDNN refuses. Call locked.
static concat_entry *lookup_concat(int count, int rank, int axis, const int64_t *dims, const percept_dnnl_layout *const *layouts) {
    dnnl_memory_desc_t mds[MAX_PARTS];
    if (count < 1 || count > MAX_PARTS || rank < 1 || rank > 5 || axis < 0 || axis >= rank) return NULL;
    return describe_parts(count, rank, dims, layouts, mds) ? concat_entry_for(count, axis, mds) : NULL;
}

const percept_dnnl_layout *percept_dnnl_concat_output_layout(int count, int rank, int axis, const int64_t *dims,
                                                             const percept_dnnl_layout *const *layouts) {
    if (percept_dnnl_load() != 0) return NULL;
    percept_dnnl_lock();
    concat_entry *e = lookup_concat(count, rank, axis, dims, layouts);
    const dnnl_memory_desc_t *layout =
        e != NULL ? percept_dnnl_intern(percept_dnnl.dnnl_primitive_desc_query_md(e->pd, dnnl_query_dst_md, 0)) : NULL;
    percept_dnnl_unlock();
    return (const percept_dnnl_layout *)layout;
}

int percept_dnnl_concat(int count, int rank, int axis, const int64_t *dims, const percept_dnnl_value *inputs,
                        percept_dnnl_output dst) {
    if (percept_dnnl_load() != 0 || count < 1 || count > MAX_PARTS) return 1;
    const percept_dnnl_layout *layouts[MAX_PARTS];
    for (int i = 0; i < count; i++) layouts[i] = inputs[i].layout;
    percept_dnnl_lock();
    concat_entry *e = lookup_concat(count, rank, axis, dims, layouts);
    int ok = e != NULL;
    if (ok) {
        const dnnl_memory_desc_t *out = percept_dnnl.dnnl_primitive_desc_query_md(e->pd, dnnl_query_dst_md, 0);
        // The caller writes in the layout percept_dnnl_concat_output_layout reported.
        ok = dst.layout != NULL && percept_dnnl.dnnl_memory_desc_equal(out, (const dnnl_memory_desc_t *)dst.layout);
        int kinds[MAX_PARTS + 1];
        const dnnl_memory_desc_t *mds[MAX_PARTS + 1];
        void *pointers[MAX_PARTS + 1];
        for (int i = 0; i < count; i++) {
            kinds[i] = DNNL_ARG_MULTIPLE_SRC + i;
            mds[i] = &e->inputs[i];
            pointers[i] = (void *)inputs[i].data;
        }
        kinds[count] = DNNL_ARG_DST;
        mds[count] = out;
        pointers[count] = dst.data;
        const int64_t block = ok && axis == 1 ? dense_channel_block(out) : 0;
        int runs = block > 0;
        for (int i = 0; i < count && runs; i++) runs = dense_channel_block(&e->inputs[i]) == block;
        if (runs) {
            const int64_t plane = out->dims[2] * out->dims[3];
            int64_t start = 0;
            for (int i = 0; i < count; i++) {
                copy_channel_runs(inputs[i].data, e->inputs[i].dims[1], 0, dst.data, out->dims[1], start, e->inputs[i].dims[1], out->dims[0], plane);
                start += e->inputs[i].dims[1];
            }
        } else {
            ok = ok && percept_dnnl_execute(e->primitive, count + 1, kinds, mds, pointers);
        }
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

int percept_dnnl_slice(int rank, const int64_t *dims, percept_dnnl_value src, int axis, int64_t start, int64_t length,
                       percept_dnnl_output dst) {
    if (percept_dnnl_load() != 0 || rank < 1 || rank > 5 || axis < 0 || axis >= rank) return 1;
    dnnl_memory_desc_t whole, part, target;
    dnnl_dims_t part_dims, offsets;
    for (int d = 0; d < rank; d++) {
        part_dims[d] = d == axis ? length : dims[d];
        offsets[d] = d == axis ? start : 0;
    }
    percept_dnnl_lock();
    percept_dnnl_value target_value = {dst.layout, NULL};
    int64_t target_dims[DNNL_MAX_NDIMS];
    for (int d = 0; d < rank; d++) target_dims[d] = part_dims[d];
    // A sub-memory of a blocked layout must start and end on whole blocks of the sliced axis;
    // oneDNN refuses other windows, and the caller then slices the plain values.
    int ok = percept_dnnl_value_desc(src, rank, dims, &whole) && percept_dnnl_value_desc(target_value, rank, target_dims, &target);
    if (ok && copies_channel_runs(&whole, &target, axis, start)) {
        copy_channel_runs(src.data, dims[1], start, dst.data, length, 0, length, dims[0], dims[2] * dims[3]);
    } else {
        ok = ok && DNNL_OK(percept_dnnl.dnnl_memory_desc_init_submemory(&part, &whole, part_dims, offsets)) &&
             percept_dnnl_reorder(&part, src.data, &target, dst.data);
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

const percept_dnnl_layout *percept_dnnl_window_layout(const percept_dnnl_layout *layout, int axis, int64_t length) {
    // The layouts oneDNN's convolutions and their neighbours write 4-D tensors in.
    static const dnnl_format_tag_t tags[] = {dnnl_aBcd16b, dnnl_aBcd8b, dnnl_aBcd4b, dnnl_acdb};
    if (percept_dnnl_load() != 0 || layout == NULL) return NULL;
    const dnnl_memory_desc_t *md = (const dnnl_memory_desc_t *)layout;
    if (md->ndims != 4 || axis < 0 || axis >= 4 || length <= 0 || length > md->dims[axis]) return NULL;
    dnnl_dims_t window;
    for (int d = 0; d < 4; d++) window[d] = d == axis ? length : md->dims[d];
    const dnnl_memory_desc_t *found = NULL;
    percept_dnnl_lock();
    for (size_t i = 0; i < sizeof tags / sizeof tags[0] && found == NULL; i++) {
        dnnl_memory_desc_t same, part;
        if (DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&same, 4, md->dims, dnnl_f32, tags[i])) &&
            percept_dnnl.dnnl_memory_desc_equal(&same, md) &&
            DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(&part, 4, window, dnnl_f32, tags[i])))
            found = percept_dnnl_intern(&part);
    }
    percept_dnnl_unlock();
    return (const percept_dnnl_layout *)found;
}

int percept_dnnl_place(int rank, const int64_t *dims, percept_dnnl_output dst, int axis, int64_t start, int64_t length,
                       percept_dnnl_value src) {
    if (percept_dnnl_load() != 0 || rank < 1 || rank > 5 || axis < 0 || axis >= rank) return 1;
    dnnl_memory_desc_t whole, part, source;
    dnnl_dims_t part_dims, offsets;
    int64_t source_dims[DNNL_MAX_NDIMS];
    for (int d = 0; d < rank; d++) {
        part_dims[d] = source_dims[d] = d == axis ? length : dims[d];
        offsets[d] = d == axis ? start : 0;
    }
    percept_dnnl_value target = {dst.layout, NULL};
    percept_dnnl_lock();
    // As in percept_dnnl_slice, the window of a blocked layout must be whole blocks.
    int ok = percept_dnnl_value_desc(target, rank, dims, &whole) && percept_dnnl_value_desc(src, rank, source_dims, &source);
    if (ok && copies_channel_runs(&whole, &source, axis, start)) {
        copy_channel_runs(src.data, length, 0, dst.data, dims[1], start, length, dims[0], dims[2] * dims[3]);
    } else {
        ok = ok && DNNL_OK(percept_dnnl.dnnl_memory_desc_init_submemory(&part, &whole, part_dims, offsets)) &&
             percept_dnnl_reorder(&source, src.data, &part, dst.data);
    }
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}
