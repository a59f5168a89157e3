#include "png_fast_decode.h"

#include <stdlib.h>
#include <string.h>

// PNG's five row filters (PNG specification, section 9). Each one is written once as an
// always-inlined body taking the pixel size as a constant, then instantiated for every size
// the fast path meets (1, 2, 3, 4, 6, 8 bytes): with the size known the per-channel left and
// upper-left values stay in registers instead of being reloaded from the row just written.

enum { FILTER_NONE, FILTER_SUB, FILTER_UP, FILTER_AVERAGE, FILTER_PAETH };

// The left neighbour of the first pixel and the row above the first row are zero, so the
// loops start from zeroed `left`/`upperLeft` values and a zeroed previous row.
#define MAX_PIXEL_BYTES 8

static inline __attribute__((always_inline)) void sub_row(
    const uint8_t *restrict filtered, uint8_t *restrict out, size_t rowBytes, const size_t pixelBytes) {
    uint8_t left[MAX_PIXEL_BYTES] = {0};
    for (size_t i = 0; i < rowBytes; i += pixelBytes) {
        for (size_t k = 0; k < pixelBytes; k++) {
            left[k] = (uint8_t)(filtered[i + k] + left[k]);
            out[i + k] = left[k];
        }
    }
}

static inline __attribute__((always_inline)) void average_row(
    const uint8_t *restrict filtered, const uint8_t *restrict above, uint8_t *restrict out,
    size_t rowBytes, const size_t pixelBytes) {
    unsigned left[MAX_PIXEL_BYTES] = {0};
    for (size_t i = 0; i < rowBytes; i += pixelBytes) {
        for (size_t k = 0; k < pixelBytes; k++) {
            left[k] = (uint8_t)(filtered[i + k] + ((left[k] + above[i + k]) >> 1));
            out[i + k] = (uint8_t)left[k];
        }
    }
}

#if defined(__SSE2__)
#include <emmintrin.h>

// Paeth with SSE2 (part of every x86-64 CPU, so no run-time check): one pixel at a time, its
// channels in 16-bit lanes. Selects must be masks: on noisy rows a branch is mispredicted about
// every other byte, and clang's x86 back end turns scalar selects in this loop into branches.
static inline __m128i load_pixel(const uint8_t *bytes, size_t pixelBytes) {
    uint64_t bits = 0;
    memcpy(&bits, bytes, pixelBytes);
    return _mm_unpacklo_epi8(_mm_cvtsi64_si128((long long)bits), _mm_setzero_si128());
}

static inline void store_pixel(uint8_t *bytes, __m128i lanes, size_t pixelBytes) {
    uint64_t bits = (uint64_t)_mm_cvtsi128_si64(_mm_packus_epi16(lanes, lanes));
    memcpy(bytes, &bits, pixelBytes);
}

static inline __m128i absolute_16(__m128i value) {
    return _mm_max_epi16(value, _mm_sub_epi16(_mm_setzero_si128(), value));
}

static inline __m128i select_16(__m128i mask, __m128i whenSet, __m128i otherwise) {
    return _mm_or_si128(_mm_and_si128(mask, whenSet), _mm_andnot_si128(mask, otherwise));
}

// Ties go to left, then above, then upper-left, as the specification orders them.
static inline __attribute__((always_inline)) void paeth_row(
    const uint8_t *restrict filtered, const uint8_t *restrict above, uint8_t *restrict out,
    size_t rowBytes, const size_t pixelBytes) {
    const __m128i lowByte = _mm_set1_epi16(0xff);
    __m128i left = _mm_setzero_si128(), upperLeft = _mm_setzero_si128();
    for (size_t i = 0; i < rowBytes; i += pixelBytes) {
        __m128i up = load_pixel(above + i, pixelBytes);
        __m128i aboveStep = _mm_sub_epi16(up, upperLeft);
        __m128i leftStep = _mm_sub_epi16(left, upperLeft);
        __m128i leftDistance = absolute_16(aboveStep);
        __m128i aboveDistance = absolute_16(leftStep);
        __m128i upperLeftDistance = absolute_16(_mm_add_epi16(aboveStep, leftStep));
        __m128i takeAbove = _mm_cmplt_epi16(aboveDistance, leftDistance);
        __m128i best = select_16(takeAbove, up, left);
        __m128i bestDistance = _mm_min_epi16(leftDistance, aboveDistance);
        best = select_16(_mm_cmplt_epi16(upperLeftDistance, bestDistance), upperLeft, best);
        left = _mm_and_si128(_mm_add_epi16(load_pixel(filtered + i, pixelBytes), best), lowByte);
        store_pixel(out + i, left, pixelBytes);
        upperLeft = up;
    }
}
#else
// The Paeth predictor: ties go to left, then above, then upper-left, as the specification
// orders them.
static inline int paeth_predict(int left, int above, int upperLeft) {
    int leftDistance = abs(above - upperLeft);
    int aboveDistance = abs(left - upperLeft);
    int upperLeftDistance = abs(left + above - 2 * upperLeft);
    int best = aboveDistance < leftDistance ? above : left;
    int bestDistance = aboveDistance < leftDistance ? aboveDistance : leftDistance;
    return upperLeftDistance < bestDistance ? upperLeft : best;
}

