// Internal to PCLBridgeLibrary: the cloud handle and the exception barrier every entry point uses.
#pragma once

// The entry points are declared once, in PCLBridge's header (the loader forwards the same names).
// Here they are hidden: the library exports only its function table (FunctionTable.cpp).
#pragma GCC visibility push(hidden)
#include "../PCLBridge/bridge_functions.h"
#pragma GCC visibility pop

#include <pcl/PointIndices.h>
#include <pcl/kdtree/kdtree_flann.h>
#include <pcl/point_cloud.h>
#include <pcl/point_types.h>

#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

struct pcl_bridge_cloud {
    pcl::PointCloud<pcl::PointXYZ>::Ptr points{new pcl::PointCloud<pcl::PointXYZ>};
    // Only built when the caller supplies intensity, so plain clouds pay for 16 bytes a point, not 32.
    pcl::PointCloud<pcl::PointXYZI>::Ptr pointsWithIntensity;
    // Built on the first search and reused by later ones.
    std::unique_ptr<pcl::KdTreeFLANN<pcl::PointXYZ>> tree;
};

namespace percept_bridge {

inline void writeError(char *error, size_t capacity, const char *message) {
    if (error == nullptr || capacity == 0) return;
    std::strncpy(error, message, capacity - 1);
    error[capacity - 1] = '\0';
}

// Runs `body`, turning any C++ exception into a nonzero return and a message.
template <typename Body> int guarded(char *error, size_t capacity, Body &&body) {
    try {
        body();
        return 0;
    } catch (const std::bad_alloc &) {
        writeError(error, capacity, "out of memory in PCL");
    } catch (const std::exception &exception) {
        writeError(error, capacity, exception.what());
    } catch (...) {
        writeError(error, capacity, "unknown C++ exception in PCL");
    }
    return 1;
}

// Marks the points listed in `indices` with 1 in `mask` (of `count` entries), the rest with 0.
template <typename Indices> void fillMask(const Indices &indices, size_t count, uint8_t *mask) {
    std::memset(mask, 0, count);
    for (auto index : indices) mask[index] = 1;
}

// Writes each point's cluster number (or -1) from PCL's per-cluster index lists.
void writeClusters(const std::vector<pcl::PointIndices> &clusters, size_t count, int32_t *ids, size_t *clusterCount);

}  // namespace percept_bridge
