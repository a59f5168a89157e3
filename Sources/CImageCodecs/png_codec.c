#include "CImageCodecs.h"
#include "png_fast_decode.h"
#include "png_fast_encode.h"

#include <png.h>
#include <zlib.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

// Error state shared with libpng's callbacks; the message survives the longjmp.
typedef struct {
    char *message;
    int truncated;
} PNGErrorState;

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} PNGReadBuffer;

typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int failed;
} PNGWriteBuffer;

static void png_error_to_message(png_structp png, png_const_charp text) {
    PNGErrorState *state = (PNGErrorState *)png_get_error_ptr(png);
    snprintf(state->message, PERCEPT_CODEC_MESSAGE_CAPACITY, "%s", text);
    png_longjmp(png, 1);
}

// Warnings (bad CRC in an ancillary chunk, unknown profile) are not failures and libraries
// must not print, so they are dropped.
static void png_ignore_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

static void png_read_from_buffer(png_structp png, png_bytep out, png_size_t count) {
    PNGReadBuffer *buffer = (PNGReadBuffer *)png_get_io_ptr(png);
    if (count > buffer->size - buffer->offset) {
        ((PNGErrorState *)png_get_error_ptr(png))->truncated = 1;
        png_error(png, "file ends before the image data is complete");
    }
    memcpy(out, buffer->data + buffer->offset, count);
    buffer->offset += count;
}

static void png_write_to_buffer(png_structp png, png_bytep bytes, png_size_t count) {
    PNGWriteBuffer *buffer = (PNGWriteBuffer *)png_get_io_ptr(png);
    if (buffer->size + count > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 65536;
        while (capacity < buffer->size + count) capacity *= 2;
        uint8_t *grown = realloc(buffer->data, capacity);
        if (!grown) png_error(png, "out of memory while encoding");
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->size, bytes, count);
    buffer->size += count;
}

static void png_flush_nothing(png_structp png) { (void)png; }

