#ifndef PERCEPT_FLOAT_ROWS_H
#define PERCEPT_FLOAT_ROWS_H

// Rows of bytes widened to Float and Float sums narrowed back to bytes (rounded half up and
// clamped, as `pk_round_u8`), eight at a time on AVX2; shared by the filters and resampling.

#include "CPixelKernels.h"
#include "kernels.h"

#if PK_X86
/// Bytes to Floats, eight at a time; returns how many were done.
PK_AVX2 static inline size_t widen_avx2(const uint8_t *source, float *target, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m128i bytes = _mm_loadl_epi64((const __m128i *)(source + i));
        _mm256_storeu_ps(target + i, _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes)));
    }
    return i;
}

/// Floats to bytes with `pk_round_u8`, eight at a time; returns how many were done.
PK_AVX2 static inline size_t narrow_avx2(const float *source, uint8_t *target, size_t count) {
    const __m256 half = _mm256_set1_ps(0.5f), zero = _mm256_setzero_ps(), top = _mm256_set1_ps(255.0f);
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        // max(…, 0) also turns NaN into 0, as the portable rounding does.
        __m256 value = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(_mm256_loadu_ps(source + i), half), zero), top);
        __m256i integers = _mm256_cvttps_epi32(value);
        __m128i words = _mm_packus_epi32(_mm256_castsi256_si128(integers), _mm256_extracti128_si256(integers, 1));
        _mm_storel_epi64((__m128i *)(target + i), _mm_packus_epi16(words, words));
    }
    return i;
}

/// `target[i] = Σ weights[t] · rows[t][i]` summed tap by tap from 0, eight at a time;
/// returns how many were done.
PK_AVX2 static inline size_t pk_weighted_rows_avx2(const float *const *rows, const float *weights, size_t taps, float *target,
                                                   size_t length) {
    size_t i = 0;
    for (; i + 8 <= length; i += 8) {
        __m256 total = _mm256_setzero_ps();
        for (size_t tap = 0; tap < taps; tap++)
            total = _mm256_add_ps(total, _mm256_mul_ps(_mm256_set1_ps(weights[tap]), _mm256_loadu_ps(rows[tap] + i)));
        _mm256_storeu_ps(target + i, total);
    }
    return i;
}
#endif

/// `target[i] = Σ weights[t] · rows[t][i]`, summed tap by tap from 0 (portable: taps outside
/// so the inner loops vectorise; each sample's order is unchanged).
static inline void weighted_rows(const float *const *rows, const float *weights, size_t taps, float *target, size_t length) {
    size_t i = 0;
#if PK_X86
    if (pk_uses_avx2()) i = pk_weighted_rows_avx2(rows, weights, taps, target, length);
#endif
    for (size_t j = i; j < length; j++) target[j] = 0;
    for (size_t tap = 0; tap < taps; tap++) {
        const float *row = rows[tap];
        for (size_t j = i; j < length; j++) target[j] = target[j] + weights[tap] * row[j];
    }
}

static inline void widen(const uint8_t *source, float *target, size_t count) {
    size_t i = 0;
#if PK_X86
    if (pk_uses_avx2()) i = widen_avx2(source, target, count);
#endif
    for (; i < count; i++) target[i] = (float)source[i];
}

static inline void narrow(const float *source, uint8_t *target, size_t count) {
    size_t i = 0;
#if PK_X86
    if (pk_uses_avx2()) i = narrow_avx2(source, target, count);
#endif
    for (; i < count; i++) target[i] = pk_round_u8(source[i]);
}

#endif
