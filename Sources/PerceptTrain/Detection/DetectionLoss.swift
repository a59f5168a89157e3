import PerceptTensor

/// One evaluation of a ``DetectionLoss``: the tensor to backpropagate and its gained terms by
/// name, in the loss's order (`box`, `cls`, `dfl` for YOLOv8; `box`, `obj`, `cls` for YOLOv3).
public struct DetectionLossValue {
    /// The loss to backpropagate.
    public var total: Tensor
    /// The gained terms, named.
    public var parts: [(name: String, value: Float)]

    /// A value.
    public init(total: Tensor, parts: [(name: String, value: Float)]) {
        self.total = total
        self.parts = parts
    }

    /// The term named `name`, if the loss has it.
    public func part(_ name: String) -> Float? { parts.first { $0.name == name }?.value }
}

/// What ``DetectionTask`` and ``DetectionValidation`` need of a detection head: its loss on the
/// head's raw output against the batch's target rows `[M, 6]` (``DetectionTargets``), and the
/// decoding of raw output into boxes and scores for validation and ``DetectionPredictor``.
/// ``YOLOv8Loss`` serves the anchor-free head, ``YOLOv3Loss`` the anchor head;
/// ``DetectionTask/make(for:classNames:thresholds:)`` picks the one a model needs.
public protocol DetectionLoss: Sendable {
    /// Classes of the head.
    var classes: Int { get }
    /// The strides of the head's levels (the largest pads a letterboxed input).
    var strides: [Int] { get }
    /// The loss of raw output for an input of `inputHeight` × `inputWidth` against `targets`;
    /// `examples` (the batch's dataset indices) name rows in errors.
    func value(_ raw: Tensor, targets: Tensor, inputHeight: Int, inputWidth: Int, examples: [Int]) throws -> DetectionLossValue
    /// Boxes `[N, 4, A]` (x1, y1, x2, y2 in input pixels) and class scores `[N, classes, A]` of
    /// raw output for an input of `inputHeight` × `inputWidth`.
    func decode(_ raw: Tensor, inputHeight: Int, inputWidth: Int) throws -> (boxes: Tensor, scores: Tensor)
}
