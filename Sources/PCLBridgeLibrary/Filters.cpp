#include "BridgeCloud.hpp"

#include <pcl/common/common.h>
#include <pcl/filters/crop_box.h>
#include <pcl/filters/passthrough.h>
#include <pcl/filters/radius_outlier_removal.h>
#include <pcl/filters/statistical_outlier_removal.h>
#include <pcl/filters/voxel_grid.h>

#include <cstdint>
#include <limits>

using percept_bridge::fillMask;
using percept_bridge::guarded;

namespace {

// PCL computes a voxel's index as a 32-bit integer over the whole bounding grid; when the grid has
// more cells than that holds, PCL only prints a warning and returns the input unchanged.
template <typename Point>
void checkVoxelGrid(const pcl::PointCloud<Point> &points, float leafX, float leafY, float leafZ) {
    if (!(leafX > 0 && leafY > 0 && leafZ > 0)) throw std::invalid_argument("voxel leaf sizes must be positive");
    if (points.empty()) return;
    Point minimum, maximum;
    pcl::getMinMax3D(points, minimum, maximum);
    const std::int64_t dx = static_cast<std::int64_t>((maximum.x - minimum.x) * (1.0f / leafX)) + 1;
    const std::int64_t dy = static_cast<std::int64_t>((maximum.y - minimum.y) * (1.0f / leafY)) + 1;
    const std::int64_t dz = static_cast<std::int64_t>((maximum.z - minimum.z) * (1.0f / leafZ)) + 1;
    const double cells = static_cast<double>(dx) * static_cast<double>(dy) * static_cast<double>(dz);
    if (cells > static_cast<double>(std::numeric_limits<std::int32_t>::max())) {
        throw std::overflow_error("voxel leaf size too small for the cloud's extent: " + std::to_string(dx) + " x " +
                                  std::to_string(dy) + " x " + std::to_string(dz) +
                                  " voxels overflow PCL's 32-bit voxel index");
    }
}

// Runs a configured PCL filter that selects points and writes its choice as a per-point mask.
template <typename Filter> void selectInto(Filter &filter, const pcl_bridge_cloud *cloud, uint8_t *keep) {
    filter.setInputCloud(cloud->points);
    pcl::Indices kept;
    filter.filter(kept);
    fillMask(kept, cloud->points->size(), keep);
}

template <typename Point>
typename pcl::PointCloud<Point>::Ptr voxelize(const typename pcl::PointCloud<Point>::Ptr &input, float leafX, float leafY,
                                              float leafZ, unsigned minimumPoints) {
    checkVoxelGrid(*input, leafX, leafY, leafZ);
    pcl::VoxelGrid<Point> grid;
    grid.setInputCloud(input);
    grid.setLeafSize(leafX, leafY, leafZ);
    grid.setMinimumPointsNumberPerVoxel(minimumPoints);
    typename pcl::PointCloud<Point>::Ptr output(new pcl::PointCloud<Point>);
    grid.filter(*output);
    return output;
}

}  // namespace

int pcl_bridge_voxel_grid(const pcl_bridge_cloud *cloud, float leaf_x, float leaf_y, float leaf_z,
                          unsigned minimum_points_per_voxel, pcl_bridge_cloud **output, char *error,
                          size_t error_capacity) {
    return guarded(error, error_capacity, [&] {
        auto result = std::make_unique<pcl_bridge_cloud>();
        if (cloud->pointsWithIntensity) {
            result->pointsWithIntensity =
                voxelize<pcl::PointXYZI>(cloud->pointsWithIntensity, leaf_x, leaf_y, leaf_z, minimum_points_per_voxel);
            pcl::copyPointCloud(*result->pointsWithIntensity, *result->points);
        } else {
            result->points = voxelize<pcl::PointXYZ>(cloud->points, leaf_x, leaf_y, leaf_z, minimum_points_per_voxel);
        }
        *output = result.release();
    });
}

int pcl_bridge_statistical_outliers(const pcl_bridge_cloud *cloud, int neighbors, double standard_deviations,
                                    uint8_t *keep, char *error, size_t error_capacity) {
    return guarded(error, error_capacity, [&] {
        if (neighbors < 1) throw std::invalid_argument("the neighbour count must be at least 1");
        pcl::StatisticalOutlierRemoval<pcl::PointXYZ> filter;
        filter.setMeanK(neighbors);
        filter.setStddevMulThresh(standard_deviations);
        selectInto(filter, cloud, keep);
    });
}

int pcl_bridge_radius_outliers(const pcl_bridge_cloud *cloud, double radius, int minimum_neighbors, uint8_t *keep,
                               char *error, size_t error_capacity) {
    return guarded(error, error_capacity, [&] {
        if (!(radius > 0)) throw std::invalid_argument("the search radius must be positive");
        pcl::RadiusOutlierRemoval<pcl::PointXYZ> filter;
        filter.setRadiusSearch(radius);
        filter.setMinNeighborsInRadius(minimum_neighbors);
        selectInto(filter, cloud, keep);
    });
}

int pcl_bridge_pass_through(const pcl_bridge_cloud *cloud, int axis, float minimum, float maximum, uint8_t *keep,
                            char *error, size_t error_capacity) {
    return guarded(error, error_capacity, [&] {
        static const char *names[] = {"x", "y", "z"};
        if (axis < 0 || axis > 2) throw std::invalid_argument("the axis must be 0 (x), 1 (y) or 2 (z)");
        pcl::PassThrough<pcl::PointXYZ> filter;
        filter.setFilterFieldName(names[axis]);
        filter.setFilterLimits(minimum, maximum);
        selectInto(filter, cloud, keep);
    });
}

int pcl_bridge_crop_box(const pcl_bridge_cloud *cloud, const float *minimum, const float *maximum, uint8_t *keep,
                        char *error, size_t error_capacity) {
    return guarded(error, error_capacity, [&] {
        pcl::CropBox<pcl::PointXYZ> filter;
        filter.setMin(Eigen::Vector4f(minimum[0], minimum[1], minimum[2], 1.0f));
        filter.setMax(Eigen::Vector4f(maximum[0], maximum[1], maximum[2], 1.0f));
        selectInto(filter, cloud, keep);
    });
}
