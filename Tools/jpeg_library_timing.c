// Times libjpeg(-turbo) decode and encode of one 1024×768 RGB picture at quality 90, 4:2:0,
// with the settings Percept's codec uses and with the variants that could explain a gap to
// OpenCV (rows per call, DCT method, upsampling). Built and run by Tools/jpeg-library-timing
// against two libraries with the same ABI (Debian's and another libjpeg-turbo), so the only
// difference between the two runs is the library. Prints one JSON object per case, in
// milliseconds of this thread's CPU time.
// Never needed by tests or CI.
#include <stdio.h>
#include <jpeglib.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { WIDTH = 1024, HEIGHT = 768, CHANNELS = 3 };

/// This thread's CPU time: on a shared machine, time spent waiting for a core does not count.
static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/// Gradients plus seeded noise, like `ImageBench.naturalPicture` (not byte-identical to it).
static void make_picture(uint8_t *pixels) {
    uint64_t state = 1;
    for (int y = 0; y < HEIGHT; y++) {
        for (int x = 0; x < WIDTH; x++) {
            double base[3] = {x * 255.0 / WIDTH, y * 255.0 / HEIGHT, (x + y) % 256};
            for (int c = 0; c < CHANNELS; c++) {
                double noise = 0;
                for (int k = 0; k < 4; k++) {  // sum of four uniforms, σ ≈ 12 after scaling
                    state = state * 6364136223846793005ull + 1442695040888963407ull;
                    noise += (double)(state >> 11) / (double)(1ull << 53) - 0.5;
                }
                double value = base[c] + noise * 20.8;
                pixels[(y * WIDTH + x) * CHANNELS + c] = (uint8_t)(value < 0 ? 0 : value > 255 ? 255 : value);
            }
        }
    }
}

typedef struct {
    int rows_per_call, fast_dct, fancy_upsampling;
} Settings;

static unsigned long encode(const uint8_t *pixels, Settings settings, unsigned char **buffer) {
    struct jpeg_compress_struct info;
    struct jpeg_error_mgr errors;
    unsigned long size = 0;
    info.err = jpeg_std_error(&errors);
    jpeg_create_compress(&info);
    jpeg_mem_dest(&info, buffer, &size);
    info.image_width = WIDTH, info.image_height = HEIGHT, info.input_components = CHANNELS, info.in_color_space = JCS_RGB;
    jpeg_set_defaults(&info);
    jpeg_set_quality(&info, 90, TRUE);
    info.comp_info[0].h_samp_factor = info.comp_info[0].v_samp_factor = 2;
    if (settings.fast_dct) info.dct_method = JDCT_IFAST;
    jpeg_start_compress(&info, TRUE);
    JSAMPROW rows[64];
    while (info.next_scanline < info.image_height) {
        JDIMENSION count = info.image_height - info.next_scanline;
        if (count > (JDIMENSION)settings.rows_per_call) count = (JDIMENSION)settings.rows_per_call;
        for (JDIMENSION i = 0; i < count; i++) rows[i] = (JSAMPROW)(pixels + (size_t)(info.next_scanline + i) * WIDTH * CHANNELS);
        jpeg_write_scanlines(&info, rows, count);
    }
    jpeg_finish_compress(&info);
    jpeg_destroy_compress(&info);
    return size;
}

static void decode(const unsigned char *data, unsigned long size, uint8_t *pixels, Settings settings) {
    struct jpeg_decompress_struct info;
    struct jpeg_error_mgr errors;
    info.err = jpeg_std_error(&errors);
    jpeg_create_decompress(&info);
    jpeg_mem_src(&info, data, size);
    jpeg_read_header(&info, TRUE);
    info.out_color_space = JCS_RGB;
    if (settings.fast_dct) info.dct_method = JDCT_IFAST;
    info.do_fancy_upsampling = settings.fancy_upsampling ? TRUE : FALSE;
    jpeg_start_decompress(&info);
    JSAMPROW rows[64];
    while (info.output_scanline < info.output_height) {
        JDIMENSION count = info.output_height - info.output_scanline;
        if (count > (JDIMENSION)settings.rows_per_call) count = (JDIMENSION)settings.rows_per_call;
        for (JDIMENSION i = 0; i < count; i++) rows[i] = pixels + (size_t)(info.output_scanline + i) * WIDTH * CHANNELS;
        jpeg_read_scanlines(&info, rows, count);
    }
    jpeg_finish_decompress(&info);
    jpeg_destroy_decompress(&info);
}

static void report(const char *library, const char *name, Settings settings, double *times, int repeats) {
    qsort(times, (size_t)repeats, sizeof(double), compare_doubles);
    printf("{\"case\": \"%s\", \"library\": \"%s\", \"rows_per_call\": %d, \"fast_dct\": %d, \"fancy_upsampling\": %d, "
           "\"median_ms\": %.3f, \"min_ms\": %.3f}\n",
           name, library, settings.rows_per_call, settings.fast_dct, settings.fancy_upsampling, times[repeats / 2], times[0]);
    fflush(stdout);
}

int main(int argc, char **argv) {
    const char *library = argc > 1 ? argv[1] : "unnamed";
    int repeats = argc > 2 ? atoi(argv[2]) : 20;
    const char *jpeg_out = argc > 3 ? argv[3] : NULL;
    if (repeats < 1 || repeats > 1000) repeats = 20;
    uint8_t *pixels = malloc(WIDTH * HEIGHT * CHANNELS), *decoded = malloc(WIDTH * HEIGHT * CHANNELS);
    double *times = malloc(sizeof(double) * (size_t)repeats);
    make_picture(pixels);
    unsigned char *file = NULL;
    Settings percept = {16, 0, 1};
    unsigned long file_size = encode(pixels, (Settings){1, 0, 1}, &file);
    if (jpeg_out) {
        FILE *out = fopen(jpeg_out, "wb");
        if (out) fwrite(file, 1, file_size, out), fclose(out);
    }
    Settings decodes[] = {percept, {1, 0, 1}, {64, 0, 1}, {16, 1, 1}, {16, 0, 0}};
    for (size_t s = 0; s < sizeof decodes / sizeof decodes[0]; s++) {
        decode(file, file_size, decoded, decodes[s]);
        for (int r = 0; r < repeats; r++) {
            double start = now_ms();
            decode(file, file_size, decoded, decodes[s]);
            times[r] = now_ms() - start;
        }
        report(library, "decode-jpeg-1024x768-q90", decodes[s], times, repeats);
    }
    Settings encodes[] = {{1, 0, 1}, {16, 0, 1}, {1, 1, 1}};
    for (size_t s = 0; s < sizeof encodes / sizeof encodes[0]; s++) {
        for (int r = -1; r < repeats; r++) {
            unsigned char *buffer = NULL;
            double start = now_ms();
            encode(pixels, encodes[s], &buffer);
            if (r >= 0) times[r] = now_ms() - start;
            free(buffer);
        }
        report(library, "encode-jpeg-1024x768-q90", encodes[s], times, repeats);
    }
    free(file), free(pixels), free(decoded), free(times);
    return 0;
}
