#ifndef PERCEPT_PNG_FAST_DECODE_H
#define PERCEPT_PNG_FAST_DECODE_H

#include <stddef.h>
#include <stdint.h>

// Decodes the common PNGs (non-interlaced 8- or 16-bit gray, gray+alpha, RGB or RGBA without
// tRNS) with libdeflate and our own unfiltering, into the layout libpng's path writes (16-bit
// samples little-endian). Returns 1 when `pixels` holds the image, 0 when the file must go
// through libpng: any other kind of PNG, or anything wrong with this one. libpng then decodes
// it or reports the problem, so error messages stay libpng's.
int png_fast_decode_into(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity);

// Undoes the PNG row filters of `height` rows, each a filter byte followed by `rowBytes`
// bytes, writing the rows back to back into `pixels` (16-bit samples swapped to
// little-endian). `bytesPerPixel` is the filters' distance to the left neighbour. Returns 1 on
// success, 0 on a filter byte above 4 or when scratch memory is not available.
int png_unfilter_rows(const uint8_t *filtered, uint8_t *pixels, uint32_t height, size_t rowBytes,
                      int bytesPerPixel, int bitDepth);

#endif
