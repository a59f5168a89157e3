// Loads libPerceptPCL.so (the bridge's implementation, linked against PCL) at the first call and
// forwards every PCLBridge.h function to it, so programs that never touch PCL never load it.
#define _GNU_SOURCE
#include "bridge_functions.h"

#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCL_LIBRARY_NAME "libPerceptPCL.so"

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const pcl_bridge_functions *table = NULL;
static char load_error[pcl_bridge_error_capacity] = "";

// Opens `path` when the file exists; returns the handle, or NULL (recording dlerror when the
// file exists but cannot be loaded, which usually names a missing PCL library).
static void *open_if_present(const char *path) {
    if (access(path, F_OK) != 0) return NULL;
    void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) snprintf(load_error, sizeof load_error, "%s could not be loaded: %s", path, dlerror());
    return handle;
}

// Tries the folder of the running program, then ../lib/percept beside it (Tools/install's layout).
static void *open_beside_program(void) {
    char program[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", program, sizeof program - 1);
    if (length <= 0) return NULL;
    program[length] = '\0';
    const char *folder = dirname(program);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", folder, PCL_LIBRARY_NAME);
    void *handle = open_if_present(path);
    if (handle != NULL || load_error[0] != '\0') return handle;
    snprintf(path, sizeof path, "%s/../lib/percept/%s", folder, PCL_LIBRARY_NAME);
    return open_if_present(path);
}

static void *open_library(void) {
    const char *chosen = getenv("PERCEPT_PCL_LIBRARY");
    if (chosen != NULL && chosen[0] != '\0') {
        void *handle = dlopen(chosen, RTLD_NOW | RTLD_LOCAL);
        if (handle == NULL) snprintf(load_error, sizeof load_error, "PERCEPT_PCL_LIBRARY=%s could not be loaded: %s", chosen, dlerror());
        return handle;
    }
    void *handle = open_beside_program();
    if (handle != NULL || load_error[0] != '\0') return handle;
    handle = dlopen(PCL_LIBRARY_NAME, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        snprintf(load_error, sizeof load_error,
                 "%s (Percept's PCL bridge) was not found beside the program, in ../lib/percept, or on the "
                 "library path; build it with `swift build --product PerceptPCL` or install with Tools/install",
                 PCL_LIBRARY_NAME);
    }
    return handle;
}

static void load_library(void) {
    void *handle = open_library();
    if (handle == NULL) return;
    pcl_bridge_functions_getter getter = (pcl_bridge_functions_getter)dlsym(handle, PCL_BRIDGE_FUNCTIONS_SYMBOL);
    const pcl_bridge_functions *functions = getter == NULL ? NULL : getter();
    if (functions == NULL || functions->version != pcl_bridge_functions_version) {
        snprintf(load_error, sizeof load_error, "%s is not a PCL bridge of this version of Percept (expected table version %d)",
                 PCL_LIBRARY_NAME, pcl_bridge_functions_version);
        dlclose(handle);
        return;
    }
    table = functions;
}

int pcl_bridge_load(void) {
    pthread_once(&load_once, load_library);
    return table == NULL;
}

const char *pcl_bridge_load_error(void) { return load_error; }

// True when the library is loaded; otherwise copies the reason into the caller's error buffer.
static int ready(char *error, size_t error_capacity) {
    if (pcl_bridge_load() == 0) return 1;
    if (error != NULL && error_capacity > 0) snprintf(error, error_capacity, "%s", load_error);
    return 0;
}

pcl_bridge_cloud *pcl_bridge_cloud_create(const float *x, const float *y, const float *z, const float *intensity,
                                          size_t count, char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return NULL;
    return table->cloud_create(x, y, z, intensity, count, error, error_capacity);
}

// A cloud only exists when the library is loaded, so the calls below that take one need no check.
void pcl_bridge_cloud_destroy(pcl_bridge_cloud *cloud) {
    if (cloud != NULL) table->cloud_destroy(cloud);
}

size_t pcl_bridge_cloud_size(const pcl_bridge_cloud *cloud) { return table->cloud_size(cloud); }

int pcl_bridge_cloud_has_intensity(const pcl_bridge_cloud *cloud) { return table->cloud_has_intensity(cloud); }

void pcl_bridge_cloud_copy(const pcl_bridge_cloud *cloud, float *x, float *y, float *z, float *intensity) {
    table->cloud_copy(cloud, x, y, z, intensity);
}

int pcl_bridge_voxel_grid(const pcl_bridge_cloud *cloud, float leaf_x, float leaf_y, float leaf_z,
                          unsigned minimum_points_per_voxel, pcl_bridge_cloud **output, char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->voxel_grid(cloud, leaf_x, leaf_y, leaf_z, minimum_points_per_voxel, output, error, error_capacity);
}

int pcl_bridge_statistical_outliers(const pcl_bridge_cloud *cloud, int neighbors, double standard_deviations,
                                    uint8_t *keep, char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->statistical_outliers(cloud, neighbors, standard_deviations, keep, error, error_capacity);
}

int pcl_bridge_radius_outliers(const pcl_bridge_cloud *cloud, double radius, int minimum_neighbors,
                               uint8_t *keep, char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->radius_outliers(cloud, radius, minimum_neighbors, keep, error, error_capacity);
}

int pcl_bridge_pass_through(const pcl_bridge_cloud *cloud, int axis, float minimum, float maximum,
                            uint8_t *keep, char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->pass_through(cloud, axis, minimum, maximum, keep, error, error_capacity);
}

int pcl_bridge_crop_box(const pcl_bridge_cloud *cloud, const float *minimum, const float *maximum,
                        uint8_t *keep, char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->crop_box(cloud, minimum, maximum, keep, error, error_capacity);
}

int pcl_bridge_ransac_plane(const pcl_bridge_cloud *cloud, double distance, int iterations, double probability,
                            const float *axis, double axis_tolerance_radians, uint8_t *inliers, float *coefficients,
                            char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->ransac_plane(cloud, distance, iterations, probability, axis, axis_tolerance_radians, inliers,
                               coefficients, error, error_capacity);
}

int pcl_bridge_euclidean_clusters(const pcl_bridge_cloud *cloud, const uint8_t *include, double tolerance,
                                  int minimum_size, int maximum_size, int32_t *cluster_ids, size_t *clusters,
                                  char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->euclidean_clusters(cloud, include, tolerance, minimum_size, maximum_size, cluster_ids, clusters,
                                     error, error_capacity);
}

int pcl_bridge_region_growing(const pcl_bridge_cloud *cloud, int neighbors, double smoothness_radians,
                              double curvature_threshold, int minimum_size, int maximum_size, int32_t *cluster_ids,
                              size_t *clusters, char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->region_growing(cloud, neighbors, smoothness_radians, curvature_threshold, minimum_size, maximum_size,
                                 cluster_ids, clusters, error, error_capacity);
}

int pcl_bridge_normals(const pcl_bridge_cloud *cloud, int neighbors, double radius, const float *viewpoint,
                       float *normal_x, float *normal_y, float *normal_z, float *curvature,
                       char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->normals(cloud, neighbors, radius, viewpoint, normal_x, normal_y, normal_z, curvature, error,
                          error_capacity);
}

int pcl_bridge_nearest(pcl_bridge_cloud *cloud, const float *query_x, const float *query_y, const float *query_z,
                       size_t query_count, int k, int32_t *indices, float *squared_distances,
                       char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->nearest(cloud, query_x, query_y, query_z, query_count, k, indices, squared_distances, error,
                          error_capacity);
}

int pcl_bridge_radius_search(pcl_bridge_cloud *cloud, const float *query_x, const float *query_y, const float *query_z,
                             size_t query_count, double radius, int maximum, size_t *offsets, int32_t **indices,
                             float **squared_distances, char *error, size_t error_capacity) {
    if (!ready(error, error_capacity)) return 1;
    return table->radius_search(cloud, query_x, query_y, query_z, query_count, radius, maximum, offsets, indices,
                                squared_distances, error, error_capacity);
}

void pcl_bridge_free(void *pointer) {
    if (pointer != NULL) table->free(pointer);
}
