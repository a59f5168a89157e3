// Loads OpenBLAS at run time. Debian's OpenBLAS 0.3.21 does not recognise some current CPUs
// and falls back to its oldest x86-64 kernels ("Prescott", ~5x slower). It picks its kernel
// while being loaded, from OPENBLAS_CORETYPE, so a program linked against it has decided
// before main runs. Loading it here, after setting the core type from the CPU's features
// (unless the user set one), gives every program that imports Percept the right kernel.
#define _GNU_SOURCE
#include "COpenBLAS.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int,
                         const float *, int, float, float *, int);
typedef char *(*corename_fn)(void);
typedef void (*set_threads_fn)(int);
typedef int (*get_threads_fn)(void);

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[512] = "";
static char chosen_coretype[32] = "";
static sgemm_fn blas_sgemm = NULL;
static corename_fn blas_corename = NULL;
static set_threads_fn blas_set_threads = NULL;
static get_threads_fn blas_get_threads = NULL;

int percept_cpu_features(void) {
    int features = 0;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) features |= 1;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq")) features |= 2;
#endif
    return features;
}

static void choose_coretype(void) {
    const char *user = getenv("OPENBLAS_CORETYPE");
    if (user != NULL && user[0] != '\0') return;
    int features = percept_cpu_features();
    const char *core = NULL;
    if (features & 2) core = "SkylakeX";
    else if (features & 1) core = "Haswell";
    if (core == NULL) return;
    snprintf(chosen_coretype, sizeof chosen_coretype, "%s", core);
    setenv("OPENBLAS_CORETYPE", core, 1);
}

static void load_library(void) {
    choose_coretype();
    static const char *names[] = {"libopenblas.so.0", "libopenblas.so", "libopenblasp.so.0"};
    void *handle = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && handle == NULL; i++) {
        handle = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (handle == NULL) {
        snprintf(load_error, sizeof load_error,
                 "OpenBLAS could not be loaded (%s); install Debian's libopenblas0", dlerror());
        return;
    }
    blas_sgemm = (sgemm_fn)dlsym(handle, "cblas_sgemm");
    blas_corename = (corename_fn)dlsym(handle, "openblas_get_corename");
    blas_set_threads = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
    blas_get_threads = (get_threads_fn)dlsym(handle, "openblas_get_num_threads");
    if (blas_sgemm == NULL) {
        snprintf(load_error, sizeof load_error, "the loaded BLAS library has no cblas_sgemm");
        return;
    }
    load_status = 0;
}

int percept_blas_load(void) {
    pthread_once(&load_once, load_library);
    return load_status;
}

const char *percept_blas_error(void) { return load_error; }

const char *percept_blas_corename(void) {
    if (percept_blas_load() != 0 || blas_corename == NULL) return "";
    return blas_corename();
}

const char *percept_blas_chosen_coretype(void) { return chosen_coretype; }

void percept_blas_set_threads(int threads) {
    if (percept_blas_load() == 0 && blas_set_threads != NULL) blas_set_threads(threads);
}

int percept_blas_threads(void) {
    if (percept_blas_load() != 0 || blas_get_threads == NULL) return 0;
    return blas_get_threads();
}

void percept_sgemm_reference(int transA, int transB, int m, int n, int k, float alpha,
                            const float *a, int lda, const float *b, int ldb,
                            float beta, float *c, int ldc) {
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            float sum = 0;
            for (int p = 0; p < k; p++) {
                float x = transA == PERCEPT_CBLAS_TRANS ? a[(size_t)p * lda + i] : a[(size_t)i * lda + p];
                float y = transB == PERCEPT_CBLAS_TRANS ? b[(size_t)j * ldb + p] : b[(size_t)p * ldb + j];
                sum += x * y;
            }
            float *out = &c[(size_t)i * ldc + j];
            *out = beta == 0 ? alpha * sum : alpha * sum + beta * *out;
        }
    }
}

void percept_sgemm(int transA, int transB, int m, int n, int k, float alpha,
                   const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc) {
    if (percept_blas_load() != 0) {
        percept_sgemm_reference(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    blas_sgemm(PERCEPT_CBLAS_ROW_MAJOR, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
