#include "CImageCodecs.h"
#include "png_fast_decode.h"

#include <libdeflate.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The fast path decodes only what it can decode exactly as libpng would, and hands everything
// else (including every broken file) back to libpng. Most of a PNG decode is inflating the
// image data; libdeflate's whole-buffer decompressor does that two to three times faster than
// zlib's streaming inflate, which is what libpng uses.

// libpng refuses a chunk longer than its default chunk allocation limit, except an IDAT that
// could belong to the image; staying under the same bounds keeps such files libpng's to judge.
#define LIBPNG_CHUNK_LIMIT 8000000u

typedef struct {
    uint32_t width;
    uint32_t height;
    int bitDepth;
    size_t rowBytes;        // one unfiltered row, without its filter byte
    int bytesPerPixel;      // how far back a filter's "left" neighbour is
} FastPNGHeader;

// Where the image data lies: IDAT chunks must follow one another, so the first one's offset and
// the total are enough to gather them.
typedef struct {
    size_t firstChunkOffset;
    size_t chunkCount;
    size_t totalBytes;
} FastPNGImageData;

static uint32_t read_big_endian_32(const uint8_t *bytes) {
    return (uint32_t)bytes[0] << 24 | (uint32_t)bytes[1] << 16 | (uint32_t)bytes[2] << 8 | bytes[3];
}

static int chunk_is(const uint8_t *type, const char *name) { return memcmp(type, name, 4) == 0; }

// libpng rejects chunk types that are not four ASCII letters.
static int chunk_type_is_letters(const uint8_t *type) {
    for (int i = 0; i < 4; i++) {
        uint8_t letter = type[i] | 0x20;
        if (letter < 'a' || letter > 'z') return 0;
    }
    return 1;
}

// Reads IHDR's 13 bytes; returns 1 for a fast-path image (not interlaced; 8- or 16-bit gray,
// gray+alpha, RGB or RGBA; the only compression and filter methods PNG defines).
static int read_fast_header(const uint8_t *fields, FastPNGHeader *header) {
    static const int channelsOfColorType[7] = {1, 0, 3, 0, 2, 0, 4};
    uint32_t width = read_big_endian_32(fields);
    uint32_t height = read_big_endian_32(fields + 4);
    int bitDepth = fields[8], colorType = fields[9];
    if (width == 0 || height == 0 || width > 0x7fffffffu || height > 0x7fffffffu) return 0;
    if (bitDepth != 8 && bitDepth != 16) return 0;
    if (colorType > 6 || channelsOfColorType[colorType] == 0) return 0;
    if (fields[10] != 0 || fields[11] != 0 || fields[12] != 0) return 0;
    header->width = width;
    header->height = height;
    header->bitDepth = bitDepth;
    header->bytesPerPixel = channelsOfColorType[colorType] * bitDepth / 8;
    header->rowBytes = (size_t)width * (size_t)header->bytesPerPixel;
    return 1;
}

// Walks every chunk from IHDR to IEND, checking each CRC. Returns 1 when the file is
// fast-path material and fills `header` and `imageData`.
static int walk_chunks(const uint8_t *data, size_t size, FastPNGHeader *header, FastPNGImageData *imageData) {
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (size < 8 || memcmp(data, signature, 8) != 0) return 0;
    size_t offset = 8;
    int imageDataEnded = 0;
    size_t imageDataChunkLimit = LIBPNG_CHUNK_LIMIT;
    memset(imageData, 0, sizeof *imageData);
    while (1) {
        if (size - offset < 12) return 0;
        uint32_t length = read_big_endian_32(data + offset);
        const uint8_t *type = data + offset + 4;
        if (length > 0x7fffffffu || length > size - offset - 12 || !chunk_type_is_letters(type)) return 0;
        if (libdeflate_crc32(0, type, (size_t)length + 4) != read_big_endian_32(type + 4 + length)) return 0;

        if (offset == 8) {
            if (!chunk_is(type, "IHDR") || length != 13 || !read_fast_header(type + 4, header)) return 0;
            size_t imageBytes = (size_t)header->height * (header->rowBytes + 1);
            if (imageBytes > imageDataChunkLimit) imageDataChunkLimit = imageBytes;
        } else if (chunk_is(type, "IDAT")) {
            if (imageDataEnded || length > imageDataChunkLimit) return 0;
            if (imageData->chunkCount == 0) imageData->firstChunkOffset = offset;
            imageData->chunkCount++;
            imageData->totalBytes += length;
        } else if (chunk_is(type, "IEND")) {
            return length == 0 && imageData->chunkCount > 0;
        } else {
            imageDataEnded = imageData->chunkCount > 0;
            // A lowercase first letter marks an ancillary chunk, which never changes the pixels
            // libpng returns here, except tRNS (it becomes an alpha channel). Critical chunks
            // other than IHDR, IDAT and IEND (PLTE, a second IHDR, unknown ones) go to libpng.
            int ancillary = (type[0] & 0x20) != 0;
            if (!ancillary || chunk_is(type, "tRNS") || length > LIBPNG_CHUNK_LIMIT) return 0;
        }
        offset += (size_t)length + 12;
    }
}

