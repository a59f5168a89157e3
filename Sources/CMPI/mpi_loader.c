// Loads Open MPI at first use (as CDNNL loads oneDNN): dlopen, then dlsym for every function
// and for the predefined handles. Open MPI's MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM … are the
// addresses of exported globals (ompi_mpi_comm_world …), so dlsym returns them as they are.
// The few types below mirror Open MPI 4's mpi.h (handles are pointers, MPI_IN_PLACE is 1,
// MPI_STATUS_IGNORE is NULL), so the build needs no MPI headers.
#define _GNU_SOURCE
#include "CMPI.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

typedef void *mpi_handle;
enum { MPI_THREAD_SERIALIZED = 2 };
#define MPI_IN_PLACE ((void *)1)
#define MPI_STATUS_IGNORE ((void *)0)

#define PERCEPT_MPI_FUNCTIONS(X)                                                                              \
    X(MPI_Init_thread, int, (int *, char ***, int, int *))                                                \
    X(MPI_Initialized, int, (int *))                                                                      \
    X(MPI_Finalized, int, (int *))                                                                        \
    X(MPI_Finalize, int, (void))                                                                          \
    X(MPI_Comm_rank, int, (mpi_handle, int *))                                                            \
    X(MPI_Comm_size, int, (mpi_handle, int *))                                                            \
    X(MPI_Comm_set_errhandler, int, (mpi_handle, mpi_handle))                                             \
    X(MPI_Error_string, int, (int, char *, int *))                                                        \
    X(MPI_Iallreduce, int, (const void *, void *, int, mpi_handle, mpi_handle, mpi_handle, mpi_handle *)) \
    X(MPI_Ibcast, int, (void *, int, mpi_handle, int, mpi_handle, mpi_handle *))                          \
    X(MPI_Ibarrier, int, (mpi_handle, mpi_handle *))                                                      \
    X(MPI_Igather, int, (const void *, int, mpi_handle, void *, int, mpi_handle, int, mpi_handle, mpi_handle *)) \
    X(MPI_Igatherv, int, (const void *, int, mpi_handle, void *, const int *, const int *, mpi_handle, int, mpi_handle, mpi_handle *)) \
    X(MPI_Comm_idup, int, (mpi_handle, mpi_handle *, mpi_handle *))                                        \
    X(MPI_Test, int, (mpi_handle *, int *, void *))                                                       \
    X(MPI_Abort, int, (mpi_handle, int))

#define PERCEPT_MPI_HANDLES(X)                                                                                \
    X(ompi_mpi_comm_world) X(ompi_mpi_float) X(ompi_mpi_double) X(ompi_mpi_byte) X(ompi_mpi_int) X(ompi_mpi_op_sum) \
    X(ompi_mpi_errors_return)

#define PERCEPT_MPI_FUNCTION_POINTER(name, result, arguments) static result(*p_##name) arguments = NULL;
PERCEPT_MPI_FUNCTIONS(PERCEPT_MPI_FUNCTION_POINTER)
#undef PERCEPT_MPI_FUNCTION_POINTER
#define PERCEPT_MPI_HANDLE_POINTER(name) static mpi_handle h_##name = NULL;
PERCEPT_MPI_HANDLES(PERCEPT_MPI_HANDLE_POINTER)
#undef PERCEPT_MPI_HANDLE_POINTER

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[512] = "";

