// Percept's door to Open MPI (Debian's libopenmpi3), loaded with dlopen at first use so that a
// command run without MPI pays nothing at start-up. No MPI type crosses this header: requests
// and communicators are opaque pointers (a NULL communicator is the world), buffers are plain
// pointers and counts, results are MPI error codes (0 is success) or PERCEPT_MPI_NOT_LOADED.
#ifndef PERCEPT_CMPI_H
#define PERCEPT_CMPI_H

#include <stddef.h>
#include <stdint.h>

/// Returned instead of an MPI error code when the library could not be loaded.
enum { PERCEPT_MPI_NOT_LOADED = -1 };

/// A pending non-blocking collective (Open MPI's MPI_Request).
typedef void *percept_mpi_request;

/// A communicator (Open MPI's MPI_Comm); NULL stands for MPI_COMM_WORLD.
typedef void *percept_mpi_comm;

/// Loads libmpi once (thread-safe; RTLD_GLOBAL, since Open MPI opens its own plugins that
/// need its symbols). Returns 0 on success; otherwise `percept_mpi_load_error()` says why.
int percept_mpi_load(void);

/// The reason the load failed, or an empty string.
const char *percept_mpi_load_error(void);

/// MPI_Init_thread with MPI_THREAD_SERIALIZED (once), errors returned instead of aborting,
/// and this process's rank and the world's size.
int percept_mpi_init(int *rank, int *size);

/// Starts duplicating `comm` into `duplicate` (MPI_Comm_idup; errors returned, not aborting):
/// collectives on the copy never match the original's, so both may be in flight in any order.
int percept_mpi_icomm_dup(percept_mpi_comm comm, percept_mpi_comm *duplicate, percept_mpi_request *request);

/// MPI's text for an error code, into `buffer` of `capacity` bytes.
void percept_mpi_error_string(int code, char *buffer, int capacity);

/// Starts an in-place sum of `count` floats over every rank.
int percept_mpi_iallreduce_sum_float(percept_mpi_comm comm, float *values, int count, percept_mpi_request *request);

/// Starts an in-place sum of `count` doubles over every rank.
int percept_mpi_iallreduce_sum_double(percept_mpi_comm comm, double *values, int count, percept_mpi_request *request);

/// Starts a broadcast of `count` bytes from `root`.
int percept_mpi_ibcast_bytes(percept_mpi_comm comm, void *buffer, int count, int root, percept_mpi_request *request);

/// Starts a barrier.
int percept_mpi_ibarrier(percept_mpi_comm comm, percept_mpi_request *request);

/// Starts gathering one int from every rank into `received` (rank order) at `root`.
int percept_mpi_igather_int(percept_mpi_comm comm, const int *value, int *received, int root, percept_mpi_request *request);

/// Starts gathering `count` floats from every rank at `root`: rank i's into
/// `received + offsets[i]`, `counts[i]` of them (`received`, `counts`, `offsets` matter only at root).
int percept_mpi_igatherv_float(percept_mpi_comm comm, const float *values, int count, float *received, const int *counts, const int *offsets,
                               int root, percept_mpi_request *request);

/// Starts gathering `count` bytes from every rank at `root`, laid out as `percept_mpi_igatherv_float`'s floats.
int percept_mpi_igatherv_bytes(percept_mpi_comm comm, const void *values, int count, void *received, const int *counts, const int *offsets,
                               int root, percept_mpi_request *request);

/// Tests a pending request: `done` becomes 1 when it has finished (the request is then freed).
int percept_mpi_test(percept_mpi_request *request, int *done);

/// Ends every rank of the job with `code` (MPI_Abort on the world).
void percept_mpi_abort(int code);

/// MPI_Finalize, when initialised and not yet finalised.
int percept_mpi_finalize(void);

#endif