// Sets up expansions so every PNG comes out as 8- or 16-bit gray, gray+alpha, RGB or RGBA,
// then fills `info` with the resulting layout.
static void png_configure_expansion(png_structp png, png_infop pngInfo, PerceptCodecInfo *info) {
    png_uint_32 width = 0, height = 0;
    int bitDepth = 0, colorType = 0, interlace = 0;
    png_get_IHDR(png, pngInfo, &width, &height, &bitDepth, &colorType, &interlace, NULL, NULL);
    info->width = width;
    info->height = height;
    info->sourceBitDepth = bitDepth;
    info->sourceColorType = colorType;
    info->interlaced = interlace != PNG_INTERLACE_NONE;

    if (colorType == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (colorType == PNG_COLOR_TYPE_GRAY && bitDepth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (png_get_valid(png, pngInfo, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
    if (bitDepth == 16) png_set_swap(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, pngInfo);
    info->channels = png_get_channels(png, pngInfo);
    info->bitDepth = png_get_bit_depth(png, pngInfo);
}

static png_structp png_make_reader(PNGErrorState *state) {
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, state, png_error_to_message,
                                             png_ignore_warning);
    if (png) {
        // The caller checks pixel counts against its own limit before allocating, so libpng's
        // built-in dimension limit (1,000,000) is raised to let it see every header.
        png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    }
    return png;
}

// Reads the header and, when `pixels` is given, the whole image into it.
static int png_read_into(const uint8_t *data, size_t size, PerceptCodecInfo *info,
                         uint8_t *pixels, size_t capacity, char *message) {
    PNGErrorState state = {message, 0};
    PNGReadBuffer buffer = {data, size, 0};
    png_bytep *volatile rows = NULL;
    png_structp png = png_make_reader(&state);
    if (!png) {
        snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "libpng could not start");
        return 1;
    }
    png_infop pngInfo = png_create_info_struct(png);
    if (!pngInfo || setjmp(png_jmpbuf(png))) {
        free(rows);
        png_destroy_read_struct(&png, pngInfo ? &pngInfo : NULL, NULL);
        return state.truncated ? PERCEPT_CODEC_TRUNCATED : PERCEPT_CODEC_FAILED;
    }
    png_set_read_fn(png, &buffer, png_read_from_buffer);
    png_read_info(png, pngInfo);
    png_configure_expansion(png, pngInfo, info);
    if (pixels) {
        size_t rowBytes = png_get_rowbytes(png, pngInfo);
        if (rowBytes * info->height > capacity) {
            png_error(png, "decoded image is larger than the buffer given");
        }
        rows = malloc(sizeof(png_bytep) * (info->height ? info->height : 1));
        if (!rows) png_error(png, "out of memory for row pointers");
        for (uint32_t y = 0; y < info->height; y++) rows[y] = pixels + (size_t)y * rowBytes;
        png_read_image(png, rows);
        png_read_end(png, NULL);
    }
    free(rows);
    png_destroy_read_struct(&png, &pngInfo, NULL);
    return 0;
}

int percept_png_info(const uint8_t *data, size_t size, PerceptCodecInfo *info, char *message) {
    return png_read_into(data, size, info, NULL, 0, message);
}

int percept_png_decode(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity,
                       char *message) {
    if (png_fast_decode_into(data, size, pixels, capacity)) return 0;
    return percept_png_decode_libpng(data, size, pixels, capacity, message);
}

int percept_png_decode_libpng(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity,
                              char *message) {
    PerceptCodecInfo info;
    return png_read_into(data, size, &info, pixels, capacity, message);
}

int percept_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                       int bitDepth, int compressionLevel, uint8_t **output, size_t *outputSize,
                       char *message) {
    if (compressionLevel <= PERCEPT_PNG_FAST_ENCODE_MAX_LEVEL &&
        png_fast_encode(pixels, width, height, channels, bitDepth, compressionLevel, output, outputSize)) {
        return 0;
    }
    return percept_png_encode_libpng(pixels, width, height, channels, bitDepth, compressionLevel, output,
                                     outputSize, message);
}

int percept_png_encode_libpng(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                              int bitDepth, int compressionLevel, uint8_t **output, size_t *outputSize,
                              char *message) {
    static const int colorTypes[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                      PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    if (channels < 1 || channels > 4 || (bitDepth != 8 && bitDepth != 16)) {
        snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "PNG needs 1-4 channels of 8 or 16 bits");
        return 1;
    }
    PNGErrorState state = {message, 0};
    PNGWriteBuffer buffer = {NULL, 0, 0, 0};
    png_bytep *volatile rows = NULL;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, png_error_to_message,
                                              png_ignore_warning);
    if (!png) {
        snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "libpng could not start");
        return 1;
    }
    png_infop pngInfo = png_create_info_struct(png);
    if (!pngInfo || setjmp(png_jmpbuf(png))) {
        free(rows);
        free(buffer.data);
        png_destroy_write_struct(&png, pngInfo ? &pngInfo : NULL);
        return 1;
    }
    png_set_write_fn(png, &buffer, png_write_to_buffer, png_flush_nothing);
    png_set_IHDR(png, pngInfo, width, height, bitDepth, colorTypes[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, compressionLevel);
    // Fast levels pair the cheap SUB filter with zlib's run-length strategy, as OpenCV's
    // default does; higher levels let libpng choose a filter per row (slower, smaller).
    if (compressionLevel <= 3) {
        png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
        png_set_compression_strategy(png, Z_RLE);
    }
    png_write_info(png, pngInfo);
    if (bitDepth == 16) png_set_swap(png);
    size_t rowBytes = (size_t)width * channels * (bitDepth / 8);
    rows = malloc(sizeof(png_bytep) * (height ? height : 1));
    if (!rows) png_error(png, "out of memory for row pointers");
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)(pixels + (size_t)y * rowBytes);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    free(rows);
    png_destroy_write_struct(&png, &pngInfo);
    *output = buffer.data;
    *outputSize = buffer.size;
    return 0;
}

void percept_codec_free(void *buffer) { free(buffer); }
