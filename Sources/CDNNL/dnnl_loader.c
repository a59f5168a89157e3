// Loads oneDNN at first use (as COpenBLAS loads OpenBLAS): dlopen, then dlsym for every
// function in PERCEPT_DNNL_FUNCTIONS, then one CPU engine and one stream for the process.
#define _GNU_SOURCE
#include "CDNNL.h"
#include "dnnl_api.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

percept_dnnl_api percept_dnnl;
dnnl_engine_t percept_dnnl_engine = NULL;
dnnl_stream_t percept_dnnl_stream = NULL;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[512] = "";
static char version_text[32] = "";
static void (*omp_set_threads)(int) = NULL;

static void load_library(void) {
    const char *disabled = getenv("PERCEPT_NO_DNNL");
    if (disabled != NULL && strcmp(disabled, "1") == 0) {
        snprintf(load_error, sizeof load_error, "oneDNN disabled by PERCEPT_NO_DNNL=1");
        return;
    }
    void *handle = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(load_error, sizeof load_error, "oneDNN could not be loaded (%s); install Debian's libdnnl2", dlerror());
        return;
    }
#define PERCEPT_DNNL_RESOLVE(name)                                                                     \
    percept_dnnl.name = (__typeof__(&name))dlsym(handle, #name);                                       \
    if (percept_dnnl.name == NULL) {                                                                   \
        snprintf(load_error, sizeof load_error, "the loaded oneDNN has no %s", #name);                  \
        return;                                                                                        \
    }
    PERCEPT_DNNL_FUNCTIONS(PERCEPT_DNNL_RESOLVE)
#undef PERCEPT_DNNL_RESOLVE
    // libdnnl's OpenMP runtime is among its dependencies, which dlsym on its handle searches.
    omp_set_threads = (void (*)(int))dlsym(handle, "omp_set_num_threads");
    if (percept_dnnl.dnnl_engine_create(&percept_dnnl_engine, dnnl_cpu, 0) != dnnl_success ||
        percept_dnnl.dnnl_stream_create(&percept_dnnl_stream, percept_dnnl_engine, dnnl_stream_default_flags) != dnnl_success) {
        snprintf(load_error, sizeof load_error, "oneDNN could not create its CPU engine and stream");
        return;
    }
    const dnnl_version_t *version = percept_dnnl.dnnl_version();
    snprintf(version_text, sizeof version_text, "%d.%d.%d", version->major, version->minor, version->patch);
    load_status = 0;
}

int percept_dnnl_load(void) {
    pthread_once(&load_once, load_library);
    return load_status;
}

const char *percept_dnnl_error(void) { return load_error; }

const char *percept_dnnl_version(void) { return percept_dnnl_load() == 0 ? version_text : ""; }

void percept_dnnl_set_threads(int threads) {
    if (percept_dnnl_load() == 0 && omp_set_threads != NULL && threads > 0) omp_set_threads(threads);
}
