#include "BridgeCloud.hpp"

#include <cstdlib>
#include <vector>

using percept_bridge::guarded;

namespace {

pcl::KdTreeFLANN<pcl::PointXYZ> &treeOf(pcl_bridge_cloud *cloud) {
    if (!cloud->tree) {
        cloud->tree = std::make_unique<pcl::KdTreeFLANN<pcl::PointXYZ>>();
        cloud->tree->setInputCloud(cloud->points);
    }
    return *cloud->tree;
}

}  // namespace

int pcl_bridge_nearest(pcl_bridge_cloud *cloud, const float *query_x, const float *query_y, const float *query_z,
                       size_t query_count, int k, int32_t *indices, float *squared_distances, char *error,
                       size_t error_capacity) {
    return guarded(error, error_capacity, [&] {
        if (k < 1) throw std::invalid_argument("k must be at least 1");
        if (cloud->points->empty()) throw std::invalid_argument("cannot search an empty cloud");
        auto &tree = treeOf(cloud);
        pcl::Indices found;
        std::vector<float> distances;
        for (size_t query = 0; query < query_count; ++query) {
            pcl::PointXYZ point(query_x[query], query_y[query], query_z[query]);
            const int hits = tree.nearestKSearch(point, k, found, distances);
            for (int slot = 0; slot < k; ++slot) {
                indices[query * k + slot] = slot < hits ? static_cast<int32_t>(found[slot]) : -1;
                squared_distances[query * k + slot] = slot < hits ? distances[slot] : -1.0f;
            }
        }
    });
}

int pcl_bridge_radius_search(pcl_bridge_cloud *cloud, const float *query_x, const float *query_y, const float *query_z,
                             size_t query_count, double radius, int maximum, size_t *offsets, int32_t **indices,
                             float **squared_distances, char *error, size_t error_capacity) {
    *indices = nullptr;
    *squared_distances = nullptr;
    return guarded(error, error_capacity, [&] {
        if (!(radius > 0)) throw std::invalid_argument("the search radius must be positive");
        if (cloud->points->empty()) throw std::invalid_argument("cannot search an empty cloud");
        auto &tree = treeOf(cloud);
        std::vector<int32_t> allIndices;
        std::vector<float> allDistances;
        pcl::Indices found;
        std::vector<float> distances;
        offsets[0] = 0;
        for (size_t query = 0; query < query_count; ++query) {
            pcl::PointXYZ point(query_x[query], query_y[query], query_z[query]);
            tree.radiusSearch(point, radius, found, distances, maximum > 0 ? static_cast<unsigned>(maximum) : 0);
            allIndices.insert(allIndices.end(), found.begin(), found.end());
            allDistances.insert(allDistances.end(), distances.begin(), distances.end());
            offsets[query + 1] = allIndices.size();
        }
        const size_t total = allIndices.size();
        *indices = static_cast<int32_t *>(std::malloc(sizeof(int32_t) * (total + 1)));
        *squared_distances = static_cast<float *>(std::malloc(sizeof(float) * (total + 1)));
        if (*indices == nullptr || *squared_distances == nullptr) {
            std::free(*indices);
            std::free(*squared_distances);
            *indices = nullptr;
            *squared_distances = nullptr;
            throw std::bad_alloc();
        }
        std::copy(allIndices.begin(), allIndices.end(), *indices);
        std::copy(allDistances.begin(), allDistances.end(), *squared_distances);
    });
}
