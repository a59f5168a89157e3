#include "CPixelKernels.h"
#include "kernels.h"
#include "float_rows.h"

#include <stdlib.h>

// Separable resampling of 8-bit images through tap tables (the Swift `ResampleTaps`): each
// needed source row is resampled horizontally once into a small cache of Float rows, and each
// output row sums its cached rows. Every sum starts at 0 and adds weight × sample tap by tap,
// in Float without fused multiply-add — the arithmetic of the Swift path for other sample
// types, so 8-bit results equal those rounded.

/// The horizontal taps per output sample (pixel × channel), tap-major: `offsets[t·n + j]` is
/// the source byte of tap t of sample j, `weights[t·n + j]` its weight.
typedef struct {
    int32_t *offsets;
    float *weights;
    size_t taps, samples;
} SampleTaps;

static int make_sample_taps(SampleTaps *taps, const int32_t *indices, const float *weights, size_t count, size_t output_width,
                            size_t channels) {
    size_t samples = output_width * channels;
    taps->taps = count, taps->samples = samples;
    taps->offsets = malloc(count * samples * sizeof(int32_t));
    taps->weights = malloc(count * samples * sizeof(float));
    if (!taps->offsets || !taps->weights) return -1;
    for (size_t x = 0; x < output_width; x++) {
        for (size_t channel = 0; channel < channels; channel++) {
            for (size_t tap = 0; tap < count; tap++) {
                taps->offsets[tap * samples + x * channels + channel] = (int32_t)((size_t)indices[x * count + tap] * channels + channel);
                taps->weights[tap * samples + x * channels + channel] = weights[x * count + tap];
            }
        }
    }
    return 0;
}

#if PK_X86
/// Eight samples at a time: each tap's bytes gathered as 32-bit words (three bytes past the
/// sample are read, so the caller keeps the last source row off this path).
PK_AVX2 static size_t resample_row_avx2(const uint8_t *row, SampleTaps taps, float *target, size_t start) {
    const __m256i byte = _mm256_set1_epi32(0xFF);
    size_t j = start;
    for (; j + 8 <= taps.samples; j += 8) {
        __m256 total = _mm256_setzero_ps();
        for (size_t tap = 0; tap < taps.taps; tap++) {
            __m256i offsets = _mm256_loadu_si256((const __m256i *)(taps.offsets + tap * taps.samples + j));
            __m256i values = _mm256_and_si256(_mm256_i32gather_epi32((const int *)row, offsets, 1), byte);
            total = _mm256_add_ps(total, _mm256_mul_ps(_mm256_loadu_ps(taps.weights + tap * taps.samples + j), _mm256_cvtepi32_ps(values)));
        }
        _mm256_storeu_ps(target + j, total);
    }
    return j;
}

/// `resample_row_avx2` sixteen samples at a time.
PK_AVX512 static size_t resample_row_avx512(const uint8_t *row, SampleTaps taps, float *target) {
    const __m512i byte = _mm512_set1_epi32(0xFF);
    size_t j = 0;
    for (; j + 16 <= taps.samples; j += 16) {
        __m512 total = _mm512_setzero_ps();
        for (size_t tap = 0; tap < taps.taps; tap++) {
            __m512i offsets = _mm512_loadu_si512((const void *)(taps.offsets + tap * taps.samples + j));
            __m512i values = _mm512_and_si512(_mm512_i32gather_epi32(offsets, (const void *)row, 1), byte);
            total = _mm512_add_ps(total, _mm512_mul_ps(_mm512_loadu_ps(taps.weights + tap * taps.samples + j), _mm512_cvtepi32_ps(values)));
        }
        _mm512_storeu_ps(target + j, total);
    }
    return j;
}
#endif

/// One source row resampled horizontally; `last` says it is the image's last row.
static void resample_row(const uint8_t *row, SampleTaps taps, int last, float *target) {
    size_t j = 0;
#if PK_X86
    int level = last ? PK_LEVEL_PORTABLE : pk_kernel_level();
    if (level >= PK_LEVEL_AVX512) j = resample_row_avx512(row, taps, target);
    if (level >= PK_LEVEL_AVX2) j = resample_row_avx2(row, taps, target, j);
#endif
    for (; j < taps.samples; j++) {
        float sum = 0;
        for (size_t tap = 0; tap < taps.taps; tap++) sum = sum + taps.weights[tap * taps.samples + j] * (float)row[taps.offsets[tap * taps.samples + j]];
        target[j] = sum;
    }
}

int pk_resample_u8(const uint8_t *source, size_t source_width, size_t source_height, size_t channels,
                   const int32_t *horizontal_indices, const float *horizontal_weights, size_t horizontal_taps,
                   const int32_t *vertical_indices, const float *vertical_weights, size_t vertical_taps,
                   uint8_t *target, size_t output_width, size_t first_row, size_t end_row) {
    size_t row_length = output_width * channels, slots = 2 * vertical_taps;
    float *cache = malloc(slots * row_length * sizeof(float)), *sum = malloc(row_length * sizeof(float));
    long *cached = malloc(slots * sizeof(long));
    const float **rows = malloc(vertical_taps * sizeof(float *));
    SampleTaps across = {NULL, NULL, 0, 0};
    int status = !cache || !sum || !cached || !rows ? -1
        : make_sample_taps(&across, horizontal_indices, horizontal_weights, horizontal_taps, output_width, channels);
    for (size_t slot = 0; status == 0 && slot < slots; slot++) cached[slot] = -1;
    // The rows one output row needs are consecutive (clamped at the edges), so `slots` ≥ 2·taps
    // never evicts a row the same output row still needs.
    for (size_t y = first_row; status == 0 && y < end_row; y++) {
        for (size_t tap = 0; tap < vertical_taps; tap++) {
            long row = vertical_indices[y * vertical_taps + tap];
            size_t slot = (size_t)row % slots;
            float *slot_row = cache + slot * row_length;
            if (cached[slot] != row) {
                resample_row(source + (size_t)row * source_width * channels, across, (size_t)row + 1 == source_height, slot_row);
                cached[slot] = row;
            }
            rows[tap] = slot_row;
        }
        weighted_rows(rows, vertical_weights + y * vertical_taps, vertical_taps, sum, row_length);
        narrow(sum, target + (y - first_row) * row_length, row_length);
    }
    free(cache), free(sum), free(cached), free(rows), free(across.offsets), free(across.weights);
    return status;
}
