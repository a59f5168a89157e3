import Testing
@testable import PerceptTensor

/// `backward(onLeafReady:)`: each leaf is reported once, when its gradient is final, in the
/// middle of the pass rather than at its end.
@Suite("Autograd leaf-ready hook")
struct LeafReadyTests {
    /// Two layers, `w1` read twice (a shared leaf), `b` read by the last op only:
    /// loss = sum(relu(x·w1 + x·w1) · w2 + b).
    static func twoLayers() throws -> (loss: Tensor, leaves: [String: Tensor], intermediates: [Tensor]) {
        let x = try Tensor([1, -2, 3, 0.5, 2, -1], shape: [2, 3]).requiringGrad()
        let w1 = try Tensor([0.1, -0.2, 0.3, 0.4, -0.5, 0.6], shape: [3, 2]).requiringGrad()
        let w2 = try Tensor([0.7, -0.8], shape: [2, 1]).requiringGrad()
        let b = Tensor([0.25]).requiringGrad()
        let first = try x.matmul(w1), second = try x.matmul(w1)
        let hidden = try (first + second).relu()
        let output = try hidden.matmul(w2) + b
        return (try output.sum(), ["x": x, "w1": w1, "w2": w2, "b": b], [first, second, hidden, output])
    }

    @Test("each leaf is reported once with its final gradient, never an intermediate, and the gradients equal a pass without the hook")
    func reportsEveryLeafOnce() throws {
        let (loss, leaves, intermediates) = try Self.twoLayers()
        var reports: [(LeafID, [Float])] = []
        try loss.backward { id, gradient in reports.append((id, gradient.toArray())) }
        let names = Dictionary(uniqueKeysWithValues: try leaves.map { name, leaf in (try #require(leaf.leafID), name) })
        #expect(reports.count == leaves.count)
        #expect(Set(reports.map { names[$0.0] ?? "unknown" }) == Set(leaves.keys))
        for (id, reported) in reports {
            let name = try #require(names[id])
            #expect(reported == leaves[name]?.grad?.toArray(), "\(name)")
        }
        #expect(intermediates.allSatisfy { $0.leafID == nil })

        let (plainLoss, plainLeaves, _) = try Self.twoLayers()
        try plainLoss.backward()
        for (name, leaf) in leaves {
            #expect(leaf.grad?.toArray() == plainLeaves[name]?.grad?.toArray(), "\(name)")
        }
        #expect(leaves["w1"]?.grad?.toArray() != nil)
    }

    @Test("a leaf is reported as soon as its last reader is back-propagated: the last layer's before the first layer's")
    func reportsEarly() throws {
        let (loss, leaves, _) = try Self.twoLayers()
        var order: [LeafID] = []
        try loss.backward { id, _ in order.append(id) }
        let positions = leaves.compactMapValues(\.leafID).compactMapValues { order.firstIndex(of: $0) }
        #expect(positions.count == leaves.count)
        let b = try #require(positions["b"]), w1 = try #require(positions["w1"])
        let w2 = try #require(positions["w2"]), x = try #require(positions["x"])
        #expect(b < w1 && w2 < w1 && w2 < x)
    }

    @Test("the reported gradient includes what earlier passes accumulated")
    func reportsAccumulatedGradient() throws {
        let x = Tensor([1, 2]).requiringGrad()
        try (x * 3).sum().backward()
        var reported: [[Float]] = []
        try (x * x).sum().backward { _, gradient in reported.append(gradient.toArray()) }
        #expect(reported == [[5, 7]])
        #expect(x.grad?.toArray() == [5, 7])
    }

    @Test("backward from a leaf reports that leaf, and an error thrown by the hook ends the pass")
    func leafRootAndThrowingHook() throws {
        let x = Tensor([4]).requiringGrad()
        var reported: [LeafID] = []
        try x.backward { id, _ in reported.append(id) }
        #expect(reported == [x.leafID])
        struct Stop: Error {}
        let (loss, _, _) = try Self.twoLayers()
        #expect(throws: Stop.self) { try loss.backward { _, _ in throw Stop() } }
    }
}
