import PerceptTensor

/// Building models for their shapes alone: inside ``measuring(_:)`` every ``Initializer``
/// returns a broadcast view of one zero instead of filling a buffer, so a model is built with
/// the right parameter shapes (and counts) at almost no memory or time. `percept models` lists
/// VGG-16's 138 million parameters this way without drawing them. The weights of such a model
/// are zeros and must not be trained.
///
/// ```swift
/// let count = try ShapeOnlyInitialization.measuring { try VGG16() }.parameterCounts.total
/// ```
public enum ShapeOnlyInitialization {
    @TaskLocal static var isActive = false

    /// Runs `build` with shape-only initialisation and returns its result.
    public static func measuring<Result>(_ build: () throws -> Result) rethrows -> Result {
        try $isActive.withValue(true) { try build() }
    }

    /// A zero-strided view of `shape` (one element of storage), for initialisers while active.
    static func placeholder(_ shape: [Int]) throws -> Tensor? {
        guard isActive else { return nil }
        return try Tensor.zeros([]).expanded(to: shape)
    }
}
