// libPerceptPCL.so: PCLBridge's entry points over PCL, loaded at run time by PCLBridge's loader.
#ifndef PERCEPT_PCL_H
#define PERCEPT_PCL_H

#include "../../PCLBridge/bridge_functions.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The library's only exported symbol (named by PCL_BRIDGE_FUNCTIONS_SYMBOL): its function table.
const pcl_bridge_functions *percept_pcl_bridge_functions(void);

#ifdef __cplusplus
}
#endif

#endif
