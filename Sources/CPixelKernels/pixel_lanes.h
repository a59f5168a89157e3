#ifndef PERCEPT_PIXEL_LANES_H
#define PERCEPT_PIXEL_LANES_H

// Eight (AVX2) or sixteen (AVX-512) interleaved RGB(A) pixels spread into one 32-bit lane per
// pixel and channel, and back; shared by the colour and warp kernels.

#include "kernels.h"

#if PK_X86
/// Eight pixels' channels as 32-bit lanes.
typedef struct {
    __m256i red, green, blue, alpha;
} Lanes;

/// Byte shuffles that gather one channel of eight RGB pixels (24 bytes, read as 16 + 8).
typedef struct {
    __m128i low[3], high[3], to_low[2], to_high[2];
} RGBShuffles;

PK_AVX2 static inline RGBShuffles rgb_shuffles(void) {
    RGBShuffles s;
    for (int channel = 0; channel < 3; channel++) {
        int8_t low[16], high[16];
        for (int i = 0; i < 16; i++) low[i] = high[i] = -1;
        for (int pixel = 0; pixel < 8; pixel++) {
            int byte = pixel * 3 + channel;
            if (byte < 16) low[pixel] = (int8_t)byte; else high[pixel] = (int8_t)(byte - 16);
        }
        s.low[channel] = _mm_loadu_si128((const __m128i *)low);
        s.high[channel] = _mm_loadu_si128((const __m128i *)high);
    }
    // Back: bytes come from [red 0–7, green 0–7] and [blue 0–7, …].
    for (int part = 0; part < 2; part++) {
        int8_t first[16], second[16];
        for (int i = 0; i < 16; i++) {
            int byte = part * 16 + i, pixel = byte / 3, channel = byte % 3;
            first[i] = -1, second[i] = -1;
            if (byte < 24) {
                if (channel == 2) second[i] = (int8_t)pixel; else first[i] = (int8_t)(channel * 8 + pixel);
            }
        }
        s.to_low[part] = _mm_loadu_si128((const __m128i *)first);
        s.to_high[part] = _mm_loadu_si128((const __m128i *)second);
    }
    return s;
}

PK_AVX2 static inline Lanes load_pixels(const uint8_t *source, size_t channels, const RGBShuffles *s) {
    Lanes lanes;
    if (channels == 4) {
        __m256i words = _mm256_loadu_si256((const __m256i *)source), byte = _mm256_set1_epi32(0xFF);
        lanes.red = _mm256_and_si256(words, byte);
        lanes.green = _mm256_and_si256(_mm256_srli_epi32(words, 8), byte);
        lanes.blue = _mm256_and_si256(_mm256_srli_epi32(words, 16), byte);
        lanes.alpha = _mm256_srli_epi32(words, 24);
        return lanes;
    }
    __m128i low = _mm_loadu_si128((const __m128i *)source), high = _mm_loadl_epi64((const __m128i *)(source + 16));
    __m256i *channels_out[3] = {&lanes.red, &lanes.green, &lanes.blue};
    for (int channel = 0; channel < 3; channel++) {
        __m128i bytes = _mm_or_si128(_mm_shuffle_epi8(low, s->low[channel]), _mm_shuffle_epi8(high, s->high[channel]));
        *channels_out[channel] = _mm256_cvtepu8_epi32(bytes);
    }
    lanes.alpha = _mm256_setzero_si256();
    return lanes;
}

/// Eight lanes of 0...255 to eight bytes (in the low half).
PK_AVX2 static inline __m128i words_of(__m256i lanes) {
    return _mm_packus_epi32(_mm256_castsi256_si128(lanes), _mm256_extracti128_si256(lanes, 1));
}

PK_AVX2 static inline void store_pixels(uint8_t *target, size_t channels, Lanes lanes, const RGBShuffles *s) {
    if (channels == 4) {
        __m256i words = _mm256_or_si256(_mm256_or_si256(lanes.red, _mm256_slli_epi32(lanes.green, 8)),
                                        _mm256_or_si256(_mm256_slli_epi32(lanes.blue, 16), _mm256_slli_epi32(lanes.alpha, 24)));
        _mm256_storeu_si256((__m256i *)target, words);
        return;
    }
    __m128i red_green = _mm_packus_epi16(words_of(lanes.red), words_of(lanes.green));
    __m128i blue = _mm_packus_epi16(words_of(lanes.blue), _mm_setzero_si128());
    __m128i low = _mm_or_si128(_mm_shuffle_epi8(red_green, s->to_low[0]), _mm_shuffle_epi8(blue, s->to_high[0]));
    __m128i high = _mm_or_si128(_mm_shuffle_epi8(red_green, s->to_low[1]), _mm_shuffle_epi8(blue, s->to_high[1]));
    _mm_storeu_si128((__m128i *)target, low);
    _mm_storel_epi64((__m128i *)(target + 16), high);
}

