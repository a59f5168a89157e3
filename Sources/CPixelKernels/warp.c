#include "CPixelKernels.h"
#include "kernels.h"
#include "pixel_lanes.h"

// Bilinear taps blended with 11-bit weights: two horizontal lerps, then a vertical one (at
// most 255·2²² before the shift, so 32-bit integers hold every step). The same arithmetic as
// the Swift edge path, so interior and border pixels agree. A mirrored source is read as if
// flipped left-right first: the taps of virtual column c come from column width − 1 − c, with
// the same positions and weights, so the bytes equal those of flipping and then warping.

enum { FRACTION_BITS = 11, FRACTION_MASK = (1 << FRACTION_BITS) - 1 };

static inline uint8_t blend(int32_t a, int32_t b, int32_t c, int32_t d, int32_t fraction_x, int32_t fraction_y) {
    int32_t upper = (a << FRACTION_BITS) + (b - a) * fraction_x;
    int32_t lower = (c << FRACTION_BITS) + (d - c) * fraction_x;
    return (uint8_t)(((upper << FRACTION_BITS) + (lower - upper) * fraction_y + (1 << (2 * FRACTION_BITS - 1))) >> (2 * FRACTION_BITS));
}

/// One pixel: blended when its taps lie inside, the fill when none does (constant border),
/// else its index goes to `edges`.
static inline void warp_pixel(const uint8_t *source, int64_t width, int64_t height, size_t channels, int mirrored, uint8_t *target,
                              int64_t x, int64_t y, const uint8_t *fill, int32_t *edges, size_t *edge_count, size_t index) {
    const int shift = 32 - FRACTION_BITS;
    int64_t left = x >> 32, top = y >> 32;
    int32_t fraction_x = (int32_t)((x >> shift) & FRACTION_MASK), fraction_y = (int32_t)((y >> shift) & FRACTION_MASK);
    if ((uint64_t)left < (uint64_t)(width - 1) && (uint64_t)top < (uint64_t)(height - 1)) {
        // Mirrored, virtual columns left and left + 1 are the real columns width − 1 − left
        // and the one before it.
        size_t column = (size_t)(mirrored ? width - 2 - left : left), first = mirrored ? channels : 0, second = channels - first;
        const uint8_t *upper = source + ((size_t)top * (size_t)width + column) * channels, *lower = upper + (size_t)width * channels;
        for (size_t channel = 0; channel < channels; channel++) {
            target[channel] = blend(upper[channel + first], upper[channel + second], lower[channel + first], lower[channel + second],
                                    fraction_x, fraction_y);
        }
    } else if (fill != NULL && (left < -1 || left >= width || top < -1 || top >= height)) {
        for (size_t channel = 0; channel < channels; channel++) target[channel] = fill[channel];
    } else {
        edges[(*edge_count)++] = (int32_t)index;
    }
}

/// Pixels `first ..< end` of a row starting at `(x, y)` in `target`, one by one.
static inline void warp_pixels(const uint8_t *source, int64_t width, int64_t height, size_t channels, int mirrored, uint8_t *target,
                               size_t first, size_t end, int64_t x, int64_t y, int64_t step_x, int64_t step_y,
                               const uint8_t *fill, int32_t *edges, size_t *edge_count) {
    for (size_t pixel = first; pixel < end; pixel++) {
        warp_pixel(source, width, height, channels, mirrored, target + pixel * channels, x + (int64_t)pixel * step_x,
                   y + (int64_t)pixel * step_y, fill, edges, edge_count, pixel);
    }
}

#if PK_X86
/// Splits four 64-bit positions from each of `first` and `second` into their high halves
/// (the pixel) and low halves (the fraction), eight 32-bit lanes each.
PK_AVX2 static inline void split_positions(__m256i first, __m256i second, __m256i *whole, __m256i *part) {
    const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
    __m256i a = _mm256_permutevar8x32_epi32(first, order), b = _mm256_permutevar8x32_epi32(second, order);
    *part = _mm256_permute2x128_si256(a, b, 0x20);
    *whole = _mm256_permute2x128_si256(a, b, 0x31);
}

