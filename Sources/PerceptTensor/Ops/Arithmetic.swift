import Foundation

/// + − × ÷, pow, maximum and minimum with NumPy broadcasting. Each backward rule sums the
/// gradient back over the axes its input was broadcast along.
extension Tensor {
    /// Checks that both operands are float32 and applies `f` to the broadcast pairs.
    @inline(__always)
    static func floatBinary(_ a: Tensor, _ b: Tensor, _ operation: String, _ f: (Float, Float) -> Float) throws -> Tensor {
        guard a.dtype == .float32 else { throw TensorError.wrongDType(operation: operation, expected: .float32, found: a.dtype) }
        guard b.dtype == .float32 else { throw TensorError.wrongDType(operation: operation, expected: .float32, found: b.dtype) }
        return try Kernels.map(a, Float.self, b, Float.self, to: .float32, operation: operation, f)
    }

    /// Element-wise sum.
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        if let fast = DNNLElementwise.add(a, b) {
            OperationTrace.record("add", [a, b], output: fast)
            return fast
        }
        var result = try floatBinary(a, b, "add") { $0 + $1 }
        Autograd.record("add", output: &result, inputs: [a, b]) { grad in
            [a.requiresGrad ? try grad.sum(toShape: a.shape) : nil,
             b.requiresGrad ? try grad.sum(toShape: b.shape) : nil]
        }
        OperationTrace.record("add", [a, b], output: result)
        return result
    }

    /// Element-wise difference.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        var result = try floatBinary(a, b, "sub") { $0 - $1 }
        Autograd.record("sub", output: &result, inputs: [a, b]) { grad in
            [a.requiresGrad ? try grad.sum(toShape: a.shape) : nil,
             b.requiresGrad ? try grad.negated().sum(toShape: b.shape) : nil]
        }
        OperationTrace.record("sub", [a, b], output: result)
        return result
    }

    /// Element-wise product.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        var result = try floatBinary(a, b, "mul") { $0 * $1 }
        Autograd.record("mul", output: &result, inputs: [a, b]) { grad in
            [a.requiresGrad ? try (grad * b).sum(toShape: a.shape) : nil,
             b.requiresGrad ? try (grad * a).sum(toShape: b.shape) : nil]
        }
        OperationTrace.record("mul", [a, b], output: result)
        return result
    }

    /// Element-wise quotient.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        var result = try floatBinary(a, b, "div") { $0 / $1 }
        Autograd.record("div", output: &result, inputs: [a, b]) { grad in
            [a.requiresGrad ? try (grad / b).sum(toShape: a.shape) : nil,
             b.requiresGrad ? try floatBinary(try grad * a, b, "div") { g, y in -g / (y * y) }.sum(toShape: b.shape) : nil]
        }
        OperationTrace.record("div", [a, b], output: result)
        return result
    }

    /// `a` raised to the power `b`, element-wise.
    public static func pow(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        var result = try floatBinary(a, b, "pow") { Foundation.pow($0, $1) }
        let output = result
        Autograd.record("pow", output: &result, inputs: [a, b]) { grad in
            [a.requiresGrad ? try (grad * floatBinary(a, b, "pow") { x, y in y == 0 ? 0 : y * Foundation.pow(x, y - 1) }).sum(toShape: a.shape) : nil,
             b.requiresGrad ? try (grad * floatBinary(output, a, "pow") { z, x in x > 0 ? z * Foundation.log(x) : 0 }).sum(toShape: b.shape) : nil]
        }
        return result
    }

    /// `self` raised to a constant power.
    public func pow(_ exponent: Float) -> Tensor {
        var result = Kernels.map(self, Float.self, to: .float32) { Foundation.pow($0, exponent) }
        let input = self
        Autograd.record("pow", output: &result, inputs: [self]) { grad in
            [try grad * Kernels.map(input, Float.self, to: .float32) { exponent == 0 ? 0 : exponent * Foundation.pow($0, exponent - 1) }]
        }
        OperationTrace.record("powScalar", [self], output: result, ["exponent": .float(exponent)])
        return result
    }

    /// The larger of each pair; on ties the gradient is split evenly, as in PyTorch.
    public static func maximum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try extremum(a, b, "maximum", takeFirst: { $0 > $1 })
    }

    /// The smaller of each pair; on ties the gradient is split evenly, as in PyTorch.
    public static func minimum(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try extremum(a, b, "minimum", takeFirst: { $0 < $1 })
    }

    private static func extremum(_ a: Tensor, _ b: Tensor, _ name: String,
                                 takeFirst: @escaping (Float, Float) -> Bool) throws -> Tensor {
        var result = try floatBinary(a, b, name) { takeFirst($0, $1) || $0 == $1 ? $0 : $1 }
        Autograd.record(name, output: &result, inputs: [a, b]) { grad in
            let shareOfA = try floatBinary(a, b, name) { takeFirst($0, $1) ? 1 : ($0 == $1 ? 0.5 : 0) }
            return [a.requiresGrad ? try (grad * shareOfA).sum(toShape: a.shape) : nil,
                    b.requiresGrad ? try (grad * (1 - shareOfA)).sum(toShape: b.shape) : nil]
        }
        OperationTrace.record(name, [a, b], output: result)
        return result
    }
}

/// Arithmetic with a Float on either side; these cannot fail.
extension Tensor {
    /// Adds a constant.
    public static func + (a: Tensor, b: Float) -> Tensor { a.affine(scale: 1, shift: b) }
    /// Adds a constant.
    public static func + (a: Float, b: Tensor) -> Tensor { b.affine(scale: 1, shift: a) }
    /// Subtracts a constant.
    public static func - (a: Tensor, b: Float) -> Tensor { a.affine(scale: 1, shift: -b) }
    /// Subtracts from a constant.
    public static func - (a: Float, b: Tensor) -> Tensor { b.affine(scale: -1, shift: a) }
    /// Multiplies by a constant.
    public static func * (a: Tensor, b: Float) -> Tensor { a.affine(scale: b, shift: 0) }
    /// Multiplies by a constant.
    public static func * (a: Float, b: Tensor) -> Tensor { b.affine(scale: a, shift: 0) }
    /// Divides by a constant.
    public static func / (a: Tensor, b: Float) -> Tensor { a.affine(scale: 1 / b, shift: 0) }
    /// Divides a constant by each element.
    public static func / (a: Float, b: Tensor) -> Tensor {
        var result = Kernels.map(b, Float.self, to: .float32) { a / $0 }
        let input = b
        Autograd.record("rdiv", output: &result, inputs: [b]) { grad in
            [try floatBinary(grad, input, "rdiv") { g, x in -a * g / (x * x) }]
        }
        OperationTrace.record("rdiv", [b], output: result, ["numerator": .float(a)])
        return result
    }
    /// The negation.
    public static prefix func - (a: Tensor) -> Tensor { a.negated() }

    /// `scale · self + shift`, element-wise.
    public func affine(scale: Float, shift: Float) -> Tensor {
        var result = Kernels.map(self, Float.self, to: .float32) { $0 * scale + shift }
        Autograd.record("affine", output: &result, inputs: [self]) { grad in [grad * scale] }
        OperationTrace.record("affine", [self], output: result, ["scale": .float(scale), "shift": .float(shift)])
        return result
    }

    /// The element-wise negation.
    public func negated() -> Tensor { affine(scale: -1, shift: 0) }
}
