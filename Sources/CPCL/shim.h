// CPCL carries PCL's compiler and linker flags (pkg-config pcl_common) to the PCLBridge C++
// target. It declares nothing: Swift never sees PCL's C++ headers, only PCLBridge's C API.
