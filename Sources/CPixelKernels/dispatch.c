#include "CPixelKernels.h"
#include "kernels.h"

#include <stdlib.h>

// The CPU's best level (-1 until detected; races only ever store the same answer) and the
// ceiling tests set.
static int detected = -1;
static int ceiling = PK_LEVEL_AVX512_VBMI;

static int detect(void) {
    if (getenv("PERCEPT_NO_AVX2") != NULL) return PK_LEVEL_PORTABLE;
#if PK_X86
    __builtin_cpu_init();
    if (!__builtin_cpu_supports("avx2")) return PK_LEVEL_PORTABLE;
    // The builtin also checks that the OS saves the 512-bit registers.
    if (getenv("PERCEPT_NO_AVX512") == NULL && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")) {
        return getenv("PERCEPT_NO_VBMI") == NULL && __builtin_cpu_supports("avx512vbmi") ? PK_LEVEL_AVX512_VBMI : PK_LEVEL_AVX512;
    }
    return PK_LEVEL_AVX2;
#else
    return PK_LEVEL_PORTABLE;
#endif
}

int pk_cpu_level(void) {
    int value = __atomic_load_n(&detected, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detect();
        __atomic_store_n(&detected, value, __ATOMIC_RELAXED);
    }
    return value;
}

int pk_kernel_level(void) {
    int limit = __atomic_load_n(&ceiling, __ATOMIC_RELAXED), value = pk_cpu_level();
    return value < limit ? value : limit;
}

int pk_uses_avx2(void) { return pk_kernel_level() >= PK_LEVEL_AVX2; }

int pk_uses_avx512(void) { return pk_kernel_level() >= PK_LEVEL_AVX512; }

void pk_limit_level(int level) {
    int clamped = level < PK_LEVEL_PORTABLE ? PK_LEVEL_PORTABLE : level > PK_LEVEL_AVX512_VBMI ? PK_LEVEL_AVX512_VBMI : level;
    __atomic_store_n(&ceiling, clamped, __ATOMIC_RELAXED);
}

void pk_force_portable(int portable) { pk_limit_level(portable ? PK_LEVEL_PORTABLE : PK_LEVEL_AVX512_VBMI); }
