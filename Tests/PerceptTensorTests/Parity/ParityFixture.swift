import Foundation
import Testing
@testable import PerceptTensor

/// One case of one op in Fixtures/parity/tensor (see the README there for the file layout).
struct ParityCase: Sendable, CustomTestStringConvertible {
    /// The op name, which is also the file name.
    let op: String
    /// The case name, the prefix of its tensors.
    let name: String

    var testDescription: String { "\(op)/\(name)" }
}

/// A fixture file that does not follow the convention written by Tools/make-tensor-parity-fixtures.
enum ParityFixtureError: Error, CustomStringConvertible {
    case badMetadata(file: String, problem: String)
    case missingTensor(file: String, tensor: String)
    case unsupportedDType(file: String, tensor: String, dtype: String)
    case badParameter(file: String, parameter: String, expected: String, found: String)

    var description: String {
        switch self {
        case .badMetadata(let file, let problem): "\(file): __metadata__: \(problem)"
        case .missingTensor(let file, let tensor): "\(file): no tensor named \(tensor)"
        case .unsupportedDType(let file, let tensor, let dtype): "\(file): \(tensor): dtype \(dtype), expected F32, I64 or BOOL"
        case .badParameter(let file, let parameter, let expected, let found):
            "\(file): parameter \(parameter): expected \(expected), found \(found)"
        }
    }
}

/// The parity fixtures: where they are, which cases they hold, and their tensors as `Tensor`s.
enum ParityFixtures {
    /// Fixtures/parity/tensor, found from this source file so tests run from any directory.
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/parity/tensor")

    /// The op names, one per `.safetensors` file, sorted.
    static var ops: [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix(".safetensors") }.map { String($0.dropLast(".safetensors".count)) }.sorted()
    }

    /// Every case of every op; an op whose file cannot be read contributes none (and fails
    /// the test that opens every file).
    static var cases: [ParityCase] {
        ops.flatMap { op in
            ((try? ParityFile(op: op))?.cases.keys.sorted() ?? []).map { ParityCase(op: op, name: $0) }
        }
    }
}

/// One op's fixture file: its cases with their keyword arguments, and its tensors.
struct ParityFile {
    let path: String
    /// Case name → the keyword arguments PyTorch was called with, as decoded JSON.
    let cases: [String: [String: Any]]
    private let tensors: [String: Tensor]

    init(op: String) throws {
        path = ParityFixtures.folder.appendingPathComponent("\(op).safetensors").path
        let (tensors, metadata) = try Tensor.loadSafetensors(from: path, loading: .readFully)
        guard metadata["op"] == op else {
            throw ParityFixtureError.badMetadata(file: path, problem: "op is \(metadata["op"] ?? "missing"), expected \(op)")
        }
        guard let json = metadata["cases"]?.data(using: .utf8),
              let decoded = try JSONSerialization.jsonObject(with: json) as? [String: [String: Any]]
        else {
            throw ParityFixtureError.badMetadata(file: path, problem: "cases is not a JSON object of objects")
        }
        cases = decoded
        self.tensors = tensors
    }

    /// The tensor called `name` (float32, int64 or bool), or nil when the file has none.
    func tensor(_ name: String) throws -> Tensor? {
        guard let tensor = tensors[name] else { return nil }
        guard [.float32, .int64, .bool].contains(tensor.dtype) else {
            throw ParityFixtureError.unsupportedDType(file: path, tensor: name, dtype: tensor.dtype.rawValue)
        }
        return tensor
    }

    /// `prefix0`, `prefix1`, … for as long as they exist (the inputs).
    func numbered(_ prefix: String) throws -> [Tensor] {
        var result: [Tensor] = []
        while let next = try tensor("\(prefix)\(result.count)") { result.append(next) }
        return result
    }
}
