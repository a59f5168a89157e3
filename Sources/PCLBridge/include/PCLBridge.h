// A plain C interface over the parts of PCL that Percept uses. Every function catches every C++
// exception and reports failure by returning nonzero (or NULL) with a message in `error`.
// Arrays are structure-of-arrays, one float per point per coordinate, like PerceptPointCloud.
//
// PCL and its Boost/VTK/FLANN chain cost ~70 ms of symbol binding at every start, so they are
// not linked into programs: the functions are implemented in PCLBridgeLibrary, built as the
// shared library libPerceptPCL.so, and this target loads it at the first call (see
// pcl_bridge_loader.c). If it cannot be loaded, every call that takes an `error` buffer fails
// with a message naming the library; the others are only reachable through a cloud, which
// cannot exist without it.
#ifndef PERCEPT_PCL_BRIDGE_H
#define PERCEPT_PCL_BRIDGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Bytes a caller should provide for an error message.
enum { pcl_bridge_error_capacity = 512 };

/// Loads libPerceptPCL.so (once): from $PERCEPT_PCL_LIBRARY when set, else next to the running
/// program, else in ../lib/percept beside it, else by the dynamic loader's search. Returns 0 on
/// success; otherwise nonzero, and pcl_bridge_load_error() says why.
int pcl_bridge_load(void);
/// Why pcl_bridge_load() failed, naming the library; empty when it succeeded or was not tried.
const char *pcl_bridge_load_error(void);

/// A cloud converted to PCL's layout, with a k-d tree built on first use.
typedef struct pcl_bridge_cloud pcl_bridge_cloud;

/// Copies `count` points into PCL's layout; `intensity` may be NULL. Returns NULL on failure.
pcl_bridge_cloud *pcl_bridge_cloud_create(const float *x, const float *y, const float *z, const float *intensity,
                                          size_t count, char *error, size_t error_capacity);
/// Frees a cloud made by this bridge (NULL is ignored).
void pcl_bridge_cloud_destroy(pcl_bridge_cloud *cloud);
/// The number of points in `cloud`.
size_t pcl_bridge_cloud_size(const pcl_bridge_cloud *cloud);
/// True when the cloud carries intensity.
int pcl_bridge_cloud_has_intensity(const pcl_bridge_cloud *cloud);
/// Copies the points out; `intensity` may be NULL (it is ignored when the cloud has none).
void pcl_bridge_cloud_copy(const pcl_bridge_cloud *cloud, float *x, float *y, float *z, float *intensity);

/// Voxel-grid downsampling to one centroid per occupied voxel (intensity averaged too).
/// Fails, instead of returning the input as PCL does, when the voxel indices would overflow.
int pcl_bridge_voxel_grid(const pcl_bridge_cloud *cloud, float leaf_x, float leaf_y, float leaf_z,
                          unsigned minimum_points_per_voxel, pcl_bridge_cloud **output, char *error, size_t error_capacity);

/// Statistical outlier removal: `keep[i]` becomes 1 for inliers and 0 for outliers.
int pcl_bridge_statistical_outliers(const pcl_bridge_cloud *cloud, int neighbors, double standard_deviations,
                                    uint8_t *keep, char *error, size_t error_capacity);
/// Radius outlier removal: keeps points with at least `minimum_neighbors` within `radius`.
int pcl_bridge_radius_outliers(const pcl_bridge_cloud *cloud, double radius, int minimum_neighbors,
                               uint8_t *keep, char *error, size_t error_capacity);
/// Pass-through filter on one axis (0 x, 1 y, 2 z): keeps points with minimum <= value <= maximum.
int pcl_bridge_pass_through(const pcl_bridge_cloud *cloud, int axis, float minimum, float maximum,
                            uint8_t *keep, char *error, size_t error_capacity);
/// Crop box: keeps points inside the axis-aligned box from `minimum` to `maximum` (3 floats each).
int pcl_bridge_crop_box(const pcl_bridge_cloud *cloud, const float *minimum, const float *maximum,
                        uint8_t *keep, char *error, size_t error_capacity);

/// RANSAC plane fit. `axis` (3 floats) may be NULL; otherwise the plane's normal must lie within
/// `axis_tolerance_radians` of it. Writes inliers to `inliers` and a, b, c, d of ax+by+cz+d=0 to `coefficients`.
int pcl_bridge_ransac_plane(const pcl_bridge_cloud *cloud, double distance, int iterations, double probability,
                            const float *axis, double axis_tolerance_radians, uint8_t *inliers, float *coefficients,
                            char *error, size_t error_capacity);

/// Euclidean clusters among the points whose `include` entry is nonzero (`include` may be NULL for
/// all). Writes each point's cluster (0 = largest) or -1 to `cluster_ids`, and the count to `clusters`.
int pcl_bridge_euclidean_clusters(const pcl_bridge_cloud *cloud, const uint8_t *include, double tolerance,
                                  int minimum_size, int maximum_size, int32_t *cluster_ids, size_t *clusters,
                                  char *error, size_t error_capacity);
/// Region growing on normals estimated from `neighbors` nearest points; output as for clusters.
int pcl_bridge_region_growing(const pcl_bridge_cloud *cloud, int neighbors, double smoothness_radians,
                              double curvature_threshold, int minimum_size, int maximum_size, int32_t *cluster_ids,
                              size_t *clusters, char *error, size_t error_capacity);

/// Normals from the `neighbors` nearest points, or (when `neighbors` is 0) from those within `radius`,
/// flipped towards the viewpoint (3 floats). Writes normal x, y, z and curvature per point.
int pcl_bridge_normals(const pcl_bridge_cloud *cloud, int neighbors, double radius, const float *viewpoint,
                       float *normal_x, float *normal_y, float *normal_z, float *curvature,
                       char *error, size_t error_capacity);

/// The `k` nearest points to each of `query_count` queries, nearest first; missing entries get -1.
int pcl_bridge_nearest(pcl_bridge_cloud *cloud, const float *query_x, const float *query_y, const float *query_z,
                       size_t query_count, int k, int32_t *indices, float *squared_distances,
                       char *error, size_t error_capacity);
/// Points within `radius` of each query (at most `maximum` per query when > 0). `offsets` has
/// query_count + 1 entries; the bridge allocates `*indices` and `*squared_distances`, which the
/// caller frees with pcl_bridge_free.
int pcl_bridge_radius_search(pcl_bridge_cloud *cloud, const float *query_x, const float *query_y, const float *query_z,
                             size_t query_count, double radius, int maximum, size_t *offsets, int32_t **indices,
                             float **squared_distances, char *error, size_t error_capacity);
/// Frees memory the bridge allocated for a result.
void pcl_bridge_free(void *pointer);

#ifdef __cplusplus
}
#endif

#endif
