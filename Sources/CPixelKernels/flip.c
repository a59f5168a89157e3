#include "CPixelKernels.h"
#include "kernels.h"

static void flip_row_portable(const uint8_t *source, uint8_t *target, size_t width, size_t channels) {
    if (width == 0) return;
    const uint8_t *from = source + (width - 1) * channels;
    for (size_t x = 0; x < width; x++, from -= channels, target += channels) {
        for (size_t channel = 0; channel < channels; channel++) target[channel] = from[channel];
    }
}

#if PK_X86
/// RGB rows 16 pixels (48 bytes) at a time: the last 16 source pixels, reversed, are the
/// first 16 target pixels; each target vector draws bytes from two source vectors.
PK_AVX2 static void flip_rgb_rows_avx2(const uint8_t *source, uint8_t *target, size_t width, size_t height) {
    // Target byte j of a 48-byte block is source byte 3·(15 − j/3) + j % 3.
    uint8_t lanes[3][3][16];
    for (int out = 0; out < 3; out++) {
        for (int in = 0; in < 3; in++) {
            for (int byte = 0; byte < 16; byte++) {
                int j = out * 16 + byte, from = 3 * (15 - j / 3) + j % 3;
                lanes[out][in][byte] = from / 16 == in ? (uint8_t)(from % 16) : 0x80;
            }
        }
    }
    __m128i masks[3][3];
    for (int out = 0; out < 3; out++)
        for (int in = 0; in < 3; in++) masks[out][in] = _mm_loadu_si128((const __m128i *)lanes[out][in]);
    for (size_t y = 0; y < height; y++, source += width * 3, target += width * 3) {
        size_t x = 0;
        for (; x + 16 <= width; x += 16) {
            const uint8_t *block = source + (width - x - 16) * 3;
            __m128i a = _mm_loadu_si128((const __m128i *)block), b = _mm_loadu_si128((const __m128i *)(block + 16)),
                    c = _mm_loadu_si128((const __m128i *)(block + 32));
            for (int out = 0; out < 3; out++) {
                __m128i value = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(a, masks[out][0]), _mm_shuffle_epi8(b, masks[out][1])),
                                             _mm_shuffle_epi8(c, masks[out][2]));
                _mm_storeu_si128((__m128i *)(target + x * 3 + out * 16), value);
            }
        }
        flip_row_portable(source, target + x * 3, width - x, 3);
    }
}
#endif

void pk_flip_rows_u8(const uint8_t *source, uint8_t *target, size_t width, size_t height, size_t channels) {
#if PK_X86
    if (channels == 3 && pk_uses_avx2()) {
        flip_rgb_rows_avx2(source, target, width, height);
        return;
    }
#endif
    size_t row_length = width * channels;
    for (size_t y = 0; y < height; y++) flip_row_portable(source + y * row_length, target + y * row_length, width, channels);
}
