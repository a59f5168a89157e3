import Testing

/// Every PerceptNN suite, run one test at a time: layers draw from the engine's default
/// random generator, and the resume test needs nobody else drawing from it meanwhile.
@Suite(.serialized) enum PerceptNNTests {}
