import Foundation
import Testing
import PerceptTensor
@testable import PerceptNN

/// Heads stored in a dictionary, which PyTorch's `ModuleDict` names by key.
final class DictionaryNet: Module {
    var heads: [String: Linear] = ["mask": try! Linear(2, 3), "box": try! Linear(2, 4)]
    var stages: [Int: Linear] = [10: try! Linear(1, 1), 2: try! Linear(1, 1)]
}

/// Modules kept where no state-dict name can reach them.
final class HiddenNet: Module {
    var pair: (Linear, Linear) = (try! Linear(1, 1), try! Linear(1, 1))
    var keyed: [Double: Linear] = [0.5: try! Linear(1, 1)]
    var plain = Holder()
    var sizes = [3, 4]
    var fc = try! Linear(1, 1)
}

/// A struct that holds a layer, invisible to discovery.
struct Holder { var layer = try! Linear(1, 1) }

extension PerceptNNTests {
    @Suite("Module discovery: dictionaries, unnamed containers, unmatched freeze patterns")
    struct DiscoveryTests {
        @Test("dictionaries of modules are named by key in sorted order (integer keys numerically)")
        func dictionaries() throws {
            let net = DictionaryNet()
            #expect(net.stateDictKeys() == [
                "heads.box.weight", "heads.box.bias", "heads.mask.weight", "heads.mask.bias",
                "stages.2.weight", "stages.2.bias", "stages.10.weight", "stages.10.bias",
            ])
            try net.checkDiscoverable()
            try net.load(DictionaryNet().stateDict())
        }

        @Test("modules in tuples, structs or dictionaries with other keys are reported with their paths")
        func unnamedContainers() {
            #expect(throws: ModuleDiscoveryError(modelType: "HiddenNet", unnamedProperties: ["pair", "keyed", "plain"])) {
                try HiddenNet().checkDiscoverable()
            }
            let wrapped = Sequential(HiddenLayer())
            #expect(throws: ModuleDiscoveryError(modelType: "Sequential", unnamedProperties: ["0.inner"])) {
                try wrapped.checkDiscoverable()
            }
        }

        @Test("a freeze or unfreeze pattern that matches no parameter throws and changes nothing")
        func unmatchedFreezePattern() throws {
            let net = TinyNet()
            #expect(throws: UnmatchedPatternError(patterns: ["feature.*", "head"], firstNames: Array(net.stateDictKeys().prefix(5)))) {
                try net.freeze(matching: ["fc", "feature.*", "head"])
            }
            #expect(net.parameterCounts.frozen == 0)
            #expect(throws: UnmatchedPatternError.self) { try net.unfreeze(matching: ["nothing"]) }
            try net.freeze(matching: ["fc"])
            #expect(net.parameterCounts.frozen == 10)
        }
    }
}

/// A layer hiding a module in a tuple, for the nested-path check.
final class HiddenLayer: Module, Layer {
    var inner: (Linear, Int) = (try! Linear(1, 1), 0)
    func forward(_ input: Tensor) throws -> Tensor { input }
}
