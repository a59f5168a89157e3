import Foundation
import Testing
import PerceptNN
import PerceptTensor
@testable import PerceptModels

@Suite("Model registry: names, configurations, weights files")
struct RegistryTests {
    let gray28 = ModelConfiguration(numClasses: 10, inputChannels: 1, imageSize: 28)

    @Test("entries are sorted by name and include the first classifiers")
    func entriesSorted() {
        let names = ModelRegistry.entries.map(\.name)
        #expect(names == names.sorted())
        #expect(names.contains("mlp") && names.contains("fashion_cnn"))
        #expect(Set(names).count == names.count)
    }

    @Test("an unknown name throws with the closest registered names")
    func unknownName() {
        let error = thrownError(ModelRegistryError.self) { _ = try ModelRegistry.entry("fashion_cn") }
        #expect(error == .unknownModel(name: "fashion_cn", closeMatches: ["fashion_cnn"]))
        #expect(error?.description.contains("did you mean \"fashion_cnn\"") == true)
    }

    @Test("fashion_cnn has the reference network's parameters and output shape")
    func fashionCNN() throws {
        let model = try ModelRegistry.build("fashion_cnn", configuration: gray28)
        #expect(model.stateDictKeys().filter { $0.hasSuffix("weight") } == ["c1.weight", "b1.weight", "c2.weight", "b2.weight", "f1.weight", "f2.weight"])
        // 320 + 64 + 18,496 + 128 + 64·7·7·128 + 128 + 128·10 + 10
        #expect(model.parameterCounts.total == 421_834)
        model.eval()
        #expect(try model(Tensor.zeros([2, 1, 28, 28])).shape == [2, 10])
    }

    @Test("mlp sizes its first layer from channels and image size, its width from the options")
    func mlp() throws {
        let model = try ModelRegistry.build("mlp", configuration: .init(numClasses: 3, inputChannels: 3, imageSize: 8, options: ["hidden": 16]))
        #expect(model.parameterCounts.total == 3 * 8 * 8 * 16 + 16 + 16 * 3 + 3)
        #expect(try model(Tensor.zeros([4, 3, 8, 8])).shape == [4, 3])
        let error = thrownError(ModelRegistryError.self) {
            _ = try ModelRegistry.build("mlp", configuration: .init(numClasses: 3, inputChannels: 1, imageSize: 8, options: ["hidden": 1.5]))
        }
        #expect(error == .invalidConfiguration(model: "mlp", message: "option hidden must be a positive integer, got 1.5"))
    }

    @Test("configurations without classes or too small for the model are refused")
    func invalidConfigurations() {
        #expect(thrownError(ModelRegistryError.self) {
            _ = try ModelRegistry.build("mlp", configuration: .init(numClasses: 0, inputChannels: 1, imageSize: 28))
        } == .invalidConfiguration(model: "mlp", message: "num_classes must be at least 1, got 0"))
        #expect(thrownError(ModelRegistryError.self) {
            _ = try ModelRegistry.build("fashion_cnn", configuration: .init(numClasses: 10, inputChannels: 1, imageSize: 3))
        } == .imageSizeTooSmall(model: "fashion_cnn", imageSize: 3, minimum: 4))
    }

    @Test("a configuration round-trips through its JSON; options may be absent")
    func configurationJSON() throws {
        let configuration = ModelConfiguration(numClasses: 5, inputChannels: 3, imageSize: 64, options: ["width": 0.5])
        let json = try configuration.jsonString()
        #expect(json == #"{"image_size":64,"input_channels":3,"num_classes":5,"options":{"width":0.5}}"#)
        #expect(try ModelConfiguration.parse(json: json) == configuration)
        #expect(try ModelConfiguration.parse(json: #"{"num_classes":2,"input_channels":1,"image_size":28}"#).options == [:])
    }

    @Test("save then load rebuilds the same model with its configuration and metadata")
    func saveLoadRoundTrip() throws {
        try withTemporaryFolder { folder in
            let path = folder + "/m.safetensors"
            let configuration = ModelConfiguration(numClasses: 4, inputChannels: 1, imageSize: 12)
            let model = try ModelRegistry.build("fashion_cnn", configuration: configuration)
            try ModelRegistry.save(model, name: "fashion_cnn", configuration: configuration,
                                   metadata: ["percept.classes": "a,b,c,d"], to: path)
            let loaded = try ModelRegistry.load(path)
            #expect(loaded.name == "fashion_cnn")
            #expect(loaded.configuration == configuration)
            #expect(loaded.file.metadata["percept.classes"] == "a,b,c,d")
            model.eval(); loaded.model.eval()
            let input = Tensor.randomNormal([2, 1, 12, 12])
            #expect(try loaded.model(input).toArray() == model(input).toArray())
        }
    }

    @Test("loading names the file for a missing or unknown architecture and a bad configuration")
    func loadMetadataErrors() throws {
        try withTemporaryFolder { folder in
            let model = try ModelRegistry.build("mlp", configuration: gray28)
            let noArch = folder + "/none.safetensors"
            try ModelFile(stateDict: model.stateDict(), architecture: nil).write(to: noArch)
            #expect(thrownError(ModelRegistryError.self) { _ = try ModelRegistry.load(noArch) } == .missingArchitecture(file: noArch))

            let unknown = folder + "/unknown.safetensors"
            try ModelFile(stateDict: model.stateDict(), architecture: "mlpp", configuration: try gray28.jsonString()).write(to: unknown)
            #expect(thrownError(ModelRegistryError.self) { _ = try ModelRegistry.load(unknown) }
                == .unknownArchitecture(file: unknown, name: "mlpp", closeMatches: ["mlp"]))

            let badJSON = folder + "/bad.safetensors"
            try ModelFile(stateDict: model.stateDict(), architecture: "mlp", configuration: #"{"num_classes":"ten"}"#).write(to: badJSON)
            let error = thrownError(ModelRegistryError.self) { _ = try ModelRegistry.load(badJSON) }
            #expect(error?.description.hasPrefix(badJSON + ": error: metadata key percept.config") == true)

            let noConfig = folder + "/noconfig.safetensors"
            try ModelFile(stateDict: model.stateDict(), architecture: "mlp").write(to: noConfig)
            #expect(thrownError(ModelFileError.self) { _ = try ModelRegistry.load(noConfig) }
                == .missingMetadata(file: noConfig, key: "percept.config"))
        }
    }

    @Test("loading weights of another shape or with missing keys names the file and every key")
    func loadWeightErrors() throws {
        try withTemporaryFolder { folder in
            let narrow = try ModelRegistry.build("mlp", configuration: .init(numClasses: 10, inputChannels: 1, imageSize: 28, options: ["hidden": 8]))
            var weights = narrow.stateDict()
            weights["output.bias"] = nil
            let path = folder + "/w.safetensors"
            // The file claims the default width (256) but holds width 8 and lacks a key.
            try ModelFile(stateDict: weights, architecture: "mlp", configuration: try gray28.jsonString()).write(to: path)
            let error = thrownError(StateDictError.self) { _ = try ModelRegistry.load(path) }
            #expect(error?.source == path)
            #expect(error?.missingKeys == ["output.bias"])
            #expect(error?.shapeMismatches.map(\.key) == ["hidden.weight", "hidden.bias", "output.weight"])
        }
    }
}