static inline __attribute__((always_inline)) void paeth_row(
    const uint8_t *restrict filtered, const uint8_t *restrict above, uint8_t *restrict out,
    size_t rowBytes, const size_t pixelBytes) {
    int left[MAX_PIXEL_BYTES] = {0}, upperLeft[MAX_PIXEL_BYTES] = {0};
    for (size_t i = 0; i < rowBytes; i += pixelBytes) {
        for (size_t k = 0; k < pixelBytes; k++) {
            int up = above[i + k];
            left[k] = (uint8_t)(filtered[i + k] + paeth_predict(left[k], up, upperLeft[k]));
            upperLeft[k] = up;
            out[i + k] = (uint8_t)left[k];
        }
    }
}
#endif

static void up_row(const uint8_t *restrict filtered, const uint8_t *restrict above,
                   uint8_t *restrict out, size_t rowBytes) {
    for (size_t i = 0; i < rowBytes; i++) out[i] = (uint8_t)(filtered[i] + above[i]);
}

// One instantiation per pixel size; `filter` is already known to be Sub, Average or Paeth.
#define PNG_UNFILTER_FOR_SIZE(size)                                                            \
    static void unfilter_##size(int filter, const uint8_t *restrict filtered,                  \
                                const uint8_t *restrict above, uint8_t *restrict out,          \
                                size_t rowBytes) {                                             \
        if (filter == FILTER_SUB) sub_row(filtered, out, rowBytes, size);                      \
        else if (filter == FILTER_AVERAGE) average_row(filtered, above, out, rowBytes, size);  \
        else paeth_row(filtered, above, out, rowBytes, size);                                  \
    }
PNG_UNFILTER_FOR_SIZE(1)
PNG_UNFILTER_FOR_SIZE(2)
PNG_UNFILTER_FOR_SIZE(3)
PNG_UNFILTER_FOR_SIZE(4)
PNG_UNFILTER_FOR_SIZE(6)
PNG_UNFILTER_FOR_SIZE(8)

// Reconstructs one row into `out` (not aliasing `filtered` or `above`). Returns 0 for a filter
// byte PNG does not define.
static int unfilter_row(int filter, const uint8_t *filtered, const uint8_t *above, uint8_t *out,
                        size_t rowBytes, int pixelBytes) {
    switch (filter) {
    case FILTER_NONE: memcpy(out, filtered, rowBytes); return 1;
    case FILTER_UP: up_row(filtered, above, out, rowBytes); return 1;
    case FILTER_SUB: case FILTER_AVERAGE: case FILTER_PAETH: break;
    default: return 0;
    }
    switch (pixelBytes) {
    case 1: unfilter_1(filter, filtered, above, out, rowBytes); return 1;
    case 2: unfilter_2(filter, filtered, above, out, rowBytes); return 1;
    case 3: unfilter_3(filter, filtered, above, out, rowBytes); return 1;
    case 4: unfilter_4(filter, filtered, above, out, rowBytes); return 1;
    case 6: unfilter_6(filter, filtered, above, out, rowBytes); return 1;
    case 8: unfilter_8(filter, filtered, above, out, rowBytes); return 1;
    default: return 0;
    }
}

// PNG stores 16-bit samples big-endian; libpng's path asks for them swapped (png_set_swap).
static void copy_swapping_bytes(const uint8_t *restrict from, uint8_t *restrict to, size_t byteCount) {
    for (size_t i = 0; i + 1 < byteCount; i += 2) {
        to[i] = from[i + 1];
        to[i + 1] = from[i];
    }
}

int png_unfilter_rows(const uint8_t *filtered, uint8_t *pixels, uint32_t height, size_t rowBytes,
                      int bytesPerPixel, int bitDepth) {
    // 8-bit rows are reconstructed straight into `pixels`, whose previous row is the one above.
    // 16-bit rows need the big-endian row above, so they alternate between two scratch rows
    // and are swapped into `pixels` afterwards. Either way one zeroed row stands above row 0.
    int swapped = bitDepth == 16;
    uint8_t *scratch = calloc(swapped ? 2 : 1, rowBytes ? rowBytes : 1);
    if (!scratch) return 0;
    const uint8_t *above = scratch;
    int ok = 1;
    for (uint32_t y = 0; y < height && ok; y++) {
        const uint8_t *row = filtered + (size_t)y * (rowBytes + 1);
        uint8_t *destination = pixels + (size_t)y * rowBytes;
        uint8_t *out = swapped ? scratch + (y % 2 == 0 ? rowBytes : 0) : destination;
        ok = unfilter_row(row[0], row + 1, above, out, rowBytes, bytesPerPixel);
        if (swapped) copy_swapping_bytes(out, destination, rowBytes);
        above = out;
    }
    free(scratch);
    return ok;
}
