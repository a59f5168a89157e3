#ifndef PERCEPT_FLOAT_ROWS_H
#define PERCEPT_FLOAT_ROWS_H

// Rows of bytes widened to Float and Float sums narrowed back to bytes (rounded half up and
// clamped, as `pk_round_u8`), eight at a time on AVX2 and sixteen on AVX-512; shared by the
// filters and resampling.

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

/// `target[i] = Σ weights[t] · rows[t][i]` summed tap by tap from 0, eight at a time from
/// `start`; returns where it stopped.
PK_AVX2 static inline size_t pk_weighted_rows_avx2(const float *const *rows, const float *weights, size_t taps, float *target,
                                                   size_t start, size_t length) {
    size_t i = start;
    for (; i + 8 <= length; i += 8) {
        __m256 total = _mm256_setzero_ps();
        for (size_t tap = 0; tap < taps; tap++)
            total = _mm256_add_ps(total, _mm256_mul_ps(_mm256_set1_ps(weights[tap]), _mm256_loadu_ps(rows[tap] + i)));
        _mm256_storeu_ps(target + i, total);
    }
    return i;
}

/// `widen_avx2` sixteen at a time.
PK_AVX512 static inline size_t widen_avx512(const uint8_t *source, float *target, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m128i bytes = _mm_loadu_si128((const __m128i *)(source + i));
        _mm512_storeu_ps(target + i, _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(bytes)));
    }
    return i;
}

/// `narrow_avx2` sixteen at a time (the same clamp order, so NaN also becomes 0).
PK_AVX512 static inline size_t narrow_avx512(const float *source, uint8_t *target, size_t count) {
    const __m512 half = _mm512_set1_ps(0.5f), zero = _mm512_setzero_ps(), top = _mm512_set1_ps(255.0f);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512 value = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(_mm512_loadu_ps(source + i), half), zero), top);
        _mm_storeu_si128((__m128i *)(target + i), _mm512_cvtusepi32_epi8(_mm512_cvttps_epi32(value)));
    }
    return i;
}

/// `pk_weighted_rows_avx2` sixteen at a time.
PK_AVX512 static inline size_t pk_weighted_rows_avx512(const float *const *rows, const float *weights, size_t taps, float *target,
                                                       size_t start, size_t length) {
    size_t i = start;
    for (; i + 16 <= length; i += 16) {
        __m512 total = _mm512_setzero_ps();
        for (size_t tap = 0; tap < taps; tap++)
            total = _mm512_add_ps(total, _mm512_mul_ps(_mm512_set1_ps(weights[tap]), _mm512_loadu_ps(rows[tap] + i)));
        _mm512_storeu_ps(target + i, total);
    }
    return i;
}
#endif

/// `target[i] = Σ weights[t] · rows[t][i]`, summed tap by tap from 0 (portable: taps outside
/// so the inner loops vectorise; each sample's order is unchanged).
static inline void weighted_rows(const float *const *rows, const float *weights, size_t taps, float *target, size_t length) {
    size_t i = 0;
#if PK_X86
    int level = pk_kernel_level();
    if (level >= PK_LEVEL_AVX512) i = pk_weighted_rows_avx512(rows, weights, taps, target, i, length);
    if (level >= PK_LEVEL_AVX2) i = pk_weighted_rows_avx2(rows, weights, taps, target, i, length);
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
    int level = pk_kernel_level();
    if (level >= PK_LEVEL_AVX512) i = widen_avx512(source, target, count);
    if (level >= PK_LEVEL_AVX2) i += widen_avx2(source + i, target + i, count - i);
#endif
    for (; i < count; i++) target[i] = (float)source[i];
}

static inline void narrow(const float *source, uint8_t *target, size_t count) {
    size_t i = 0;
#if PK_X86
    int level = pk_kernel_level();
    if (level >= PK_LEVEL_AVX512) i = narrow_avx512(source, target, count);
    if (level >= PK_LEVEL_AVX2) i += narrow_avx2(source + i, target + i, count - i);
#endif
    for (; i < count; i++) target[i] = pk_round_u8(source[i]);
}

#endif
