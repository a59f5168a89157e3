#include "CPixelKernels.h"
#include "kernels.h"
#include "float_rows.h"

#include <stdlib.h>

// Separable resampling of 8-bit images through tap tables (the Swift `ResampleTaps`): each
// needed source row is resampled horizontally once into a small cache of Float rows, and each
// output row sums its cached rows. Every sum starts at 0 and adds weight × sample tap by tap,
// in Float without fused multiply-add — the arithmetic of the Swift path for other sample
// types, so 8-bit results equal those rounded.

/// Samples per block of the byte-permute path (three vectors of sixteen Floats).
enum { BLOCK = 48 };

/// The horizontal taps per output sample (pixel × channel), tap-major: `offsets[t·n + j]` is
/// the source byte of tap t of sample j, `weights[t·n + j]` its weight. For the byte-permute
/// path, per block of `BLOCK` samples: `block_bases[b]`, the first source byte the block reads
/// (-1 when its bytes span 128 or more), and `block_picks[(b·taps + t)·64 + i]`, the byte of
/// tap t of the block's sample i counted from there.
typedef struct {
    int32_t *offsets;
    float *weights;
    size_t taps, samples;
    int32_t *block_bases;
    uint8_t *block_picks;
    size_t blocks;
} SampleTaps;

/// The byte-permute tables of `taps` (whose offsets are made); -1 without memory.
static int make_block_picks(SampleTaps *taps) {
    size_t blocks = taps->samples / BLOCK, count = taps->taps;
    if (blocks == 0) return 0;
    taps->block_bases = malloc(blocks * sizeof(int32_t));
    taps->block_picks = calloc(blocks * count, 64);
    if (!taps->block_bases || !taps->block_picks) return -1;
    taps->blocks = blocks;
    for (size_t block = 0; block < blocks; block++) {
        int32_t low = INT32_MAX, high = INT32_MIN;
        for (size_t tap = 0; tap < count; tap++) {
            for (size_t i = 0; i < BLOCK; i++) {
                int32_t offset = taps->offsets[tap * taps->samples + block * BLOCK + i];
                low = offset < low ? offset : low, high = offset > high ? offset : high;
            }
        }
        taps->block_bases[block] = high - low < 128 ? low : -1;
        if (high - low >= 128) continue;
        for (size_t tap = 0; tap < count; tap++) {
            for (size_t i = 0; i < BLOCK; i++) {
                taps->block_picks[(block * count + tap) * 64 + i] = (uint8_t)(taps->offsets[tap * taps->samples + block * BLOCK + i] - low);
            }
        }
    }
    return 0;
}

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
    return make_block_picks(taps);
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

/// Blocks of `BLOCK` samples whose bytes lie within 128 of each other, without gathers: the
/// span is loaded as two vectors (masked at the row's end, so the last row may come here too)
/// and each tap's bytes picked with one two-vector byte permute; the same Float sums as the
/// gathering versions. Stops at the first block that spans more; returns where it stopped.
PK_AVX512_VBMI static size_t resample_row_vbmi(const uint8_t *row, size_t row_length, SampleTaps taps, float *target) {
    size_t block = 0;
    for (; block < taps.blocks && taps.block_bases[block] >= 0; block++) {
        size_t base = (size_t)taps.block_bases[block], available = row_length - base, j = block * BLOCK;
        __mmask64 low_mask = available >= 64 ? ~(__mmask64)0 : ((__mmask64)1 << available) - 1;
        __mmask64 high_mask = available >= 128 ? ~(__mmask64)0 : available <= 64 ? 0 : ((__mmask64)1 << (available - 64)) - 1;
        __m512i low = _mm512_maskz_loadu_epi8(low_mask, row + base), high = _mm512_maskz_loadu_epi8(high_mask, row + base + 64);
        __m512 totals[3] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
        for (size_t tap = 0; tap < taps.taps; tap++) {
            __m512i picks = _mm512_loadu_si512((const void *)(taps.block_picks + (block * taps.taps + tap) * 64));
            __m512i bytes = _mm512_permutex2var_epi8(low, picks, high);
            __m128i parts[3] = {_mm512_castsi512_si128(bytes), _mm512_extracti32x4_epi32(bytes, 1), _mm512_extracti32x4_epi32(bytes, 2)};
            const float *weights = taps.weights + tap * taps.samples + j;
            for (int part = 0; part < 3; part++) {
                __m512 values = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(parts[part]));
                totals[part] = _mm512_add_ps(totals[part], _mm512_mul_ps(_mm512_loadu_ps(weights + 16 * part), values));
            }
        }
        for (int part = 0; part < 3; part++) _mm512_storeu_ps(target + j + 16 * part, totals[part]);
    }
    return block * BLOCK;
}
#endif

/// One source row (`row_length` bytes) resampled horizontally; `last` says it is the image's
/// last row (whose gathers could read past the image).
static void resample_row(const uint8_t *row, size_t row_length, SampleTaps taps, int last, float *target) {
    size_t j = 0;
#if PK_X86
    int level = pk_kernel_level();
    if (level >= PK_LEVEL_AVX512_VBMI) j = resample_row_vbmi(row, row_length, taps, target);
    if (last) level = PK_LEVEL_PORTABLE;
    if (level >= PK_LEVEL_AVX512 && j == 0) j = resample_row_avx512(row, taps, target);
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
    SampleTaps across = {NULL, NULL, 0, 0, NULL, NULL, 0};
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
                resample_row(source + (size_t)row * source_width * channels, source_width * channels, across, (size_t)row + 1 == source_height, slot_row);
                cached[slot] = row;
            }
            rows[tap] = slot_row;
        }
        weighted_rows(rows, vertical_weights + y * vertical_taps, vertical_taps, sum, row_length);
        narrow(sum, target + (y - first_row) * row_length, row_length);
    }
    free(cache), free(sum), free(cached), free(rows), free(across.offsets), free(across.weights), free(across.block_bases), free(across.block_picks);
    return status;
}
