#include "CImageCodecs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

// TIFF in memory: libtiff reads and writes through these callbacks, and reports errors
// through a varargs handler that copies the first message for the caller.
typedef struct {
    uint8_t *data;
    size_t size;
    size_t capacity;
    size_t offset;
    int failed;
} TIFFMemory;

static tmsize_t tiff_memory_read(thandle_t handle, void *out, tmsize_t count) {
    TIFFMemory *memory = (TIFFMemory *)handle;
    size_t available = memory->offset < memory->size ? memory->size - memory->offset : 0;
    size_t copied = (size_t)count < available ? (size_t)count : available;
    memcpy(out, memory->data + memory->offset, copied);
    memory->offset += copied;
    return (tmsize_t)copied;
}

static tmsize_t tiff_memory_write(thandle_t handle, void *bytes, tmsize_t count) {
    TIFFMemory *memory = (TIFFMemory *)handle;
    size_t end = memory->offset + (size_t)count;
    if (end > memory->capacity) {
        size_t capacity = memory->capacity ? memory->capacity : 65536;
        while (capacity < end) capacity *= 2;
        uint8_t *grown = realloc(memory->data, capacity);
        if (!grown) {
            memory->failed = 1;
            return -1;
        }
        memory->data = grown;
        memory->capacity = capacity;
    }
    if (memory->offset > memory->size) memset(memory->data + memory->size, 0, memory->offset - memory->size);
    memcpy(memory->data + memory->offset, bytes, (size_t)count);
    memory->offset = end;
    if (end > memory->size) memory->size = end;
    return count;
}

static toff_t tiff_memory_seek(thandle_t handle, toff_t offset, int whence) {
    TIFFMemory *memory = (TIFFMemory *)handle;
    size_t base = whence == SEEK_CUR ? memory->offset : (whence == SEEK_END ? memory->size : 0);
    memory->offset = base + (size_t)offset;
    return memory->offset;
}

static int tiff_memory_close(thandle_t handle) {
    (void)handle;
    return 0;
}

static toff_t tiff_memory_size(thandle_t handle) { return ((TIFFMemory *)handle)->size; }

static int tiff_no_map(thandle_t handle, void **base, toff_t *size) {
    (void)handle;
    (void)base;
    (void)size;
    return 0;
}

static void tiff_no_unmap(thandle_t handle, void *base, toff_t size) {
    (void)handle;
    (void)base;
    (void)size;
}

static int tiff_keep_first_error(TIFF *tiff, void *userData, const char *module, const char *format, va_list arguments) {
    (void)tiff;
    (void)module;
    char *message = (char *)userData;
    if (message[0] == 0) vsnprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, format, arguments);
    return 1;
}

static int tiff_ignore_warning(TIFF *tiff, void *userData, const char *module, const char *format, va_list arguments) {
    (void)tiff;
    (void)userData;
    (void)module;
    (void)format;
    (void)arguments;
    return 1;
}

static TIFF *tiff_open(TIFFMemory *memory, const char *mode, char *message) {
    message[0] = 0;
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (!options) {
        snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "libtiff could not start");
        return NULL;
    }
    TIFFOpenOptionsSetErrorHandlerExtR(options, tiff_keep_first_error, message);
    TIFFOpenOptionsSetWarningHandlerExtR(options, tiff_ignore_warning, NULL);
    TIFF *tiff = TIFFClientOpenExt("memory", mode, memory, tiff_memory_read, tiff_memory_write, tiff_memory_seek,
                                   tiff_memory_close, tiff_memory_size, tiff_no_map, tiff_no_unmap, options);
    TIFFOpenOptionsFree(options);
    if (!tiff && message[0] == 0) snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "not a readable TIFF");
    return tiff;
}

// Fills `info` for the first page. Returns 1 when scanlines can be copied as they are
// (8/16-bit unsigned gray or RGB, interleaved, in strips), 0 when libtiff's RGBA reader
// must convert them (palette, bilevel, YCbCr, CMYK, tiles, other depths).
static int tiff_describe(TIFF *tiff, PerceptCodecInfo *info) {
    uint32_t width = 0, height = 0;
    uint16_t samples = 1, bits = 1, photometric = PHOTOMETRIC_MINISBLACK, planar = PLANARCONFIG_CONTIG;
    uint16_t sampleFormat = SAMPLEFORMAT_UINT, extraCount = 0;
    uint16_t *extra = NULL;
    TIFFGetField(tiff, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(tiff, TIFFTAG_IMAGELENGTH, &height);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLESPERPIXEL, &samples);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_PLANARCONFIG, &planar);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_SAMPLEFORMAT, &sampleFormat);
    TIFFGetFieldDefaulted(tiff, TIFFTAG_EXTRASAMPLES, &extraCount, &extra);
    TIFFGetField(tiff, TIFFTAG_PHOTOMETRIC, &photometric);
    info->width = width;
    info->height = height;
    info->sourceBitDepth = bits;
    info->sourceColorType = photometric;
    info->interlaced = 0;
    int direct = (bits == 8 || bits == 16) && sampleFormat == SAMPLEFORMAT_UINT && planar == PLANARCONFIG_CONTIG &&
                 !TIFFIsTiled(tiff) &&
                 ((photometric == PHOTOMETRIC_MINISBLACK && samples <= 2) ||
                  (photometric == PHOTOMETRIC_RGB && (samples == 3 || samples == 4)));
    if (direct) {
        info->channels = samples;
        info->bitDepth = bits;
    } else {
        info->channels = extraCount > 0 ? 4 : 3;
        info->bitDepth = 8;
    }
    return direct;
}

