// Layouts oneDNN chose for a tensor, as Swift holds them: a pointer to a memory descriptor that
// lives as long as the process (every one is interned here), so tensors can carry it and
// primitives can compare it.
#include "CDNNL.h"
#include "dnnl_api.h"

#include <stdlib.h>

/// An interned descriptor.
typedef struct interned_layout {
    dnnl_memory_desc_t md;
    struct interned_layout *next;
} interned_layout;

static interned_layout *layouts = NULL;

const dnnl_memory_desc_t *percept_dnnl_intern(const dnnl_memory_desc_t *md) {
    for (interned_layout *l = layouts; l != NULL; l = l->next) {
        if (percept_dnnl.dnnl_memory_desc_equal(&l->md, md)) return &l->md;
    }
    interned_layout *made = calloc(1, sizeof *made);
    if (made == NULL) return NULL;
    made->md = *md;
    made->next = layouts;
    layouts = made;
    return &made->md;
}

int percept_dnnl_plain_desc(int rank, const dnnl_dims_t dims, dnnl_memory_desc_t *md) {
    static const dnnl_format_tag_t tags[] = {dnnl_format_tag_undef, dnnl_a, dnnl_ab, dnnl_abc, dnnl_abcd, dnnl_abcde};
    if (rank < 1 || rank > 5) return 0;
    return DNNL_OK(percept_dnnl.dnnl_memory_desc_init_by_tag(md, rank, dims, dnnl_f32, tags[rank]));
}

int percept_dnnl_value_desc(percept_dnnl_value value, int rank, const int64_t *dims, dnnl_memory_desc_t *md) {
    if (value.layout != NULL) {
        *md = *(const dnnl_memory_desc_t *)value.layout;
        return 1;
    }
    dnnl_dims_t d;
    for (int i = 0; i < rank && i < DNNL_MAX_NDIMS; i++) d[i] = dims[i];
    return percept_dnnl_plain_desc(rank, d, md);
}

int percept_dnnl_is_plain(const dnnl_memory_desc_t *md) {
    dnnl_memory_desc_t plain;
    return percept_dnnl_plain_desc(md->ndims, md->dims, &plain) && percept_dnnl.dnnl_memory_desc_equal(&plain, md);
}

size_t percept_dnnl_layout_bytes(const percept_dnnl_layout *layout) {
    return percept_dnnl.dnnl_memory_desc_get_size((const dnnl_memory_desc_t *)layout);
}

int percept_dnnl_layout_matches(const percept_dnnl_layout *layout, int rank, const int64_t *dims) {
    const dnnl_memory_desc_t *md = (const dnnl_memory_desc_t *)layout;
    if (md->ndims != rank || md->data_type != dnnl_f32) return 0;
    for (int i = 0; i < rank; i++) {
        if (md->dims[i] != dims[i]) return 0;
    }
    return 1;
}

int percept_dnnl_layout_to_plain(const percept_dnnl_layout *layout, const float *data, float *plain) {
    const dnnl_memory_desc_t *md = (const dnnl_memory_desc_t *)layout;
    dnnl_memory_desc_t target;
    percept_dnnl_lock();
    int ok = percept_dnnl_plain_desc(md->ndims, md->dims, &target) && percept_dnnl_reorder(md, data, &target, plain);
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

int percept_dnnl_layout_from_plain(const percept_dnnl_layout *layout, const float *plain, float *data) {
    const dnnl_memory_desc_t *md = (const dnnl_memory_desc_t *)layout;
    dnnl_memory_desc_t source;
    percept_dnnl_lock();
    int ok = percept_dnnl_plain_desc(md->ndims, md->dims, &source) && percept_dnnl_reorder(&source, plain, md, data);
    percept_dnnl_unlock();
    return ok ? 0 : 1;
}

int percept_dnnl_layout_is_plain(const percept_dnnl_layout *layout) {
    return percept_dnnl_is_plain((const dnnl_memory_desc_t *)layout);
}

/// Whether `md` is a 4-D float32 layout blocking the channels by one inner block of at most
/// `max_block` (nChw16c, nChw8c), the layouts the channel loops below read.
static int channel_blocked(const dnnl_memory_desc_t *md, int64_t max_block) {
    const dnnl_blocking_desc_t *blocking = &md->format_desc.blocking;
    return md->ndims == 4 && md->format_kind == dnnl_blocked && md->data_type == dnnl_f32 && blocking->inner_nblks == 1 &&
           blocking->inner_idxs[0] == 1 && blocking->inner_blks[0] >= 1 && blocking->inner_blks[0] <= max_block;
}

int percept_dnnl_channel_sums(const percept_dnnl_layout *layout, const float *data, float *sums) {
    const dnnl_memory_desc_t *md = (const dnnl_memory_desc_t *)layout;
    const dnnl_blocking_desc_t *blocking = &md->format_desc.blocking;
    enum { MAX_BLOCK = 64, RUN = 64 };
    if (!channel_blocked(md, MAX_BLOCK)) return 0;
    const int64_t block = blocking->inner_blks[0], channels = md->dims[1], height = md->dims[2], width = md->dims[3];
    const dnnl_dims_t *strides = &blocking->strides;
    for (int64_t first = 0; first < channels; first += block) {
        double totals[MAX_BLOCK] = {0};
        const int64_t lanes = channels - first < block ? channels - first : block;
        for (int64_t n = 0; n < md->dims[0]; n++) {
            const float *base = data + md->offset0 + n * (*strides)[0] + first / block * (*strides)[1];
            float run[MAX_BLOCK] = {0};
            int64_t filled = 0;
            for (int64_t y = 0; y < height; y++) {
                for (int64_t x = 0; x < width; x++) {
                    const float *values = base + y * (*strides)[2] + x * (*strides)[3];
                    for (int64_t lane = 0; lane < block; lane++) run[lane] += values[lane];
                    if (++filled == RUN) {
                        for (int64_t lane = 0; lane < block; lane++) { totals[lane] += run[lane]; run[lane] = 0; }
                        filled = 0;
                    }
                }
            }
            for (int64_t lane = 0; lane < block; lane++) totals[lane] += run[lane];
        }
        for (int64_t lane = 0; lane < lanes; lane++) sums[first + lane] = (float)totals[lane];
    }
    return 1;
}

int percept_dnnl_add_channel_bias(const percept_dnnl_layout *layout, float *data, const float *bias) {
    const dnnl_memory_desc_t *md = (const dnnl_memory_desc_t *)layout;
    enum { MAX_BLOCK = 64 };
    if (!channel_blocked(md, MAX_BLOCK)) return 0;
    const int64_t block = md->format_desc.blocking.inner_blks[0], channels = md->dims[1];
    const dnnl_dims_t *strides = &md->format_desc.blocking.strides;
    for (int64_t n = 0; n < md->dims[0]; n++) {
        for (int64_t first = 0; first < channels; first += block) {
            // Lanes past the last channel are the layout's padding: left as they are (zero).
            const int64_t lanes = channels - first < block ? channels - first : block;
            float *base = data + md->offset0 + n * (*strides)[0] + first / block * (*strides)[1];
            for (int64_t y = 0; y < md->dims[2]; y++) {
                for (int64_t x = 0; x < md->dims[3]; x++) {
                    float *values = base + y * (*strides)[2] + x * (*strides)[3];
                    for (int64_t lane = 0; lane < lanes; lane++) values[lane] += bias[first + lane];
                }
            }
        }
    }
    return 1;
}