// Points `*stream` at the zlib stream: in place when it sits in one IDAT, otherwise gathered
// into `*gathered`, which the caller frees.
static int gather_image_data(const uint8_t *data, const FastPNGImageData *imageData,
                             const uint8_t **stream, uint8_t **gathered) {
    *gathered = NULL;
    if (imageData->chunkCount == 1) {
        *stream = data + imageData->firstChunkOffset + 8;
        return 1;
    }
    *gathered = malloc(imageData->totalBytes ? imageData->totalBytes : 1);
    if (!*gathered) return 0;
    size_t offset = imageData->firstChunkOffset, filled = 0;
    for (size_t chunk = 0; chunk < imageData->chunkCount; chunk++) {
        uint32_t length = read_big_endian_32(data + offset);
        memcpy(*gathered + filled, data + offset + 8, length);
        filled += length;
        offset += (size_t)length + 12;
    }
    *stream = *gathered;
    return 1;
}

// Inflates the zlib stream (libdeflate checks its Adler-32) into exactly `expected` bytes; any
// other outcome, including unused bytes after the stream, leaves the file to libpng.
static int inflate_exactly(const uint8_t *stream, size_t streamBytes, uint8_t *out, size_t expected) {
    // Allocated per call rather than cached: decodes run on several threads at once, and
    // allocating one costs microseconds against milliseconds of inflating.
    struct libdeflate_decompressor *decompressor = libdeflate_alloc_decompressor();
    if (!decompressor) return 0;
    size_t consumed = 0, produced = 0;
    enum libdeflate_result result = libdeflate_zlib_decompress_ex(decompressor, stream, streamBytes, out,
                                                                  expected, &consumed, &produced);
    libdeflate_free_decompressor(decompressor);
    return result == LIBDEFLATE_SUCCESS && consumed == streamBytes && produced == expected;
}

int png_fast_decode_into(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity) {
    FastPNGHeader header = {0};
    FastPNGImageData imageData;
    if (!data || !pixels || !walk_chunks(data, size, &header, &imageData)) return 0;
    if (header.height > capacity / header.rowBytes) return 0;
    size_t filteredBytes = (size_t)header.height * (header.rowBytes + 1);

    const uint8_t *stream = NULL;
    uint8_t *gathered = NULL;
    uint8_t *filtered = NULL;
    int ok = gather_image_data(data, &imageData, &stream, &gathered) &&
             (filtered = malloc(filteredBytes)) != NULL &&
             inflate_exactly(stream, imageData.totalBytes, filtered, filteredBytes) &&
             png_unfilter_rows(filtered, pixels, header.height, header.rowBytes, header.bytesPerPixel,
                               header.bitDepth);
    free(filtered);
    free(gathered);
    return ok;
}

int percept_png_decode_fast_path(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity,
                                 char *message) {
    if (png_fast_decode_into(data, size, pixels, capacity)) return 0;
    snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "the fast path leaves this file to libpng");
    return PERCEPT_CODEC_FAILED;
}