/// `pk_round_u8` of eight Floats, as 32-bit lanes.
PK_AVX2 static inline __m256i rounded(__m256 value) {
    __m256 clamped = _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(value, _mm256_set1_ps(0.5f)), _mm256_setzero_ps()),
                                   _mm256_set1_ps(255.0f));
    return _mm256_cvttps_epi32(clamped);
}

/// Sixteen pixels' channels as 32-bit lanes.
typedef struct {
    __m512i red, green, blue, alpha;
} WideLanes;

/// Two 256-bit halves as one 512-bit vector.
PK_AVX512 static inline __m512i joined(__m256i low, __m256i high) {
    return _mm512_inserti64x4(_mm512_castsi256_si512(low), high, 1);
}

/// Byte shuffles between sixteen RGB pixels (three 16-byte vectors) and one 16-byte vector per
/// channel: `gather[v][c]` picks channel c's bytes from vector v, `scatter[v][c]` places
/// channel c's bytes into vector v.
typedef struct {
    __m128i gather[3][3], scatter[3][3];
} WideShuffles;

PK_AVX2 static inline WideShuffles wide_shuffles(void) {
    WideShuffles s;
    for (int vector = 0; vector < 3; vector++) {
        for (int channel = 0; channel < 3; channel++) {
            int8_t gather[16], scatter[16];
            for (int i = 0; i < 16; i++) {
                int from = 3 * i + channel, to = 16 * vector + i;
                gather[i] = from / 16 == vector ? (int8_t)(from % 16) : -1;
                scatter[i] = to % 3 == channel ? (int8_t)(to / 3) : -1;
            }
            s.gather[vector][channel] = _mm_loadu_si128((const __m128i *)gather);
            s.scatter[vector][channel] = _mm_loadu_si128((const __m128i *)scatter);
        }
    }
    return s;
}

/// Sixteen RGB(A) pixels as lanes (alpha 0 for RGB).
PK_AVX512 static inline WideLanes load_wide_pixels(const uint8_t *source, size_t channels, const WideShuffles *s) {
    WideLanes lanes;
    if (channels == 4) {
        __m512i words = _mm512_loadu_si512((const void *)source), byte = _mm512_set1_epi32(0xFF);
        lanes.red = _mm512_and_si512(words, byte);
        lanes.green = _mm512_and_si512(_mm512_srli_epi32(words, 8), byte);
        lanes.blue = _mm512_and_si512(_mm512_srli_epi32(words, 16), byte);
        lanes.alpha = _mm512_srli_epi32(words, 24);
        return lanes;
    }
    __m128i parts[3];
    for (int vector = 0; vector < 3; vector++) parts[vector] = _mm_loadu_si128((const __m128i *)(source + 16 * vector));
    __m512i *channels_out[3] = {&lanes.red, &lanes.green, &lanes.blue};
    for (int channel = 0; channel < 3; channel++) {
        __m128i bytes = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(parts[0], s->gather[0][channel]), _mm_shuffle_epi8(parts[1], s->gather[1][channel])),
                                     _mm_shuffle_epi8(parts[2], s->gather[2][channel]));
        *channels_out[channel] = _mm512_cvtepu8_epi32(bytes);
    }
    lanes.alpha = _mm512_setzero_si512();
    return lanes;
}

/// Sixteen pixels of 0...255 lanes back to RGB(A) bytes.
PK_AVX512 static inline void store_wide_pixels(uint8_t *target, size_t channels, WideLanes lanes, const WideShuffles *s) {
    if (channels == 4) {
        __m512i words = _mm512_or_si512(_mm512_or_si512(lanes.red, _mm512_slli_epi32(lanes.green, 8)),
                                        _mm512_or_si512(_mm512_slli_epi32(lanes.blue, 16), _mm512_slli_epi32(lanes.alpha, 24)));
        _mm512_storeu_si512((void *)target, words);
        return;
    }
    __m128i bytes[3] = {_mm512_cvtepi32_epi8(lanes.red), _mm512_cvtepi32_epi8(lanes.green), _mm512_cvtepi32_epi8(lanes.blue)};
    for (int vector = 0; vector < 3; vector++) {
        __m128i part = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(bytes[0], s->scatter[vector][0]), _mm_shuffle_epi8(bytes[1], s->scatter[vector][1])),
                                    _mm_shuffle_epi8(bytes[2], s->scatter[vector][2]));
        _mm_storeu_si128((__m128i *)(target + 16 * vector), part);
    }
}

/// `rounded` of sixteen Floats.
PK_AVX512 static inline __m512i rounded_wide(__m512 value) {
    __m512 clamped = _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(value, _mm512_set1_ps(0.5f)), _mm512_setzero_ps()),
                                   _mm512_set1_ps(255.0f));
    return _mm512_cvttps_epi32(clamped);
}

#endif

#endif
