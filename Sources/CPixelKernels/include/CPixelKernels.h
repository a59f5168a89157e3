#ifndef PERCEPT_CPIXELKERNELS_H
#define PERCEPT_CPIXELKERNELS_H

#include <stddef.h>
#include <stdint.h>

// The 8-bit inner loops of augmentation. Swift compiles for baseline x86-64 (SSE2) without
// unsafeFlags, so these are in C: each kernel has a portable version and, on x86-64, AVX2 and
// AVX-512 (F + BW, 512-bit; resampling also with VBMI) versions chosen at run time. All do the same arithmetic in the same
// order (integers, or Float multiplies and adds without fused multiply-add), so every machine
// gives the same bytes.

/// The kernel levels, each including the ones below it.
enum { PK_LEVEL_PORTABLE = 0, PK_LEVEL_AVX2 = 1, PK_LEVEL_AVX512 = 2, PK_LEVEL_AVX512_VBMI = 3 };

/// The best level this CPU runs, less what the environment turns off: PERCEPT_NO_VBMI stops at
/// AVX-512 F + BW, PERCEPT_NO_AVX512 at AVX2, PERCEPT_NO_AVX2 at the portable kernels (for
/// testing and comparing).
int pk_cpu_level(void);
/// The level the kernels use now: `pk_cpu_level()` capped by `pk_limit_level`.
int pk_kernel_level(void);
/// Caps the level the kernels use (a `PK_LEVEL_*`); `PK_LEVEL_AVX512_VBMI` restores the CPU's
/// choice. For tests, which compare every level the CPU runs.
void pk_limit_level(int level);
/// Whether the AVX2 (or better) versions run now.
int pk_uses_avx2(void);
/// Whether the AVX-512 versions run now.
int pk_uses_avx512(void);
/// Forces the portable versions (1) or restores the run-time choice (0); for tests.
void pk_force_portable(int portable);

/// Makes the C allocator keep freed image-sized buffers for reuse (glibc: image buffers come
/// from the heap, and freed heap is not returned to the kernel below 256 MB). Augmenting
/// allocates and frees several images per sample; without this each new buffer faults in
/// fresh zeroed pages, which costs as much as the cheaper transforms. Returns 1 when set.
int pk_keep_freed_buffers(void);

/// Mirrors each row of a `width × height` image with `channels` interleaved 8-bit samples.
void pk_flip_rows_u8(const uint8_t *source, uint8_t *target, size_t width, size_t height, size_t channels);

/// Separable filter of an 8-bit image with reflect-101 borders (OpenCV's default), summing in
/// Float; `horizontal_count` and `vertical_count` are odd. Symmetric taps are summed in pairs
/// about the centre. Rounds half up and clamps to 0...255. Returns 0, or -1 when scratch memory
/// could not be had.
int pk_separable_filter_u8(const uint8_t *source, uint8_t *target, size_t width, size_t height, size_t channels,
                           const float *horizontal, size_t horizontal_count,
                           const float *vertical, size_t vertical_count);

/// `target[i] = table[source[i]]` for `count` bytes. `source` and `target` may be the same memory.
void pk_lookup_u8(const uint8_t *source, uint8_t *target, size_t count, const uint8_t table[256]);

/// Output rows `first_row ..< end_row` of an 8-bit image resampled separably: output pixel x
/// sums `horizontal_taps` source pixels `horizontal_indices[x·taps + t]` weighted by
/// `horizontal_weights[x·taps + t]` (likewise rows), in Float from 0, tap by tap, then rounds
/// half up and clamps. `target` receives only those rows. Returns 0, or -1 without memory.
int pk_resample_u8(const uint8_t *source, size_t source_width, size_t source_height, size_t channels,
                   const int32_t *horizontal_indices, const float *horizontal_weights, size_t horizontal_taps,
                   const int32_t *vertical_indices, const float *vertical_weights, size_t vertical_taps,
                   uint8_t *target, size_t output_width, size_t first_row, size_t end_row);

/// Replaces every colour sample of `pixels` pixels by `table[sample]`; the alpha of gray+alpha
/// and RGBA pixels (their last channel) is copied. `source` and `target` may be the same memory.
void pk_table_u8(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, const uint8_t table[256]);

/// Adds up each of the first three channels over `pixels` pixels.
void pk_channel_sums_u8(const uint8_t *source, size_t pixels, size_t channels, uint64_t sums[3]);

/// Saturation scaled by `factor` about the luma (0.299, 0.587, 0.114), in Float on samples
/// divided by 255 exactly as `ColourMap(SaturationScale)` does. `source` may equal `target`.
void pk_saturation_u8(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, float factor);

/// Hue turned by `shift` (sixths of a turn with 24 fraction bits, 0 ≤ shift < 6·2²⁴) in
/// integers: each pixel keeps its largest and smallest channel values. `source` may equal
/// `target`.
void pk_hue_turn_u8(const uint8_t *source, uint8_t *target, size_t pixels, size_t channels, int32_t shift);

/// One output row of a bilinear warp with 11-bit weights: pixel `i` samples the source at
/// `(x + i·step_x, y + i·step_y)` (32.32 fixed point); with `mirrored` the source is read as
/// if flipped left-right first (the same bytes as flipping it, then warping). Pixels whose four taps all lie inside
/// the source are written; under a constant border (`fill` non-null) pixels with no tap inside
/// are the fill. The indices of the others (which need the border rule) go to `edges`; returns
/// their count.
size_t pk_warp_row_u8(const uint8_t *source, size_t source_width, size_t source_height, size_t channels, int mirrored,
                      uint8_t *target, size_t count, int64_t x, int64_t y, int64_t step_x, int64_t step_y,
                      const uint8_t *fill, int32_t *edges);

#endif
