import ArgumentParser
import Foundation
import Percept

/// `percept weights convert IN OUT.safetensors [--arch NAME]`: every tensor of a PyTorch (or
/// safetensors) file, bit for bit with its dtype, into a safetensors file; with a named or
/// recognised architecture the tensors are checked against it and Percept's metadata is added,
/// so the file alone rebuilds its model. Exit 1 on a bad file or tensors that do not fit.
struct ConvertWeightsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert a PyTorch .pt/.pth (or safetensors) weights file to safetensors, bit-exact, with Percept's metadata when the architecture is known.",
        discussion: """
        Examples:
          percept weights convert resnet18-f37072fd.pth resnet18.safetensors --arch resnet18
          percept weights convert checkpoint.pt weights.safetensors
          percept weights convert best.safetensors small.safetensors --half
        With --half every float32 tensor is stored as float16 (half the file; values rounded to the
        nearest float16, as PyTorch's .half()); readers widen them back to float32 on load.
        """
    )

    @Argument(help: "The weights to read (.pt, .pth or .safetensors).")
    var input: String

    @Argument(help: "The safetensors file to write; it must not exist unless --force.")
    var output: String

    @Option(help: "The registry architecture the tensors belong to (default: recognised from the tensor names, if one model matches).")
    var arch: String?

    @Flag(help: "Replace OUT if it exists.")
    var force = false

    @Flag(help: "Store float32 tensors as float16 (half the size).")
    var half = false

    func run() throws {
        try CommandOutput.requireNewFile(output, input: input, force: force)
        try ClassifyCLI.reportingErrors(convert)
    }

    private func convert() throws {
        let pretrained = try PretrainedWeights.read(input)
        pretrained.notices.forEach { ClassifyCLI.printError("\(input): notice: \($0)") }
        var metadata = pretrained.metadata
        if let name = arch ?? pretrained.architecture() {
            let configuration = try pretrained.configuration(for: name)
            let model: any ZooModel
            do { model = try ModelRegistry.build(name, configuration: configuration) } catch ModelRegistryError.unknownModel(let name, let close) {
                throw ValidationError("--arch: unknown model \"\(name)\"" + (close.isEmpty ? "" : "; did you mean \(close.joined(separator: ", "))?"))
            }
            try model.load(pretrained.stateDict, strict: true, source: input)
            metadata[ModelFile.architectureKey] = name
            metadata[ModelFile.configurationKey] = try configuration.jsonString()
        } else {
            ClassifyCLI.printError("\(input): notice: no architecture named or recognised; writing the tensors without Percept's metadata (add --arch NAME)")
        }
        var writer: SafetensorsWriter
        if TorchFile.isTorchFile(input) {
            writer = try TorchFile.read(path: input).safetensorsWriter(metadata: metadata)
        } else {
            writer = try SafetensorsFile(path: input).rawWriter(metadata: metadata)
        }
        if half { writer = writer.storingFloat32AsFloat16() }
        try writer.write(to: output)
        print("\(output): \(pretrained.stateDict.count) tensors" + (metadata[ModelFile.architectureKey].map { ", architecture \($0)" } ?? "")
              + (half ? ", float32 stored as float16" : ""))
    }
}