int percept_tiff_info(const uint8_t *data, size_t size, PerceptCodecInfo *info, char *message) {
    TIFFMemory memory = {(uint8_t *)data, size, size, 0, 0};
    TIFF *tiff = tiff_open(&memory, "rm", message);
    if (!tiff) return PERCEPT_CODEC_FAILED;
    tiff_describe(tiff, info);
    TIFFClose(tiff);
    return 0;
}

int percept_tiff_decode(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity, char *message) {
    TIFFMemory memory = {(uint8_t *)data, size, size, 0, 0};
    TIFF *tiff = tiff_open(&memory, "rm", message);
    if (!tiff) return PERCEPT_CODEC_FAILED;
    PerceptCodecInfo info;
    int direct = tiff_describe(tiff, &info);
    size_t rowBytes = (size_t)info.width * info.channels * (info.bitDepth / 8);
    int status = 0;
    if (rowBytes * info.height > capacity) {
        snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "decoded image is larger than the buffer given");
        status = PERCEPT_CODEC_FAILED;
    } else if (direct) {
        for (uint32_t y = 0; y < info.height && status == 0; y++) {
            if (TIFFReadScanline(tiff, pixels + (size_t)y * rowBytes, y, 0) < 0) status = PERCEPT_CODEC_FAILED;
        }
    } else {
        char reason[1024] = {0};
        uint32_t *raster = NULL;
        if (!TIFFRGBAImageOK(tiff, reason)) {
            snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "unsupported TIFF layout: %s", reason);
            status = PERCEPT_CODEC_FAILED;
        } else if (!(raster = _TIFFmalloc((tmsize_t)info.width * info.height * 4))) {
            snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "out of memory for the RGBA raster");
            status = PERCEPT_CODEC_FAILED;
        } else if (!TIFFReadRGBAImageOriented(tiff, info.width, info.height, raster, ORIENTATION_TOPLEFT, 0)) {
            status = PERCEPT_CODEC_FAILED;
        } else {
            // Each raster entry packs R, G, B, A from the low byte up.
            size_t pixelCount = (size_t)info.width * info.height;
            for (size_t index = 0; index < pixelCount; index++) {
                for (int channel = 0; channel < info.channels; channel++) {
                    pixels[index * info.channels + channel] = (uint8_t)(raster[index] >> (8 * channel));
                }
            }
        }
        if (raster) _TIFFfree(raster);
    }
    if (status != 0 && message[0] == 0) snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "could not read the image data");
    TIFFClose(tiff);
    return status;
}

int percept_tiff_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels, int bitDepth,
                        uint8_t **output, size_t *outputSize, char *message) {
    TIFFMemory memory = {NULL, 0, 0, 0, 0};
    TIFF *tiff = tiff_open(&memory, "w", message);
    if (!tiff) return PERCEPT_CODEC_FAILED;
    TIFFSetField(tiff, TIFFTAG_IMAGEWIDTH, width);
    TIFFSetField(tiff, TIFFTAG_IMAGELENGTH, height);
    TIFFSetField(tiff, TIFFTAG_SAMPLESPERPIXEL, (uint16_t)channels);
    TIFFSetField(tiff, TIFFTAG_BITSPERSAMPLE, (uint16_t)bitDepth);
    TIFFSetField(tiff, TIFFTAG_PHOTOMETRIC, channels <= 2 ? PHOTOMETRIC_MINISBLACK : PHOTOMETRIC_RGB);
    TIFFSetField(tiff, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
    TIFFSetField(tiff, TIFFTAG_COMPRESSION, COMPRESSION_ADOBE_DEFLATE);
    TIFFSetField(tiff, TIFFTAG_PREDICTOR, PREDICTOR_HORIZONTAL);
    if (channels == 2 || channels == 4) {
        uint16_t alpha = EXTRASAMPLE_UNASSALPHA;
        TIFFSetField(tiff, TIFFTAG_EXTRASAMPLES, 1, &alpha);
    }
    TIFFSetField(tiff, TIFFTAG_ROWSPERSTRIP, TIFFDefaultStripSize(tiff, 0));
    size_t rowBytes = (size_t)width * channels * (bitDepth / 8);
    int status = 0;
    // The horizontal predictor rewrites the row it is given, so each row is copied first:
    // the caller's pixels are read-only.
    uint8_t *row = malloc(rowBytes ? rowBytes : 1);
    if (!row) {
        snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "out of memory for a row");
        status = PERCEPT_CODEC_FAILED;
    }
    for (uint32_t y = 0; y < height && status == 0; y++) {
        memcpy(row, pixels + (size_t)y * rowBytes, rowBytes);
        if (TIFFWriteScanline(tiff, row, y, 0) < 0) status = PERCEPT_CODEC_FAILED;
    }
    free(row);
    TIFFClose(tiff);
    if (status != 0 || memory.failed) {
        if (message[0] == 0) snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "libtiff could not write the image");
        free(memory.data);
        return PERCEPT_CODEC_FAILED;
    }
    *output = memory.data;
    *outputSize = memory.size;
    return 0;
}