/// One channel of eight pixels: `madd` of (left, right) byte pairs with (2048 − fx, fx) is
/// exactly `(a << 11) + (b − a)·fx`, then the vertical step as in `blend`.
PK_AVX2 static inline __m256i blend_lanes(__m256i a, __m256i b, __m256i c, __m256i d, __m256i weights_x, __m256i fraction_y) {
    __m256i upper = _mm256_madd_epi16(_mm256_or_si256(a, _mm256_slli_epi32(b, 16)), weights_x);
    __m256i lower = _mm256_madd_epi16(_mm256_or_si256(c, _mm256_slli_epi32(d, 16)), weights_x);
    __m256i sum = _mm256_add_epi32(_mm256_slli_epi32(upper, FRACTION_BITS), _mm256_mullo_epi32(_mm256_sub_epi32(lower, upper), fraction_y));
    return _mm256_srai_epi32(_mm256_add_epi32(sum, _mm256_set1_epi32(1 << (2 * FRACTION_BITS - 1))), 2 * FRACTION_BITS);
}

/// RGB rows eight pixels at a time: positions in 64-bit lanes, each pixel's two source pixel
/// pairs gathered as 32-bit words at byte offsets 0 and 2 (`a0 a1 a2 b0`, `a2 b0 b1 b2`).
/// Blocks with a pixel outside the interior go pixel by pixel.
PK_AVX2 static size_t warp_rgb_row_avx2(const uint8_t *source, int64_t width, int64_t height, int mirrored, uint8_t *target, size_t count,
                                        int64_t x, int64_t y, int64_t step_x, int64_t step_y, const uint8_t *fill,
                                        int32_t *edges) {
    RGBShuffles shuffles = rgb_shuffles();
    const __m256i byte = _mm256_set1_epi32(0xFF), fraction_mask = _mm256_set1_epi32(FRACTION_MASK), one = _mm256_set1_epi32(1 << FRACTION_BITS);
    const __m256i minus_one = _mm256_set1_epi32(-1), last_left = _mm256_set1_epi32((int32_t)(width - 1)),
                  last_top = _mm256_set1_epi32((int32_t)(height - 1)), row_width = _mm256_set1_epi32((int32_t)width),
                  last_pair = _mm256_set1_epi32((int32_t)(width - 2));
    const int row_bytes = (int)(width * 3);
    __m256i steps_x = _mm256_set1_epi64x(step_x * 8), steps_y = _mm256_set1_epi64x(step_y * 8);
    __m256i x0 = _mm256_setr_epi64x(x, x + step_x, x + 2 * step_x, x + 3 * step_x), x1 = _mm256_add_epi64(x0, _mm256_set1_epi64x(4 * step_x));
    __m256i y0 = _mm256_setr_epi64x(y, y + step_y, y + 2 * step_y, y + 3 * step_y), y1 = _mm256_add_epi64(y0, _mm256_set1_epi64x(4 * step_y));
    size_t edge_count = 0, index = 0;
    for (; index + 8 <= count; index += 8) {
        __m256i left, low_x, top, low_y;
        split_positions(x0, x1, &left, &low_x);
        split_positions(y0, y1, &top, &low_y);
        __m256i inside = _mm256_and_si256(_mm256_and_si256(_mm256_cmpgt_epi32(left, minus_one), _mm256_cmpgt_epi32(last_left, left)),
                                          _mm256_and_si256(_mm256_cmpgt_epi32(top, minus_one), _mm256_cmpgt_epi32(last_top, top)));
        if (_mm256_movemask_epi8(inside) == -1) {
            __m256i fraction_x = _mm256_and_si256(_mm256_srli_epi32(low_x, 32 - FRACTION_BITS), fraction_mask);
            __m256i fraction_y = _mm256_and_si256(_mm256_srli_epi32(low_y, 32 - FRACTION_BITS), fraction_mask);
            // Mirrored: the pair is gathered from the real column width − 2 − left, whose bytes
            // come in the other order, so the two weights swap.
            __m256i weights_x = mirrored ? _mm256_or_si256(fraction_x, _mm256_slli_epi32(_mm256_sub_epi32(one, fraction_x), 16))
                                         : _mm256_or_si256(_mm256_sub_epi32(one, fraction_x), _mm256_slli_epi32(fraction_x, 16));
            __m256i column = mirrored ? _mm256_sub_epi32(last_pair, left) : left;
            __m256i offsets = _mm256_mullo_epi32(_mm256_add_epi32(_mm256_mullo_epi32(top, row_width), column), _mm256_set1_epi32(3));
            const int *base = (const int *)source, *shifted = (const int *)(source + 2);
            __m256i upper_first = _mm256_i32gather_epi32(base, offsets, 1), upper_second = _mm256_i32gather_epi32(shifted, offsets, 1);
            __m256i below = _mm256_add_epi32(offsets, _mm256_set1_epi32(row_bytes));
            __m256i lower_first = _mm256_i32gather_epi32(base, below, 1), lower_second = _mm256_i32gather_epi32(shifted, below, 1);
            Lanes lanes;
            lanes.red = blend_lanes(_mm256_and_si256(upper_first, byte), _mm256_srli_epi32(upper_first, 24),
                                    _mm256_and_si256(lower_first, byte), _mm256_srli_epi32(lower_first, 24), weights_x, fraction_y);
            lanes.green = blend_lanes(_mm256_and_si256(_mm256_srli_epi32(upper_first, 8), byte), _mm256_and_si256(_mm256_srli_epi32(upper_second, 16), byte),
                                      _mm256_and_si256(_mm256_srli_epi32(lower_first, 8), byte), _mm256_and_si256(_mm256_srli_epi32(lower_second, 16), byte),
                                      weights_x, fraction_y);
            lanes.blue = blend_lanes(_mm256_and_si256(_mm256_srli_epi32(upper_first, 16), byte), _mm256_srli_epi32(upper_second, 24),
                                     _mm256_and_si256(_mm256_srli_epi32(lower_first, 16), byte), _mm256_srli_epi32(lower_second, 24),
                                     weights_x, fraction_y);
            lanes.alpha = _mm256_setzero_si256();
            store_pixels(target + index * 3, 3, lanes, &shuffles);
        } else {
            warp_pixels(source, width, height, 3, mirrored, target, index, index + 8, x, y, step_x, step_y, fill, edges, &edge_count);
        }
        x0 = _mm256_add_epi64(x0, steps_x), x1 = _mm256_add_epi64(x1, steps_x);
        y0 = _mm256_add_epi64(y0, steps_y), y1 = _mm256_add_epi64(y1, steps_y);
    }
    warp_pixels(source, width, height, 3, mirrored, target, index, count, x, y, step_x, step_y, fill, edges, &edge_count);
    return edge_count;
}

