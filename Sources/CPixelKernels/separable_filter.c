#include "CPixelKernels.h"
#include "kernels.h"
#include "float_rows.h"

#include <stdlib.h>
#include <string.h>

// Each source row is widened to Float with its reflected border, filtered horizontally once
// into a ring of `vertical_count` rows, and each output row sums the ring. A sample's sum
// starts at the centre tap and adds the pairs (k, n−1−k) for k = 0, 1, … (or every tap in
// order when the taps are not symmetric); the portable, AVX2 and AVX-512 loops follow that order.

typedef struct {
    const float *taps;
    size_t count;
    int symmetric;
} Taps;

static Taps make_taps(const float *taps, size_t count) {
    Taps result = {taps, count, 1};
    for (size_t k = 0; k < count / 2; k++) {
        if (taps[k] != taps[count - 1 - k]) result.symmetric = 0;
    }
    return result;
}

/// Symmetric taps: `target[i]` for i in [start, length) starts at the centre tap and adds the
/// pairs. Taps outside, samples inside: each sample sees the same operations in the same
/// order, and the inner loops vectorise with whatever the compiler targets.
static void symmetric_rows_portable(const float *const *rows, Taps taps, float *target, size_t start, size_t length) {
    size_t n = taps.count, centre = n / 2;
    const float *middle = rows[centre];
    float weight = taps.taps[centre];
    for (size_t i = start; i < length; i++) target[i] = weight * middle[i];
    for (size_t k = 0; k < centre; k++) {
        const float *near = rows[k], *far = rows[n - 1 - k];
        weight = taps.taps[k];
        for (size_t i = start; i < length; i++) target[i] = target[i] + weight * (near[i] + far[i]);
    }
}

#if PK_X86
/// `symmetric_rows_portable` for `BLOCK` vectors of eight samples from `i`, each tap broadcast
/// once per block.
#define BLOCK 4
PK_AVX2 static inline void symmetric_block_avx2(const float *const *rows, Taps taps, float *target, size_t i, int vectors) {
    size_t n = taps.count, centre = n / 2;
    __m256 total[BLOCK];
    __m256 weight = _mm256_set1_ps(taps.taps[centre]);
    for (int v = 0; v < vectors; v++) total[v] = _mm256_mul_ps(weight, _mm256_loadu_ps(rows[centre] + i + 8 * v));
    for (size_t k = 0; k < centre; k++) {
        const float *near = rows[k] + i, *far = rows[n - 1 - k] + i;
        weight = _mm256_set1_ps(taps.taps[k]);
        for (int v = 0; v < vectors; v++) {
            __m256 pair = _mm256_add_ps(_mm256_loadu_ps(near + 8 * v), _mm256_loadu_ps(far + 8 * v));
            total[v] = _mm256_add_ps(total[v], _mm256_mul_ps(weight, pair));
        }
    }
    for (int v = 0; v < vectors; v++) _mm256_storeu_ps(target + i + 8 * v, total[v]);
}

PK_AVX2 static size_t symmetric_rows_avx2(const float *const *rows, Taps taps, float *target, size_t start, size_t length) {
    size_t i = start;
    for (; i + 8 * BLOCK <= length; i += 8 * BLOCK) symmetric_block_avx2(rows, taps, target, i, BLOCK);
    for (; i + 8 <= length; i += 8) symmetric_block_avx2(rows, taps, target, i, 1);
    return i;
}

/// `symmetric_block_avx2` with sixteen samples per vector.
PK_AVX512 static inline void symmetric_block_avx512(const float *const *rows, Taps taps, float *target, size_t i, int vectors) {
    size_t n = taps.count, centre = n / 2;
    __m512 total[BLOCK];
    __m512 weight = _mm512_set1_ps(taps.taps[centre]);
    for (int v = 0; v < vectors; v++) total[v] = _mm512_mul_ps(weight, _mm512_loadu_ps(rows[centre] + i + 16 * v));
    for (size_t k = 0; k < centre; k++) {
        const float *near = rows[k] + i, *far = rows[n - 1 - k] + i;
        weight = _mm512_set1_ps(taps.taps[k]);
        for (int v = 0; v < vectors; v++) {
            __m512 pair = _mm512_add_ps(_mm512_loadu_ps(near + 16 * v), _mm512_loadu_ps(far + 16 * v));
            total[v] = _mm512_add_ps(total[v], _mm512_mul_ps(weight, pair));
        }
    }
    for (int v = 0; v < vectors; v++) _mm512_storeu_ps(target + i + 16 * v, total[v]);
}

