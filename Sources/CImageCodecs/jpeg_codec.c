#include "CImageCodecs.h"

#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

// libjpeg's default error_exit calls exit(); this manager jumps back to the helper instead,
// keeping the library's message.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
    int truncated;
    // The first corrupt-data warning (a bad Huffman code, a marker inside the scan, ...): libjpeg
    // fills what it could not decode with gray and carries on.
    int damaged;
    char damage[JMSG_LENGTH_MAX];
} JPEGErrorManager;

static void jpeg_exit_by_jump(j_common_ptr info) {
    JPEGErrorManager *manager = (JPEGErrorManager *)info->err;
    char text[JMSG_LENGTH_MAX];
    manager->base.format_message(info, text);
    snprintf(manager->message, PERCEPT_CODEC_MESSAGE_CAPACITY, "%s", text);
    longjmp(manager->jump, 1);
}

// Warnings about metadata that leave every pixel as the file stores it.
static int jpeg_warning_spares_pixels(int code) {
    return code == JWRN_ADOBE_XFORM || code == JWRN_JFIF_MAJOR || code == JWRN_BOGUS_ICC;
}

// Libraries never print, so messages are dropped. libjpeg pads a truncated stream with gray
// and only warns (JWRN_JPEG_EOF); that warning is remembered because a truncated file is an
// error for Percept. Every other warning about the image data is remembered as damage, with
// libjpeg's message.
static void jpeg_note_message(j_common_ptr info, int level) {
    JPEGErrorManager *manager = (JPEGErrorManager *)info->err;
    if (level >= 0) return;
    manager->base.num_warnings++;
    int code = manager->base.msg_code;
    if (code == JWRN_JPEG_EOF) {
        manager->truncated = 1;
    } else if (!jpeg_warning_spares_pixels(code) && !manager->damaged) {
        manager->damaged = 1;
        manager->base.format_message(info, manager->damage);
    }
}

static void jpeg_install_errors(JPEGErrorManager *manager, char *message) {
    jpeg_std_error(&manager->base);
    manager->base.error_exit = jpeg_exit_by_jump;
    manager->base.emit_message = jpeg_note_message;
    manager->message = message;
    manager->truncated = 0;
    manager->damaged = 0;
    manager->damage[0] = 0;
}

static void jpeg_describe(j_decompress_ptr info, PerceptCodecInfo *out) {
    out->width = info->image_width;
    out->height = info->image_height;
    out->sourceColorType = info->jpeg_color_space;
    out->sourceBitDepth = info->data_precision;
    out->bitDepth = 8;
    out->interlaced = info->progressive_mode;
    out->channels = info->jpeg_color_space == JCS_GRAYSCALE ? 1 : 3;
}

