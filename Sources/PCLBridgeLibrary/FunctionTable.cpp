// The one symbol libPerceptPCL.so exports: the table PCLBridge's loader forwards through.
#include "BridgeCloud.hpp"
#include "PerceptPCL.h"

namespace {

const pcl_bridge_functions functions = {
    pcl_bridge_functions_version,
    pcl_bridge_cloud_create,
    pcl_bridge_cloud_destroy,
    pcl_bridge_cloud_size,
    pcl_bridge_cloud_has_intensity,
    pcl_bridge_cloud_copy,
    pcl_bridge_voxel_grid,
    pcl_bridge_statistical_outliers,
    pcl_bridge_radius_outliers,
    pcl_bridge_pass_through,
    pcl_bridge_crop_box,
    pcl_bridge_ransac_plane,
    pcl_bridge_euclidean_clusters,
    pcl_bridge_region_growing,
    pcl_bridge_normals,
    pcl_bridge_nearest,
    pcl_bridge_radius_search,
    pcl_bridge_free,
};

}  // namespace

__attribute__((visibility("default"))) const pcl_bridge_functions *percept_pcl_bridge_functions(void) {
    return &functions;
}
