#ifndef PERCEPT_PNG_DEFLATE_H
#define PERCEPT_PNG_DEFLATE_H

#include <stddef.h>
#include <stdint.h>

// A zlib stream of `size` bytes compressed the way zlib's run-length strategy does (each byte a
// literal, or a run of the previous byte as a distance-1 match) with a Huffman code fitted to
// each block, or as stored blocks where that is smaller or `storeOnly` is set. SUB-filtered
// image rows suit it: flat areas become runs, the rest small differences a Huffman code packs.
// Returns the stream's length, or 0 if `capacity` (see `png_deflate_bound`) is too small or
// memory ran out.
size_t png_deflate(const uint8_t *input, size_t size, int storeOnly, uint8_t *output, size_t capacity);

// Bytes `png_deflate` may need for `size` input bytes.
size_t png_deflate_bound(size_t size);

#endif
