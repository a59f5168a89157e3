#include "BridgeCloud.hpp"

#include <pcl/features/normal_3d.h>
#include <pcl/ModelCoefficients.h>
#include <pcl/search/kdtree.h>
#include <pcl/segmentation/extract_clusters.h>
#include <pcl/segmentation/region_growing.h>
#include <pcl/segmentation/sac_segmentation.h>

using percept_bridge::fillMask;
using percept_bridge::guarded;
using percept_bridge::writeClusters;

int pcl_bridge_ransac_plane(const pcl_bridge_cloud *cloud, double distance, int iterations, double probability,
                            const float *axis, double axis_tolerance_radians, uint8_t *inliers, float *coefficients,
                            char *error, size_t error_capacity) {
    return guarded(error, error_capacity, [&] {
        if (cloud->points->size() < 3) throw std::invalid_argument("a plane needs at least 3 points");
        pcl::SACSegmentation<pcl::PointXYZ> segmentation;
        segmentation.setOptimizeCoefficients(true);
        segmentation.setMethodType(pcl::SAC_RANSAC);
        segmentation.setDistanceThreshold(distance);
        segmentation.setMaxIterations(iterations);
        segmentation.setProbability(probability);
        if (axis != nullptr) {
            // A perpendicular-plane model: the plane is perpendicular to `axis`, so its normal is along it.
            segmentation.setModelType(pcl::SACMODEL_PERPENDICULAR_PLANE);
            segmentation.setAxis(Eigen::Vector3f(axis[0], axis[1], axis[2]));
            segmentation.setEpsAngle(axis_tolerance_radians);
        } else {
            segmentation.setModelType(pcl::SACMODEL_PLANE);
        }
        segmentation.setInputCloud(cloud->points);
        pcl::PointIndices found;
        pcl::ModelCoefficients model;
        segmentation.segment(found, model);
        if (found.indices.empty() || model.values.size() != 4) throw std::runtime_error("no plane found");
        fillMask(found.indices, cloud->points->size(), inliers);
        for (int index = 0; index < 4; ++index) coefficients[index] = model.values[index];
    });
}

int pcl_bridge_euclidean_clusters(const pcl_bridge_cloud *cloud, const uint8_t *include, double tolerance,
                                  int minimum_size, int maximum_size, int32_t *cluster_ids, size_t *clusters,
                                  char *error, size_t error_capacity) {
    return guarded(error, error_capacity, [&] {
        if (!(tolerance > 0)) throw std::invalid_argument("the cluster tolerance must be positive");
        const size_t count = cloud->points->size();
        pcl::EuclideanClusterExtraction<pcl::PointXYZ> extraction;
        // Clustering only needs the neighbours, not their order, so the tree skips sorting them.
        pcl::search::KdTree<pcl::PointXYZ>::Ptr tree(new pcl::search::KdTree<pcl::PointXYZ>(false));
        extraction.setInputCloud(cloud->points);
        if (include != nullptr) {
            pcl::IndicesPtr selected(new pcl::Indices);
            for (size_t index = 0; index < count; ++index) {
                if (include[index]) selected->push_back(static_cast<pcl::index_t>(index));
            }
            extraction.setIndices(selected);
        }
        extraction.setClusterTolerance(tolerance);
        extraction.setMinClusterSize(minimum_size);
        extraction.setMaxClusterSize(maximum_size);
        extraction.setSearchMethod(tree);
        std::vector<pcl::PointIndices> found;
        extraction.extract(found);
        writeClusters(found, count, cluster_ids, clusters);
    });
}

namespace {

pcl::PointCloud<pcl::Normal>::Ptr estimateNormals(const pcl_bridge_cloud *cloud, int neighbors, double radius,
                                                  const float *viewpoint) {
    pcl::NormalEstimation<pcl::PointXYZ, pcl::Normal> estimation;
    pcl::search::KdTree<pcl::PointXYZ>::Ptr tree(new pcl::search::KdTree<pcl::PointXYZ>);
    estimation.setInputCloud(cloud->points);
    estimation.setSearchMethod(tree);
    if (neighbors > 0) {
        estimation.setKSearch(neighbors);
    } else if (radius > 0) {
        estimation.setRadiusSearch(radius);
    } else {
        throw std::invalid_argument("normals need a neighbour count or a positive radius");
    }
    if (viewpoint != nullptr) estimation.setViewPoint(viewpoint[0], viewpoint[1], viewpoint[2]);
    pcl::PointCloud<pcl::Normal>::Ptr normals(new pcl::PointCloud<pcl::Normal>);
    estimation.compute(*normals);
    return normals;
}

}  // namespace

int pcl_bridge_region_growing(const pcl_bridge_cloud *cloud, int neighbors, double smoothness_radians,
                              double curvature_threshold, int minimum_size, int maximum_size, int32_t *cluster_ids,
                              size_t *clusters, char *error, size_t error_capacity) {
    return guarded(error, error_capacity, [&] {
        if (neighbors < 3) throw std::invalid_argument("region growing needs at least 3 neighbours");
        auto normals = estimateNormals(cloud, neighbors, 0, nullptr);
        pcl::RegionGrowing<pcl::PointXYZ, pcl::Normal> growing;
        pcl::search::KdTree<pcl::PointXYZ>::Ptr tree(new pcl::search::KdTree<pcl::PointXYZ>);
        growing.setMinClusterSize(minimum_size);
        growing.setMaxClusterSize(maximum_size);
        growing.setSearchMethod(tree);
        growing.setNumberOfNeighbours(neighbors);
        growing.setInputCloud(cloud->points);
        growing.setInputNormals(normals);
        growing.setSmoothnessThreshold(static_cast<float>(smoothness_radians));
        growing.setCurvatureThreshold(static_cast<float>(curvature_threshold));
        std::vector<pcl::PointIndices> found;
        growing.extract(found);
        writeClusters(found, cloud->points->size(), cluster_ids, clusters);
    });
}

int pcl_bridge_normals(const pcl_bridge_cloud *cloud, int neighbors, double radius, const float *viewpoint,
                       float *normal_x, float *normal_y, float *normal_z, float *curvature, char *error,
                       size_t error_capacity) {
    return guarded(error, error_capacity, [&] {
        auto normals = estimateNormals(cloud, neighbors, radius, viewpoint);
        for (size_t index = 0; index < normals->size(); ++index) {
            const auto &normal = (*normals)[index];
            normal_x[index] = normal.normal_x;
            normal_y[index] = normal.normal_y;
            normal_z[index] = normal.normal_z;
            curvature[index] = normal.curvature;
        }
    });
}
