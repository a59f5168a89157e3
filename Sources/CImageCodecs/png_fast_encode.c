#include "png_fast_encode.h"
#include "png_deflate.h"

#include <libdeflate.h>
#include <stdlib.h>
#include <string.h>

// Writing a PNG is mostly compressing it. At the fast level PNG writers (libpng as Percept sets
// it up, OpenCV's default) use zlib's run-length strategy on SUB-filtered rows; zlib spends
// most of that time in its general machinery. `png_deflate` makes the same kind of stream in
// one pass over the filtered image.

static const uint8_t pngSignature[8] = {0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a};

static void write_big_endian_32(uint8_t *bytes, uint32_t value) {
    bytes[0] = (uint8_t)(value >> 24);
    bytes[1] = (uint8_t)(value >> 16);
    bytes[2] = (uint8_t)(value >> 8);
    bytes[3] = (uint8_t)value;
}

// Fills in a chunk whose type and `length` data bytes are already in place at `chunk + 4`:
// its length before them and its CRC (over type and data) after. Returns the chunk's size.
static size_t finish_chunk(uint8_t *chunk, uint32_t length) {
    write_big_endian_32(chunk, length);
    write_big_endian_32(chunk + 8 + length, libdeflate_crc32(0, chunk + 4, 4 + (size_t)length));
    return 12 + (size_t)length;
}

// One 8-bit row as PNG's SUB filter writes it: each byte minus the byte one pixel to its left.
static void sub_filter_row_8(const uint8_t *row, uint8_t *out, size_t rowBytes, size_t bytesPerPixel) {
    memcpy(out, row, bytesPerPixel);
    for (size_t i = bytesPerPixel; i < rowBytes; i++) out[i] = (uint8_t)(row[i] - row[i - bytesPerPixel]);
}

// A 16-bit row: samples written big-endian as PNG stores them, then filtered like bytes.
static void sub_filter_row_16(const uint16_t *row, uint8_t *out, size_t samples, size_t bytesPerPixel) {
    for (size_t s = 0; s < samples; s++) {
        out[2 * s] = (uint8_t)(row[s] >> 8);
        out[2 * s + 1] = (uint8_t)row[s];
    }
    for (size_t i = 2 * samples; i-- > bytesPerPixel;) out[i] = (uint8_t)(out[i] - out[i - bytesPerPixel]);
}

static uint8_t *filter_rows(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                            int bitDepth, size_t *filteredSize) {
    size_t bytesPerPixel = (size_t)channels * (size_t)(bitDepth / 8);
    size_t rowBytes = (size_t)width * bytesPerPixel;
    *filteredSize = (rowBytes + 1) * height;
    uint8_t *filtered = malloc(*filteredSize);
    if (filtered == NULL) return NULL;
    for (uint32_t y = 0; y < height; y++) {
        uint8_t *out = filtered + (size_t)y * (rowBytes + 1);
        const uint8_t *row = pixels + (size_t)y * rowBytes;
        out[0] = 1;  // SUB
        if (bitDepth == 8) sub_filter_row_8(row, out + 1, rowBytes, bytesPerPixel);
        else sub_filter_row_16((const uint16_t *)(const void *)row, out + 1, rowBytes / 2, bytesPerPixel);
    }
    return filtered;
}

int png_fast_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                    int bitDepth, int level, uint8_t **output, size_t *outputSize) {
    static const uint8_t colorTypes[5] = {0, 0, 4, 2, 6};
    if (width == 0 || height == 0 || width > 0x7fffffffu || height > 0x7fffffffu) return 0;
    if (channels < 1 || channels > 4 || (bitDepth != 8 && bitDepth != 16)) return 0;
    size_t filteredSize = 0;
    uint8_t *filtered = filter_rows(pixels, width, height, channels, bitDepth, &filteredSize);
    if (filtered == NULL) return 0;
    size_t bound = png_deflate_bound(filteredSize);
    // Signature, IHDR (12 + 13), IDAT (12 + data), IEND (12).
    uint8_t *file = malloc(8 + 25 + 12 + bound + 12);
    size_t compressed = file ? png_deflate(filtered, filteredSize, level == 0, file + 8 + 25 + 8, bound) : 0;
    free(filtered);
    if (compressed == 0 || compressed > 0x7fffffffu) {
        free(file);
        return 0;
    }
    memcpy(file, pngSignature, 8);
    uint8_t *chunk = file + 8;
    memcpy(chunk + 4, "IHDR", 4);
    write_big_endian_32(chunk + 8, width);
    write_big_endian_32(chunk + 12, height);
    chunk[16] = (uint8_t)bitDepth;
    chunk[17] = colorTypes[channels];
    chunk[18] = chunk[19] = chunk[20] = 0;  // deflate, adaptive filtering, not interlaced
    chunk += finish_chunk(chunk, 13);
    memcpy(chunk + 4, "IDAT", 4);
    chunk += finish_chunk(chunk, (uint32_t)compressed);
    memcpy(chunk + 4, "IEND", 4);
    chunk += finish_chunk(chunk, 0);
    *output = file;
    *outputSize = (size_t)(chunk - file);
    return 1;
}