/// Sixteen 32.32 fixed-point positions kept as their whole parts and fractions in 32-bit
/// lanes (no 64-bit lanes to split each step); `advance` adds a step to both with the carry,
/// exactly the 64-bit sum.
typedef struct {
    __m512i whole, part;
} WidePositions;

/// Lanes `start + i·step` for i = 0…15.
PK_AVX512 static inline WidePositions wide_positions(int64_t start, int64_t step) {
    int32_t whole[16];
    uint32_t part[16];
    for (int lane = 0; lane < 16; lane++) {
        int64_t position = start + lane * step;
        whole[lane] = (int32_t)(position >> 32), part[lane] = (uint32_t)position;
    }
    WidePositions positions = {_mm512_loadu_si512((const void *)whole), _mm512_loadu_si512((const void *)part)};
    return positions;
}

PK_AVX512 static inline void advance(WidePositions *positions, __m512i step_whole, __m512i step_part) {
    __m512i part = _mm512_add_epi32(positions->part, step_part), whole = _mm512_add_epi32(positions->whole, step_whole);
    // The fraction carries where its sum wrapped below the step.
    positions->whole = _mm512_mask_add_epi32(whole, _mm512_cmplt_epu32_mask(part, step_part), whole, _mm512_set1_epi32(1));
    positions->part = part;
}

/// `blend_lanes` on sixteen lanes whose 32-bit words already hold each left tap in byte 0 and
/// its right neighbour in byte 2 (the two 16-bit halves `madd` pairs with `weights_x`).
PK_AVX512 static inline __m512i blend_pairs(__m512i upper_pairs, __m512i lower_pairs, __m512i weights_x, __m512i fraction_y) {
    __m512i upper = _mm512_madd_epi16(upper_pairs, weights_x), lower = _mm512_madd_epi16(lower_pairs, weights_x);
    __m512i sum = _mm512_add_epi32(_mm512_slli_epi32(upper, FRACTION_BITS), _mm512_mullo_epi32(_mm512_sub_epi32(lower, upper), fraction_y));
    return _mm512_srai_epi32(_mm512_add_epi32(sum, _mm512_set1_epi32(1 << (2 * FRACTION_BITS - 1))), 2 * FRACTION_BITS);
}

