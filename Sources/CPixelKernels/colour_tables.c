#include "CPixelKernels.h"
#include "kernels.h"

#if PK_X86
/// 32 samples at a time: `vpshufb` looks up the low four bits in each of the 16 rows of 16
/// entries, and a tree of byte blends picks the row by bits 4, 5, 6 and 7 (each shifted to
/// the top bit, which `vpblendvb` reads). With `rgba`, every fourth byte keeps its value.
/// Returns how many samples were done.
PK_AVX2 static size_t table_avx2(const uint8_t *source, uint8_t *target, size_t count, const uint8_t table[256], int rgba) {
    __m256i rows[16];
    for (int row = 0; row < 16; row++) rows[row] = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(table + 16 * row)));
    const __m256i low_bits = _mm256_set1_epi8(0x0F), alpha = _mm256_set1_epi32(rgba ? (int32_t)0xFF000000u : 0);
    size_t i = 0;
    for (; i + 32 <= count; i += 32) {
        __m256i value = _mm256_loadu_si256((const __m256i *)(source + i)), index = _mm256_and_si256(value, low_bits);
        __m256i picked[16];
        for (int row = 0; row < 16; row++) picked[row] = _mm256_shuffle_epi8(rows[row], index);
        for (int bit = 4, width = 16; bit < 8; bit++, width /= 2) {
            __m256i select = _mm256_slli_epi16(value, 7 - bit);
            for (int pair = 0; pair < width / 2; pair++) picked[pair] = _mm256_blendv_epi8(picked[2 * pair], picked[2 * pair + 1], select);
        }
        _mm256_storeu_si256((__m256i *)(target + i), _mm256_blendv_epi8(picked[0], value, alpha));
    }
    return i;
}

/// `table_avx2` 64 samples at a time: the same `vpshufb` lookups in each 128-bit lane, and the
/// row picked by mask blends on bits 4 to 7.
PK_AVX512 static size_t table_avx512(const uint8_t *source, uint8_t *target, size_t count, const uint8_t table[256], int rgba) {
    __m512i rows[16];
    for (int row = 0; row < 16; row++) rows[row] = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(table + 16 * row)));
    const __m512i low_bits = _mm512_set1_epi8(0x0F);
    const __mmask64 alpha = rgba ? (__mmask64)0x8888888888888888ull : 0;
    size_t i = 0;
    for (; i + 64 <= count; i += 64) {
        __m512i value = _mm512_loadu_si512((const void *)(source + i)), index = _mm512_and_si512(value, low_bits);
        __m512i picked[16];
        for (int row = 0; row < 16; row++) picked[row] = _mm512_shuffle_epi8(rows[row], index);
        for (int bit = 4, width = 16; bit < 8; bit++, width /= 2) {
            __mmask64 select = _mm512_test_epi8_mask(value, _mm512_set1_epi8((char)(1 << bit)));
            for (int pair = 0; pair < width / 2; pair++) picked[pair] = _mm512_mask_blend_epi8(select, picked[2 * pair], picked[2 * pair + 1]);
        }
        _mm512_storeu_si512((void *)(target + i), _mm512_mask_blend_epi8(alpha, picked[0], value));
    }
    return i;
}

/// The vector part of a lookup over `count` bytes (`rgba`: every fourth keeps its value);
/// returns how many were done.
static size_t table_vector(const uint8_t *source, uint8_t *target, size_t count, const uint8_t table[256], int rgba) {
    int level = pk_kernel_level();
    size_t i = level >= PK_LEVEL_AVX512 ? table_avx512(source, target, count, table, rgba) : 0;
    return level >= PK_LEVEL_AVX2 ? i + table_avx2(source + i, target + i, count - i, table, rgba) : i;
}
#endif

void pk_lookup_u8(const uint8_t *source, uint8_t *target, size_t count, const uint8_t table[256]) {
    size_t i = 0;
#if PK_X86
    i = table_vector(source, target, count, table, 0);
#endif
    for (; i + 4 <= count; i += 4) {
        uint8_t a = table[source[i]], b = table[source[i + 1]], c = table[source[i + 2]], d = table[source[i + 3]];
        target[i] = a, target[i + 1] = b, target[i + 2] = c, target[i + 3] = d;
    }
    for (; i < count; i++) target[i] = table[source[i]];
}

void pk_table_u8(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, const uint8_t table[256]) {
    if (channels == 1 || channels == 3) {
        pk_lookup_u8(source, target, pixels * channels, table);
        return;
    }
    size_t pixel = 0;
#if PK_X86
    if (channels == 4) pixel = table_vector(source, target, pixels * 4, table, 1) / 4;
#endif
    for (source += pixel * channels, target += pixel * channels; pixel < pixels; pixel++, source += channels, target += channels) {
        for (size_t channel = 0; channel + 1 < channels; channel++) target[channel] = table[source[channel]];
        target[channels - 1] = source[channels - 1];
    }
}

#if PK_X86
/// RGB sums 16 pixels (48 bytes) at a time: byte j of a block belongs to channel j % 3, so
/// three masks per 16-byte vector pick each channel's bytes for `psadbw`.
PK_AVX2 static size_t rgb_sums_avx2(const uint8_t *source, size_t pixels, uint64_t sums[3]) {
    uint8_t lanes[3][3][16];
    for (int vector = 0; vector < 3; vector++)
        for (int channel = 0; channel < 3; channel++)
            for (int byte = 0; byte < 16; byte++) lanes[vector][channel][byte] = (vector * 16 + byte) % 3 == channel ? 0xFF : 0;
    __m128i masks[3][3], totals[3];
    for (int vector = 0; vector < 3; vector++)
        for (int channel = 0; channel < 3; channel++) masks[vector][channel] = _mm_loadu_si128((const __m128i *)lanes[vector][channel]);
    for (int channel = 0; channel < 3; channel++) totals[channel] = _mm_setzero_si128();
    const __m128i zero = _mm_setzero_si128();
    size_t pixel = 0;
    for (; pixel + 16 <= pixels; pixel += 16, source += 48) {
        for (int vector = 0; vector < 3; vector++) {
            __m128i bytes = _mm_loadu_si128((const __m128i *)(source + vector * 16));
            for (int channel = 0; channel < 3; channel++)
                totals[channel] = _mm_add_epi64(totals[channel], _mm_sad_epu8(_mm_and_si128(bytes, masks[vector][channel]), zero));
        }
    }
    for (int channel = 0; channel < 3; channel++)
        sums[channel] += (uint64_t)_mm_cvtsi128_si64(totals[channel]) + (uint64_t)_mm_extract_epi64(totals[channel], 1);
    return pixel;
}
#endif

void pk_channel_sums_u8(const uint8_t *source, size_t pixels, size_t channels, uint64_t sums[3]) {
    sums[0] = sums[1] = sums[2] = 0;
    size_t pixel = 0;
#if PK_X86
    if (channels == 3 && pk_uses_avx2()) pixel = rgb_sums_avx2(source, pixels, sums);
#endif
    for (source += pixel * channels; pixel < pixels; pixel++, source += channels) {
        sums[0] += source[0], sums[1] += source[1], sums[2] += source[2];
    }
}
