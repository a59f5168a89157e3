#include "CPixelKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int pk_keep_freed_buffers(void) {
#if defined(__GLIBC__)
    // Buffers up to 32 MB (glibc's largest threshold) come from the heap instead of fresh
    // mappings, and up to 256 MB of freed heap stays in the process instead of going back to
    // the kernel, so the next image of the same size does not fault in zeroed pages again.
    return mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1 && mallopt(M_TRIM_THRESHOLD, 256 << 20) == 1;
#else
    return 0;
#endif
}
