// oneDNN's own sgemm (dnnl_sgemm: row-major, its JIT kernels, OpenMP threads), which the
// engine takes over OpenBLAS's for the shapes where it measured faster (SgemmChoice.swift).
#include "CDNNL.h"
#include "dnnl_api.h"

int percept_dnnl_sgemm(char transpose_a, char transpose_b, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                       int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    if (percept_dnnl_load() != 0) return 1;
    percept_dnnl_note_call();
    return DNNL_OK(percept_dnnl.dnnl_sgemm(transpose_a, transpose_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)) ? 0 : 1;
}
