// The oneDNN functions CDNNL reaches through dlsym, the engine and stream it creates once.
#ifndef PERCEPT_DNNL_API_H
#define PERCEPT_DNNL_API_H

#include <oneapi/dnnl/dnnl.h>

#define PERCEPT_DNNL_FUNCTIONS(X) \
    X(dnnl_engine_create) X(dnnl_stream_create) X(dnnl_stream_wait) X(dnnl_version) \
    X(dnnl_memory_desc_init_by_tag) X(dnnl_memory_desc_equal) X(dnnl_memory_desc_get_size) \
    X(dnnl_memory_create) X(dnnl_memory_destroy) \
    X(dnnl_dilated_convolution_forward_desc_init) X(dnnl_dilated_convolution_backward_data_desc_init) \
    X(dnnl_dilated_convolution_backward_weights_desc_init) \
    X(dnnl_primitive_desc_create) X(dnnl_primitive_desc_query_md) X(dnnl_primitive_desc_destroy) \
    X(dnnl_primitive_create) X(dnnl_primitive_execute) X(dnnl_primitive_destroy) \
    X(dnnl_reorder_primitive_desc_create) X(dnnl_primitive_get_primitive_desc) \
    X(dnnl_primitive_attr_create) X(dnnl_primitive_attr_set_scratchpad_mode) X(dnnl_primitive_attr_destroy)

#define PERCEPT_DNNL_DECLARE(name) __typeof__(&name) name;
/// One pointer per oneDNN function used, named as the function.
typedef struct { PERCEPT_DNNL_FUNCTIONS(PERCEPT_DNNL_DECLARE) } percept_dnnl_api;
#undef PERCEPT_DNNL_DECLARE

/// Filled by percept_dnnl_load; valid only after it returned 0.
extern percept_dnnl_api percept_dnnl;
extern dnnl_engine_t percept_dnnl_engine;
extern dnnl_stream_t percept_dnnl_stream;

#endif
