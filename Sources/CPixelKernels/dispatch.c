#include "CPixelKernels.h"
#include "kernels.h"

#include <stdlib.h>

// -1 unknown, 0 portable, 1 AVX2. Races only ever store the same answer.
static int chosen = -1;
static int forced_portable = 0;

static int detect(void) {
    if (getenv("PERCEPT_NO_AVX2") != NULL) return 0;
#if PK_X86
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? 1 : 0;
#else
    return 0;
#endif
}

int pk_uses_avx2(void) {
    if (forced_portable) return 0;
    int value = __atomic_load_n(&chosen, __ATOMIC_RELAXED);
    if (value < 0) {
        value = detect();
        __atomic_store_n(&chosen, value, __ATOMIC_RELAXED);
    }
    return value;
}

void pk_force_portable(int portable) { __atomic_store_n(&forced_portable, portable ? 1 : 0, __ATOMIC_RELAXED); }
