#ifndef PERCEPT_CIMAGECODECS_H
#define PERCEPT_CIMAGECODECS_H

#include <stddef.h>
#include <stdint.h>

// C helpers around libpng and libjpeg. Both libraries report errors by longjmp, which Swift
// cannot take part in, so every call that may fail runs entirely in C and reports failure as a
// non-zero return with a message copied into the caller's buffer.

#define PERCEPT_CODEC_MESSAGE_CAPACITY 256
// Return codes: 0 success, 1 a failure described in the message, 2 the data ends too soon,
// 3 every pixel was written but some could not be decoded from damaged data (the message
// says what the decoder found; the pixels it could not decode are gray).
#define PERCEPT_CODEC_FAILED 1
#define PERCEPT_CODEC_TRUNCATED 2
#define PERCEPT_CODEC_DAMAGED 3

/// What a PNG or JPEG header says, after the helpers' expansions (palette to RGB, tRNS to
/// alpha, low bit depths to 8, CMYK to RGB).
typedef struct {
    uint32_t width;
    uint32_t height;
    int channels;          // 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA
    int bitDepth;          // 8 or 16 after expansion
    int sourceBitDepth;    // as stored in the file
    int sourceColorType;   // PNG colour type, or JPEG colour space
    int interlaced;        // PNG Adam7 / JPEG progressive
} PerceptCodecInfo;

/// Reads a PNG header. Returns 0 on success.
int percept_png_info(const uint8_t *data, size_t size, PerceptCodecInfo *info, char *message);

/// Decodes a whole PNG into `pixels` (row-major, interleaved, 16-bit samples in host order).
/// `capacity` is the byte size of `pixels`, checked against the image's. Returns 0 on success.
/// Non-interlaced 8/16-bit gray, gray+alpha, RGB and RGBA without tRNS take a fast path
/// (libdeflate, own unfiltering); every other file, and any the fast path finds wrong, goes
/// through libpng, so results and error messages are libpng's.
int percept_png_decode(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity,
                       char *message);

/// `percept_png_decode` through libpng only (tests hold the fast path to its output).
int percept_png_decode_libpng(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity,
                              char *message);

/// `percept_png_decode` through the fast path only: fails with a fixed message on any file
/// the fast path leaves to libpng (tests check which files it takes).
int percept_png_decode_fast_path(const uint8_t *data, size_t size, uint8_t *pixels,
                                 size_t capacity, char *message);

/// Encodes interleaved pixels (16-bit samples in host order) as PNG into a malloc'd buffer the
/// caller frees with `percept_codec_free`. Returns 0 on success. Compression levels up to
/// `PERCEPT_PNG_FAST_ENCODE_MAX_LEVEL` take a fast path (SUB filter on every row, then stored or
/// run-length and Huffman coded in one pass); higher levels go through libpng and zlib.
int percept_png_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                       int bitDepth, int compressionLevel, uint8_t **output, size_t *outputSize,
                       char *message);

/// The highest compression level `percept_png_encode` gives to its fast path.
enum { PERCEPT_PNG_FAST_ENCODE_MAX_LEVEL = 1 };

/// `percept_png_encode` through libpng only (tests hold the fast path to its pixels).
int percept_png_encode_libpng(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                              int bitDepth, int compressionLevel, uint8_t **output, size_t *outputSize,
                              char *message);

/// Reads a JPEG header. Returns 0 on success.
int percept_jpeg_info(const uint8_t *data, size_t size, PerceptCodecInfo *info, char *message);

/// Decodes a JPEG into 8-bit gray (1 channel) or RGB (3 channels); CMYK and YCCK are
/// converted to RGB. Returns 0 on success, PERCEPT_CODEC_DAMAGED when libjpeg warned of corrupt
/// data (the pixels are all written; the message is libjpeg's first such warning).
int percept_jpeg_decode(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity,
                        char *message);

/// Encodes 8-bit gray or RGB pixels as JPEG. `subsampling` is 444, 422 or 420.
int percept_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                        int quality, int subsampling, int progressive, uint8_t **output,
                        size_t *outputSize, char *message);

/// Reads the first page's header of a TIFF. Returns 0 on success.
int percept_tiff_info(const uint8_t *data, size_t size, PerceptCodecInfo *info, char *message);

/// Decodes the first page of a TIFF: 8/16-bit gray or RGB (± alpha) as stored, anything else
/// through libtiff's RGBA conversion to 8-bit RGB or RGBA. Returns 0 on success.
int percept_tiff_decode(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity,
                        char *message);

/// Encodes 8/16-bit gray, gray+alpha, RGB or RGBA as a Deflate-compressed TIFF.
int percept_tiff_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                        int bitDepth, uint8_t **output, size_t *outputSize, char *message);

/// Frees a buffer returned by an encoder.
void percept_codec_free(void *buffer);

#endif
