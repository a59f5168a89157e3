#ifndef PERCEPT_PIXEL_KERNELS_PRIVATE_H
#define PERCEPT_PIXEL_KERNELS_PRIVATE_H

// Shared by the kernel files: the platform test, the AVX2 and AVX-512 function attributes,
// and the rounding every Float kernel uses.

#if defined(__x86_64__) || defined(__i386__)
#define PK_X86 1
#include <immintrin.h>
#define PK_AVX2 __attribute__((target("avx2")))
// AVX-512 Foundation and Byte/Word, 512-bit vectors; these functions also use AVX2 helpers.
#define PK_AVX512 __attribute__((target("avx2,avx512f,avx512bw")))
// AVX-512 with VBMI's byte permutes across a whole vector.
#define PK_AVX512_VBMI __attribute__((target("avx2,avx512f,avx512bw,avx512vbmi")))
#else
#define PK_X86 0
#endif

#include <stdint.h>

// Float kernels must not fuse multiplies and adds: the portable and vector versions would differ.
#pragma STDC FP_CONTRACT OFF

/// The sample nearest `value`, halves up, clamped to 0...255 (Swift's `UInt8(roundingClamped:)`).
static inline uint8_t pk_round_u8(float value) {
    return value >= 255.0f ? 255 : (value > 0.0f ? (uint8_t)(value + 0.5f) : 0);
}

/// Reflect-101 index (`dcb|abcd|cba`).
static inline long pk_reflect101(long index, long length) {
    if (length <= 1) return 0;
    long period = 2 * length - 2;
    long folded = index % period;
    if (folded < 0) folded += period;
    return folded < length ? folded : period - folded;
}

#endif
