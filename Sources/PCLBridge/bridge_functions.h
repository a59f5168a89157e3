// The contract between the loader (pcl_bridge_loader.c) and the shared library it loads
// (PCLBridgeLibrary): one exported function returning a table of the bridge's entry points, so
// the library exports nothing else and its internal calls can never bind to the loader's
// forwarding functions of the same names.
#ifndef PERCEPT_PCL_BRIDGE_FUNCTIONS_H
#define PERCEPT_PCL_BRIDGE_FUNCTIONS_H

#include "include/PCLBridge.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Raised whenever an entry point is added or changes signature, so a stale library is refused.
enum { pcl_bridge_functions_version = 1 };

/// The bridge's entry points, each typed from its declaration in PCLBridge.h.
typedef struct pcl_bridge_functions {
    int version;
    __typeof__(pcl_bridge_cloud_create) *cloud_create;
    __typeof__(pcl_bridge_cloud_destroy) *cloud_destroy;
    __typeof__(pcl_bridge_cloud_size) *cloud_size;
    __typeof__(pcl_bridge_cloud_has_intensity) *cloud_has_intensity;
    __typeof__(pcl_bridge_cloud_copy) *cloud_copy;
    __typeof__(pcl_bridge_voxel_grid) *voxel_grid;
    __typeof__(pcl_bridge_statistical_outliers) *statistical_outliers;
    __typeof__(pcl_bridge_radius_outliers) *radius_outliers;
    __typeof__(pcl_bridge_pass_through) *pass_through;
    __typeof__(pcl_bridge_crop_box) *crop_box;
    __typeof__(pcl_bridge_ransac_plane) *ransac_plane;
    __typeof__(pcl_bridge_euclidean_clusters) *euclidean_clusters;
    __typeof__(pcl_bridge_region_growing) *region_growing;
    __typeof__(pcl_bridge_normals) *normals;
    __typeof__(pcl_bridge_nearest) *nearest;
    __typeof__(pcl_bridge_radius_search) *radius_search;
    __typeof__(pcl_bridge_free) *free;
} pcl_bridge_functions;

/// The one symbol libPerceptPCL.so exports: returns its table.
typedef const pcl_bridge_functions *(*pcl_bridge_functions_getter)(void);
#define PCL_BRIDGE_FUNCTIONS_SYMBOL "percept_pcl_bridge_functions"

#ifdef __cplusplus
}
#endif

#endif