int percept_jpeg_info(const uint8_t *data, size_t size, PerceptCodecInfo *out, char *message) {
    struct jpeg_decompress_struct info;
    JPEGErrorManager errors;
    info.err = &errors.base;
    jpeg_install_errors(&errors, message);
    if (setjmp(errors.jump)) {
        jpeg_destroy_decompress(&info);
        return 1;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    jpeg_describe(&info, out);
    jpeg_destroy_decompress(&info);
    return 0;
}

// Converts one row of CMYK samples to RGB in place (4 → 3 bytes per pixel). Adobe writes
// CMYK inverted (255 = no ink), which is what libjpeg hands back when the Adobe marker is
// present; the multiplicative model matches Pillow's and OpenCV's conversion.
static void jpeg_cmyk_row_to_rgb(uint8_t *row, uint32_t width, int inverted) {
    for (uint32_t x = 0; x < width; x++) {
        int c = row[4 * x], m = row[4 * x + 1], y = row[4 * x + 2], k = row[4 * x + 3];
        if (!inverted) {
            c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k;
        }
        row[3 * x] = (uint8_t)((c * k + 127) / 255);
        row[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
        row[3 * x + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

int percept_jpeg_decode(const uint8_t *data, size_t size, uint8_t *pixels, size_t capacity,
                        char *message) {
    struct jpeg_decompress_struct info;
    JPEGErrorManager errors;
    uint8_t *volatile cmykRow = NULL;
    info.err = &errors.base;
    jpeg_install_errors(&errors, message);
    if (setjmp(errors.jump)) {
        free(cmykRow);
        jpeg_destroy_decompress(&info);
        return errors.truncated ? PERCEPT_CODEC_TRUNCATED : PERCEPT_CODEC_FAILED;
    }
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, (unsigned long)size);
    jpeg_read_header(&info, TRUE);
    int cmyk = info.jpeg_color_space == JCS_CMYK || info.jpeg_color_space == JCS_YCCK;
    if (cmyk) {
        info.out_color_space = JCS_CMYK;
    } else if (info.jpeg_color_space == JCS_GRAYSCALE) {
        info.out_color_space = JCS_GRAYSCALE;
    } else {
        info.out_color_space = JCS_RGB;
    }
    jpeg_start_decompress(&info);
    int channels = cmyk ? 3 : info.output_components;
    size_t rowBytes = (size_t)info.output_width * channels;
    if (rowBytes * info.output_height > capacity) {
        snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "decoded image is larger than the buffer given");
        jpeg_destroy_decompress(&info);
        return 1;
    }
    if (cmyk) {
        cmykRow = malloc((size_t)info.output_width * 4);
        if (!cmykRow) {
            snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "out of memory for a CMYK row");
            jpeg_destroy_decompress(&info);
            return 1;
        }
    }
    while (info.output_scanline < info.output_height) {
        uint8_t *row = pixels + (size_t)info.output_scanline * rowBytes;
        if (cmyk) {
            JSAMPROW rowPointer = cmykRow;
            jpeg_read_scanlines(&info, &rowPointer, 1);
            jpeg_cmyk_row_to_rgb(cmykRow, info.output_width, info.saw_Adobe_marker);
            memcpy(row, cmykRow, rowBytes);
        } else {
            // Asking for several rows lets libjpeg-turbo fill a whole MCU row per call.
            JSAMPROW rowPointers[16];
            JDIMENSION wanted = info.output_height - info.output_scanline;
            if (wanted > 16) wanted = 16;
            for (JDIMENSION index = 0; index < wanted; index++) rowPointers[index] = row + (size_t)index * rowBytes;
            jpeg_read_scanlines(&info, rowPointers, wanted);
        }
    }
    jpeg_finish_decompress(&info);
    free(cmykRow);
    jpeg_destroy_decompress(&info);
    if (errors.truncated) {
        snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "file ends before the image data is complete");
        return PERCEPT_CODEC_TRUNCATED;
    }
    if (errors.damaged) {
        snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "%s", errors.damage);
        return PERCEPT_CODEC_DAMAGED;
    }
    return 0;
}

int percept_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                        int quality, int subsampling, int progressive, uint8_t **output,
                        size_t *outputSize, char *message) {
    if (channels != 1 && channels != 3) {
        snprintf(message, PERCEPT_CODEC_MESSAGE_CAPACITY, "JPEG needs 1 or 3 channels, found %d", channels);
        return 1;
    }
    struct jpeg_compress_struct info;
    JPEGErrorManager errors;
    unsigned char *buffer = NULL;
    unsigned long bufferSize = 0;
    info.err = &errors.base;
    jpeg_install_errors(&errors, message);
    if (setjmp(errors.jump)) {
        jpeg_destroy_compress(&info);
        free(buffer);
        return 1;
    }
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, &buffer, &bufferSize);
    info.image_width = width;
    info.image_height = height;
    info.input_components = channels;
    info.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, quality, TRUE);
    if (channels == 3) {
        // Luma keeps full resolution; the factors below give 4:4:4, 4:2:2 or 4:2:0 chroma.
        info.comp_info[0].h_samp_factor = subsampling == 444 ? 1 : 2;
        info.comp_info[0].v_samp_factor = subsampling == 420 ? 2 : 1;
        info.comp_info[1].h_samp_factor = info.comp_info[1].v_samp_factor = 1;
        info.comp_info[2].h_samp_factor = info.comp_info[2].v_samp_factor = 1;
    }
    if (progressive) jpeg_simple_progression(&info);
    jpeg_start_compress(&info, TRUE);
    size_t rowBytes = (size_t)width * channels;
    while (info.next_scanline < info.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)info.next_scanline * rowBytes);
        jpeg_write_scanlines(&info, &row, 1);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    *output = buffer;
    *outputSize = bufferSize;
    return 0;
}
