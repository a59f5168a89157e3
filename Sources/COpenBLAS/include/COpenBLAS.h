#ifndef PERCEPT_COPENBLAS_H
#define PERCEPT_COPENBLAS_H

/// The part of OpenBLAS that Percept uses, reached through `dlopen` so that the kernel for
/// this CPU can be chosen before the library initialises itself.

/// CBLAS enumeration values (as in cblas.h).
enum {
    PERCEPT_CBLAS_ROW_MAJOR = 101,
    PERCEPT_CBLAS_NO_TRANS = 111,
    PERCEPT_CBLAS_TRANS = 112,
};

/// Loads OpenBLAS once (thread-safe). Returns 0 on success; otherwise
/// `percept_blas_error()` says why.
int percept_blas_load(void);

/// The reason the last load failed, or an empty string.
const char *percept_blas_error(void);

/// The core type OpenBLAS runs (for example "Haswell" or "SkylakeX"), or "" if not loaded.
const char *percept_blas_corename(void);

/// The value Percept put in OPENBLAS_CORETYPE before loading, or "" if the user had set it
/// (or the CPU has no feature that needs it).
const char *percept_blas_chosen_coretype(void);

/// Sets and reads the number of OpenBLAS threads.
void percept_blas_set_threads(int threads);
int percept_blas_threads(void);

/// Row-major single-precision GEMM: C = alpha * op(A) * op(B) + beta * C.
/// Loads the library on first use; if it cannot be loaded, computes the product with a plain
/// loop (correct, slow) — public entry points call `percept_blas_load` first and report why.
void percept_sgemm(int transA, int transB, int m, int n, int k, float alpha,
                   const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc);

/// The textbook triple loop with the same arguments as `percept_sgemm`, which uses it when
/// OpenBLAS cannot be loaded (so no caller ever jumps through a null pointer).
void percept_sgemm_reference(int transA, int transB, int m, int n, int k, float alpha,
                             const float *a, int lda, const float *b, int ldb,
                             float beta, float *c, int ldc);

/// The CPU's vector features, as the loader saw them (bit 0: AVX2+FMA, bit 1: AVX-512).
int percept_cpu_features(void);

#endif