static void load_library(void) {
    void *library = dlopen("libmpi.so.40", RTLD_NOW | RTLD_GLOBAL);
    if (library == NULL) {
        snprintf(load_error, sizeof load_error, "Open MPI could not be loaded (%s); install Debian's libopenmpi3 and openmpi-bin", dlerror());
        return;
    }
#define PERCEPT_MPI_RESOLVE(name, result, arguments)                                                  \
    p_##name = (result(*) arguments)dlsym(library, #name);                                              \
    if (p_##name == NULL) {                                                                             \
        snprintf(load_error, sizeof load_error, "the loaded Open MPI has no %s", #name);                 \
        return;                                                                                         \
    }
    PERCEPT_MPI_FUNCTIONS(PERCEPT_MPI_RESOLVE)
#undef PERCEPT_MPI_RESOLVE
#define PERCEPT_MPI_RESOLVE_HANDLE(name)                                                                \
    h_##name = dlsym(library, #name);                                                                   \
    if (h_##name == NULL) {                                                                             \
        snprintf(load_error, sizeof load_error, "the loaded library is not Open MPI (it has no %s)", #name); \
        return;                                                                                         \
    }
    PERCEPT_MPI_HANDLES(PERCEPT_MPI_RESOLVE_HANDLE)
#undef PERCEPT_MPI_RESOLVE_HANDLE
    load_status = 0;
}

int percept_mpi_load(void) {
    pthread_once(&load_once, load_library);
    return load_status;
}

const char *percept_mpi_load_error(void) { return load_error; }

int percept_mpi_init(int *rank, int *size) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    int initialised = 0, code = p_MPI_Initialized(&initialised);
    if (code == 0 && !initialised) {
        int provided = 0;
        code = p_MPI_Init_thread(NULL, NULL, MPI_THREAD_SERIALIZED, &provided);
    }
    if (code == 0) code = p_MPI_Comm_set_errhandler(h_ompi_mpi_comm_world, h_ompi_mpi_errors_return);
    if (code == 0) code = p_MPI_Comm_rank(h_ompi_mpi_comm_world, rank);
    if (code == 0) code = p_MPI_Comm_size(h_ompi_mpi_comm_world, size);
    return code;
}

void percept_mpi_error_string(int code, char *buffer, int capacity) {
    if (capacity <= 0) return;
    buffer[0] = 0;
    if (code == PERCEPT_MPI_NOT_LOADED) {
        snprintf(buffer, (size_t)capacity, "%s", load_error);
        return;
    }
    // Open MPI's longest message fits in 256 bytes (MPI_MAX_ERROR_STRING).
    char text[256] = "";
    int length = 0;
    if (percept_mpi_load() == 0 && p_MPI_Error_string(code, text, &length) == 0) {
        snprintf(buffer, (size_t)capacity, "%.*s", length, text);
    } else {
        snprintf(buffer, (size_t)capacity, "MPI error %d", code);
    }
}

/// The communicator `comm` stands for: itself, or the world for NULL.
static mpi_handle communicator(percept_mpi_comm comm) { return comm != NULL ? comm : h_ompi_mpi_comm_world; }

int percept_mpi_icomm_dup(percept_mpi_comm comm, percept_mpi_comm *duplicate, percept_mpi_request *request) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    return p_MPI_Comm_idup(communicator(comm), duplicate, request);
}

int percept_mpi_iallreduce_sum_float(percept_mpi_comm comm, float *values, int count, percept_mpi_request *request) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    return p_MPI_Iallreduce(MPI_IN_PLACE, values, count, h_ompi_mpi_float, h_ompi_mpi_op_sum, communicator(comm), request);
}

int percept_mpi_iallreduce_sum_double(percept_mpi_comm comm, double *values, int count, percept_mpi_request *request) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    return p_MPI_Iallreduce(MPI_IN_PLACE, values, count, h_ompi_mpi_double, h_ompi_mpi_op_sum, communicator(comm), request);
}

int percept_mpi_ibcast_bytes(percept_mpi_comm comm, void *buffer, int count, int root, percept_mpi_request *request) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    return p_MPI_Ibcast(buffer, count, h_ompi_mpi_byte, root, communicator(comm), request);
}

int percept_mpi_ibarrier(percept_mpi_comm comm, percept_mpi_request *request) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    return p_MPI_Ibarrier(communicator(comm), request);
}

int percept_mpi_igather_int(percept_mpi_comm comm, const int *value, int *received, int root, percept_mpi_request *request) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    return p_MPI_Igather(value, 1, h_ompi_mpi_int, received, 1, h_ompi_mpi_int, root, communicator(comm), request);
}

int percept_mpi_igatherv_float(percept_mpi_comm comm, const float *values, int count, float *received, const int *counts, const int *offsets,
                               int root, percept_mpi_request *request) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    return p_MPI_Igatherv(values, count, h_ompi_mpi_float, received, counts, offsets, h_ompi_mpi_float, root,
                          communicator(comm), request);
}

int percept_mpi_igatherv_bytes(percept_mpi_comm comm, const void *values, int count, void *received, const int *counts, const int *offsets,
                               int root, percept_mpi_request *request) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    return p_MPI_Igatherv(values, count, h_ompi_mpi_byte, received, counts, offsets, h_ompi_mpi_byte, root,
                          communicator(comm), request);
}

int percept_mpi_test(percept_mpi_request *request, int *done) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    return p_MPI_Test(request, done, MPI_STATUS_IGNORE);
}

void percept_mpi_abort(int code) {
    if (percept_mpi_load() == 0) p_MPI_Abort(h_ompi_mpi_comm_world, code);
}

int percept_mpi_finalize(void) {
    if (percept_mpi_load() != 0) return PERCEPT_MPI_NOT_LOADED;
    int initialised = 0, finalised = 0;
    p_MPI_Initialized(&initialised);
    p_MPI_Finalized(&finalised);
    return initialised && !finalised ? p_MPI_Finalize() : 0;
}