/// Byte shuffles from the two gathered words of a pixel's taps in one source row — `a0 a1 a2 b0`
/// (at its offset) and `a2 b0 b1 b2` (two bytes on) — to one channel's pair: the left tap in
/// byte 0, the right one in byte 2. `first[c]` takes what the first word has, `second[c]` the rest.
typedef struct {
    __m512i first[3], second[3];
} PairShuffles;

PK_AVX512 static inline PairShuffles pair_shuffles(void) {
    PairShuffles s;
    for (int channel = 0; channel < 3; channel++) {
        int8_t first[64], second[64];
        for (int byte = 0; byte < 64; byte++) {
            int word = byte & ~3, position = byte & 3;
            first[byte] = second[byte] = -1;
            if (position == 0) first[byte] = (int8_t)(word + channel);
            // The right tap: red's b0 is byte 3 of the first word; green's and blue's come from the second.
            if (position == 2 && channel == 0) first[byte] = (int8_t)(word + 3);
            if (position == 2 && channel > 0) second[byte] = (int8_t)(word + channel + 1);
        }
        s.first[channel] = _mm512_loadu_si512((const void *)first);
        s.second[channel] = _mm512_loadu_si512((const void *)second);
    }
    return s;
}

/// One channel's pairs of sixteen pixels from their two gathered words.
PK_AVX512 static inline __m512i channel_pairs(__m512i first, __m512i second, const PairShuffles *s, int channel) {
    __m512i pairs = _mm512_shuffle_epi8(first, s->first[channel]);
    return channel == 0 ? pairs : _mm512_or_si512(pairs, _mm512_shuffle_epi8(second, s->second[channel]));
}

/// Sixteen RGB pixels (lanes of 0…255) stored as 48 bytes: each pixel packed into a word,
/// three bytes of each word kept within its 128-bit lane, the lanes' twelve bytes joined.
PK_AVX512 static inline void store_rgb16(uint8_t *target, __m512i red, __m512i green, __m512i blue, __m512i squeeze, __m512i join) {
    __m512i words = _mm512_or_si512(red, _mm512_or_si512(_mm512_slli_epi32(green, 8), _mm512_slli_epi32(blue, 16)));
    __m512i packed = _mm512_permutexvar_epi32(join, _mm512_shuffle_epi8(words, squeeze));
    _mm512_mask_storeu_epi32((void *)target, 0x0FFF, packed);
}

