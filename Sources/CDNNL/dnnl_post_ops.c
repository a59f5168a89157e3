// Post-ops: what an inference convolution applies to its output before writing it (activations,
// the residual add), so a conv → batch norm → activation → add chain is one pass over memory.
#include "CDNNL.h"
#include "dnnl_api.h"

/// oneDNN's algorithm for an activation step; 0 for ADD or an unknown kind.
static dnnl_alg_kind_t algorithm_of(int kind) {
    switch (kind) {
    case PERCEPT_DNNL_POST_RELU: return dnnl_eltwise_relu;
    case PERCEPT_DNNL_POST_CLIP: return dnnl_eltwise_clip;
    case PERCEPT_DNNL_POST_SILU: return dnnl_eltwise_swish;
    case PERCEPT_DNNL_POST_SIGMOID: return dnnl_eltwise_logistic;
    case PERCEPT_DNNL_POST_TANH: return dnnl_eltwise_tanh;
    default: return dnnl_alg_kind_undef;
    }
}

/// Appends the steps of `post_ops` to `ops`; 1 on success.
static int append_steps(dnnl_post_ops_t ops, const percept_dnnl_post_ops *post_ops) {
    if (post_ops->count < 0 || post_ops->count > PERCEPT_DNNL_MAX_POST_OPS) return 0;
    for (int i = 0; i < post_ops->count; i++) {
        int kind = post_ops->kinds[i];
        if (kind == PERCEPT_DNNL_POST_ADD) {
            if (!DNNL_OK(percept_dnnl.dnnl_post_ops_append_sum(ops, 1.0f))) return 0;
            continue;
        }
        dnnl_alg_kind_t algorithm = algorithm_of(kind);
        // SiLU is swish with a sigmoid argument scale of 1.
        float alpha = kind == PERCEPT_DNNL_POST_SILU ? 1.0f : post_ops->alphas[i];
        if (algorithm == dnnl_alg_kind_undef ||
            !DNNL_OK(percept_dnnl.dnnl_post_ops_append_eltwise(ops, 1.0f, algorithm, alpha, post_ops->betas[i]))) {
            return 0;
        }
    }
    return 1;
}

dnnl_primitive_attr_t percept_dnnl_post_ops_attribute(const percept_dnnl_post_ops *post_ops) {
    dnnl_primitive_attr_t attr;
    if (!DNNL_OK(percept_dnnl.dnnl_primitive_attr_create(&attr))) return NULL;
    dnnl_post_ops_t ops = NULL;
    int ok = DNNL_OK(percept_dnnl.dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user));
    if (ok && post_ops != NULL && post_ops->count > 0) {
        ok = DNNL_OK(percept_dnnl.dnnl_post_ops_create(&ops)) && append_steps(ops, post_ops) &&
             DNNL_OK(percept_dnnl.dnnl_primitive_attr_set_post_ops(attr, ops));
    }
    if (ops != NULL) percept_dnnl.dnnl_post_ops_destroy(ops);
    if (!ok) {
        percept_dnnl.dnnl_primitive_attr_destroy(attr);
        return NULL;
    }
    return attr;
}
