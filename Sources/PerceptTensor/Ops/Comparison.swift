/// Comparisons (to bool masks), `where`, and masked fill.
extension Tensor {
    private static func compare(_ a: Tensor, _ b: Tensor, _ name: String, _ test: (Float, Float) -> Bool) throws -> Tensor {
        try Kernels.map(a.toFloat(), Float.self, b.toFloat(), Float.self, to: .bool, operation: name) { test($0, $1) ? UInt8(1) : 0 }
    }

    /// Element-wise `a == b` as a bool mask.
    public static func equal(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, "eq") { $0 == $1 } }
    /// Element-wise `a != b`.
    public static func notEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, "ne") { $0 != $1 } }
    /// Element-wise `a < b`.
    public static func less(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, "lt") { $0 < $1 } }
    /// Element-wise `a <= b`.
    public static func lessEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, "le") { $0 <= $1 } }
    /// Element-wise `a > b`.
    public static func greater(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, "gt") { $0 > $1 } }
    /// Element-wise `a >= b`.
    public static func greaterEqual(_ a: Tensor, _ b: Tensor) throws -> Tensor { try compare(a, b, "ge") { $0 >= $1 } }

    /// `a` where `condition` is true, else `b` (all three broadcast together).
    public static func `where`(_ condition: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        try a.requireFloat("where")
        try b.requireFloat("where")
        let mask = condition.converted(to: .bool)
        var result = try Kernels.map(mask, UInt8.self, a, Float.self, b, Float.self, to: .float32, operation: "where") { $0 != 0 ? $1 : $2 }
        Autograd.record("where", output: &result, inputs: [a, b]) { grad in
            let zero = Tensor(scalar: 0)
            return [a.requiresGrad ? try Tensor.where(mask, grad, zero).sum(toShape: a.shape) : nil,
                    b.requiresGrad ? try Tensor.where(mask, zero, grad).sum(toShape: b.shape) : nil]
        }
        return result
    }

    /// `value` where `mask` is true, the tensor's own values elsewhere.
    public func maskedFill(_ mask: Tensor, with value: Float) throws -> Tensor {
        let filled = try Tensor.where(mask, Tensor(scalar: value), self)
        guard filled.shape == shape else {
            throw TensorError.shapeMismatch(operation: "maskedFill", shapes: [shape, mask.shape])
        }
        return filled
    }
}