PK_AVX512 static size_t symmetric_rows_avx512(const float *const *rows, Taps taps, float *target, size_t length) {
    size_t i = 0;
    for (; i + 16 * BLOCK <= length; i += 16 * BLOCK) symmetric_block_avx512(rows, taps, target, i, BLOCK);
    for (; i + 16 <= length; i += 16) symmetric_block_avx512(rows, taps, target, i, 1);
    return i;
}
#endif

/// `target[i] = Σ taps[k] · rows[k][i]`: symmetric taps in pairs about the centre, others
/// tap by tap from 0.
static void sum_rows(const float *const *rows, Taps taps, float *target, size_t length) {
    if (!taps.symmetric) {
        weighted_rows(rows, taps.taps, taps.count, target, length);
        return;
    }
    size_t done = 0;
#if PK_X86
    int level = pk_kernel_level();
    if (level >= PK_LEVEL_AVX512) done = symmetric_rows_avx512(rows, taps, target, length);
    if (level >= PK_LEVEL_AVX2) done = symmetric_rows_avx2(rows, taps, target, done, length);
#endif
    symmetric_rows_portable(rows, taps, target, done, length);
}

int pk_separable_filter_u8(const uint8_t *source, uint8_t *target, size_t width, size_t height, size_t channels,
                           const float *horizontal, size_t horizontal_count,
                           const float *vertical, size_t vertical_count) {
    if (width == 0 || height == 0 || channels == 0) return 0;
    size_t radius_x = horizontal_count / 2, radius_y = vertical_count / 2, row_length = width * channels;
    size_t padded_length = (width + 2 * radius_x) * channels;
    uint8_t *padded_bytes = malloc(padded_length);
    float *padded = malloc(padded_length * sizeof(float));
    float *ring = malloc(vertical_count * row_length * sizeof(float));
    float *sum = malloc(row_length * sizeof(float));
    const float **rows = malloc((horizontal_count > vertical_count ? horizontal_count : vertical_count) * sizeof(float *));
    if (!padded_bytes || !padded || !ring || !sum || !rows) {
        free(padded_bytes), free(padded), free(ring), free(sum), free(rows);
        return -1;
    }
    Taps across = make_taps(horizontal, horizontal_count), down = make_taps(vertical, vertical_count);
    // Padded row p is source row p − radius_y; output row y needs padded rows y … y + 2·radius_y.
    size_t next_padded = 0;
    for (size_t y = 0; y < height; y++) {
        while (next_padded <= y + 2 * radius_y) {
            const uint8_t *source_row = source + (size_t)pk_reflect101((long)next_padded - (long)radius_y, (long)height) * row_length;
            memcpy(padded_bytes + radius_x * channels, source_row, row_length);
            for (size_t column = 0; column < radius_x; column++) {
                size_t left = (size_t)pk_reflect101((long)column - (long)radius_x, (long)width);
                size_t right = (size_t)pk_reflect101((long)(width + column), (long)width);
                memcpy(padded_bytes + column * channels, source_row + left * channels, channels);
                memcpy(padded_bytes + (radius_x + width + column) * channels, source_row + right * channels, channels);
            }
            widen(padded_bytes, padded, padded_length);
            for (size_t k = 0; k < horizontal_count; k++) rows[k] = padded + k * channels;
            sum_rows(rows, across, ring + (next_padded % vertical_count) * row_length, row_length);
            next_padded++;
        }
        for (size_t k = 0; k < vertical_count; k++) rows[k] = ring + ((y + k) % vertical_count) * row_length;
        sum_rows(rows, down, sum, row_length);
        narrow(sum, target + y * row_length, row_length);
    }
    free(padded_bytes), free(padded), free(ring), free(sum), free(rows);
    return 0;
}
