// Percept's door to oneDNN (Debian's libdnnl2), loaded with dlopen at first use so programs
// that never convolve pay nothing and a machine without the library falls back to the
// engine's own kernels. No oneDNN type crosses this header: Swift sees plain shapes and
// pointers to contiguous NCHW data (weights in PyTorch's [O, C/groups, kH, kW] order).
#ifndef PERCEPT_CDNNL_H
#define PERCEPT_CDNNL_H

/// The geometry of one 2-D convolution, padding the same before and after.
typedef struct {
    int batch, channels, height, width;
    int output_channels, groups, kernel_height, kernel_width;
    int stride_height, stride_width, padding_height, padding_width;
    int dilation_height, dilation_width;
    int output_height, output_width;
} percept_dnnl_convolution;

/// Loads libdnnl.so.2 once and creates its CPU engine; 0 on success. PERCEPT_NO_DNNL=1
/// refuses, so the fallback kernels run.
int percept_dnnl_load(void);

/// Why loading failed ("" when it did not).
const char *percept_dnnl_error(void);

/// oneDNN's version as "major.minor.patch", or "" when it is not loaded.
const char *percept_dnnl_version(void);

/// Sets the OpenMP threads oneDNN's primitives use (omp_set_num_threads of the libgomp it loads).
void percept_dnnl_set_threads(int threads);

/// dst = conv(src, weights) + bias (bias may be NULL); 0 on success, non-zero when oneDNN
/// refuses the case (the caller then uses its own kernels).
int percept_dnnl_convolution_forward(const percept_dnnl_convolution *shape, const float *src, const float *weights,
                                     const float *bias, float *dst);

/// diff_src = the gradient of the input from diff_dst; 0 on success.
int percept_dnnl_convolution_backward_data(const percept_dnnl_convolution *shape, const float *diff_dst,
                                           const float *weights, float *diff_src);

/// diff_weights = the gradient of the weights from src and diff_dst; 0 on success.
int percept_dnnl_convolution_backward_weights(const percept_dnnl_convolution *shape, const float *src,
                                              const float *diff_dst, float *diff_weights);

#endif
