#ifndef PERCEPT_PNG_FAST_ENCODE_H
#define PERCEPT_PNG_FAST_ENCODE_H

#include <stddef.h>
#include <stdint.h>

// Encodes 8- or 16-bit gray, gray+alpha, RGB or RGBA pixels (16-bit samples in host order) as
// a PNG of three chunks (IHDR, one IDAT, IEND): every row SUB-filtered, the data stored
// (`level` 0) or run-length and Huffman coded by `png_deflate` (`level` 1). Returns 1 with a malloc'd file in `*output`, 0 when the image
// must go through libpng instead (an empty or oversized image, or no memory).
int png_fast_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                    int bitDepth, int level, uint8_t **output, size_t *outputSize);

#endif