/// `warp_rgb_row_avx2` sixteen pixels at a time; returns how many pixels it did (a multiple of
/// sixteen) and adds the edge pixels among them to `edges`. Each channel's tap pairs come from
/// the gathered words with one or two byte shuffles, and the pixels go out packed in words.
PK_AVX512 static size_t warp_rgb_row_avx512(const uint8_t *source, int64_t width, int64_t height, int mirrored, uint8_t *target, size_t count,
                                            int64_t x, int64_t y, int64_t step_x, int64_t step_y, const uint8_t *fill,
                                            int32_t *edges, size_t *edge_count) {
    PairShuffles pairs = pair_shuffles();
    const __m512i one = _mm512_set1_epi32(1 << FRACTION_BITS),
                  last_left = _mm512_set1_epi32((int32_t)(width - 1)), last_top = _mm512_set1_epi32((int32_t)(height - 1)),
                  row_width = _mm512_set1_epi32((int32_t)width), three = _mm512_set1_epi32(3),
                  row_bytes = _mm512_set1_epi32((int32_t)(width * 3)), last_pair = _mm512_set1_epi32((int32_t)(width - 2));
    // Bytes 0–2 of each word to the front of its 128-bit lane, then lanes' first three words joined.
    int8_t squeeze_bytes[64];
    for (int byte = 0; byte < 64; byte++) squeeze_bytes[byte] = (byte & 15) < 12 ? (int8_t)((byte & 15) / 3 * 4 + (byte & 15) % 3) : -1;
    const __m512i squeeze = _mm512_loadu_si512((const void *)squeeze_bytes);
    const __m512i join = _mm512_setr_epi32(0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 13, 14, 3, 7, 11, 15);
    const int64_t block_x = 16 * step_x, block_y = 16 * step_y;
    const __m512i step_whole_x = _mm512_set1_epi32((int32_t)(block_x >> 32)), step_part_x = _mm512_set1_epi32((int32_t)(uint32_t)block_x);
    const __m512i step_whole_y = _mm512_set1_epi32((int32_t)(block_y >> 32)), step_part_y = _mm512_set1_epi32((int32_t)(uint32_t)block_y);
    WidePositions xs = wide_positions(x, step_x), ys = wide_positions(y, step_y);
    size_t index = 0;
    for (; index + 16 <= count; index += 16, advance(&xs, step_whole_x, step_part_x), advance(&ys, step_whole_y, step_part_y)) {
        __m512i left = xs.whole, top = ys.whole;
        // Unsigned compares: negative pixels count as outside, as in `warp_pixel`.
        __mmask16 inside = _mm512_cmplt_epu32_mask(left, last_left) & _mm512_cmplt_epu32_mask(top, last_top);
        if (inside == 0) {
            warp_pixels(source, width, height, 3, mirrored, target, index, index + 16, x, y, step_x, step_y, fill, edges, edge_count);
            continue;
        }
        // Lanes outside gather nothing (their offsets may be anything) and are redone below.
        __m512i fraction_x = _mm512_srli_epi32(xs.part, 32 - FRACTION_BITS), fraction_y = _mm512_srli_epi32(ys.part, 32 - FRACTION_BITS);
        // Mirrored: the pair is gathered from the real column width − 2 − left, whose bytes
        // come in the other order, so the two weights swap.
        __m512i weights_x = mirrored ? _mm512_or_si512(fraction_x, _mm512_slli_epi32(_mm512_sub_epi32(one, fraction_x), 16))
                                     : _mm512_or_si512(_mm512_sub_epi32(one, fraction_x), _mm512_slli_epi32(fraction_x, 16));
        __m512i column = mirrored ? _mm512_sub_epi32(last_pair, left) : left;
        __m512i offsets = _mm512_mullo_epi32(_mm512_add_epi32(_mm512_mullo_epi32(top, row_width), column), three);
        __m512i below = _mm512_add_epi32(offsets, row_bytes);
        const __m512i none = _mm512_setzero_si512();
        __m512i upper_first = _mm512_mask_i32gather_epi32(none, inside, offsets, (const void *)source, 1);
        __m512i upper_second = _mm512_mask_i32gather_epi32(none, inside, offsets, (const void *)(source + 2), 1);
        __m512i lower_first = _mm512_mask_i32gather_epi32(none, inside, below, (const void *)source, 1);
        __m512i lower_second = _mm512_mask_i32gather_epi32(none, inside, below, (const void *)(source + 2), 1);
        __m512i channels_out[3];
        for (int channel = 0; channel < 3; channel++) {
            channels_out[channel] = blend_pairs(channel_pairs(upper_first, upper_second, &pairs, channel),
                                                channel_pairs(lower_first, lower_second, &pairs, channel), weights_x, fraction_y);
        }
        store_rgb16(target + index * 3, channels_out[0], channels_out[1], channels_out[2], squeeze, join);
        // The others, in order: the fill, or their index to `edges` (whose pixels the
        // border rule then writes over).
        for (unsigned outside = (unsigned)(~inside & 0xFFFF); outside != 0; outside &= outside - 1) {
            size_t pixel = index + (size_t)__builtin_ctz(outside);
            warp_pixels(source, width, height, 3, mirrored, target, pixel, pixel + 1, x, y, step_x, step_y, fill, edges, edge_count);
        }
    }
    return index;
}
#endif

size_t pk_warp_row_u8(const uint8_t *source, size_t source_width, size_t source_height, size_t channels, int mirrored,
                      uint8_t *target, size_t count, int64_t x, int64_t y, int64_t step_x, int64_t step_y,
                      const uint8_t *fill, int32_t *edges) {
    const int64_t width = (int64_t)source_width, height = (int64_t)source_height;
    size_t edge_count = 0, index = 0;
#if PK_X86
    // The gathers take 32-bit byte offsets.
    int level = channels == 3 && source_width * source_height * 3 < (1u << 31) - 16 ? pk_kernel_level() : PK_LEVEL_PORTABLE;
    if (level >= PK_LEVEL_AVX512) {
        index = warp_rgb_row_avx512(source, width, height, mirrored, target, count, x, y, step_x, step_y, fill, edges, &edge_count);
    } else if (level >= PK_LEVEL_AVX2) {
        return warp_rgb_row_avx2(source, width, height, mirrored, target, count, x, y, step_x, step_y, fill, edges);
    }
#endif
    warp_pixels(source, width, height, channels, mirrored, target, index, count, x, y, step_x, step_y, fill, edges, &edge_count);
    return edge_count;
}
