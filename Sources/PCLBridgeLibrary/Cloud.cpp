#include "BridgeCloud.hpp"

#include <pcl/console/print.h>

#include <cmath>
#include <cstdlib>

using percept_bridge::guarded;

pcl_bridge_cloud *pcl_bridge_cloud_create(const float *x, const float *y, const float *z, const float *intensity,
                                          size_t count, char *error, size_t error_capacity) {
    // PCL reports some problems only as console warnings; a library must stay silent, and the
    // bridge checks those conditions itself.
    pcl::console::setVerbosityLevel(pcl::console::L_ERROR);
    pcl_bridge_cloud *cloud = nullptr;
    int failed = guarded(error, error_capacity, [&] {
        auto made = std::make_unique<pcl_bridge_cloud>();
        made->points->resize(count);
        bool dense = true;
        auto *target = made->points->data();
        for (size_t index = 0; index < count; ++index) {
            target[index].x = x[index];
            target[index].y = y[index];
            target[index].z = z[index];
            dense = dense && std::isfinite(x[index]) && std::isfinite(y[index]) && std::isfinite(z[index]);
        }
        made->points->width = static_cast<std::uint32_t>(count);
        made->points->height = 1;
        made->points->is_dense = dense;
        if (intensity != nullptr) {
            made->pointsWithIntensity.reset(new pcl::PointCloud<pcl::PointXYZI>);
            made->pointsWithIntensity->resize(count);
            auto *withIntensity = made->pointsWithIntensity->data();
            for (size_t index = 0; index < count; ++index) {
                withIntensity[index].x = x[index];
                withIntensity[index].y = y[index];
                withIntensity[index].z = z[index];
                withIntensity[index].intensity = intensity[index];
            }
            made->pointsWithIntensity->is_dense = dense;
        }
        cloud = made.release();
    });
    return failed ? nullptr : cloud;
}

void pcl_bridge_cloud_destroy(pcl_bridge_cloud *cloud) { delete cloud; }

size_t pcl_bridge_cloud_size(const pcl_bridge_cloud *cloud) { return cloud->points->size(); }

int pcl_bridge_cloud_has_intensity(const pcl_bridge_cloud *cloud) { return cloud->pointsWithIntensity != nullptr; }

void pcl_bridge_cloud_copy(const pcl_bridge_cloud *cloud, float *x, float *y, float *z, float *intensity) {
    if (cloud->pointsWithIntensity) {
        const auto &points = *cloud->pointsWithIntensity;
        for (size_t index = 0; index < points.size(); ++index) {
            x[index] = points[index].x;
            y[index] = points[index].y;
            z[index] = points[index].z;
            if (intensity != nullptr) intensity[index] = points[index].intensity;
        }
        return;
    }
    const auto &points = *cloud->points;
    for (size_t index = 0; index < points.size(); ++index) {
        x[index] = points[index].x;
        y[index] = points[index].y;
        z[index] = points[index].z;
    }
}

void pcl_bridge_free(void *pointer) { std::free(pointer); }

void percept_bridge::writeClusters(const std::vector<pcl::PointIndices> &clusters, size_t count, int32_t *ids,
                                   size_t *clusterCount) {
    for (size_t index = 0; index < count; ++index) ids[index] = -1;
    for (size_t cluster = 0; cluster < clusters.size(); ++cluster) {
        for (auto index : clusters[cluster].indices) ids[index] = static_cast<int32_t>(cluster);
    }
    *clusterCount = clusters.size();
}
