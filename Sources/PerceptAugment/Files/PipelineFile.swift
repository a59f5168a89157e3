import Foundation
import PerceptLabels
import PerceptMessages
import Yams

extension Pipeline {
    /// Reads a pipeline file in YAML or JSON: Percept's own form
    ///
    ///     min_visibility: 0.3
    ///     transforms:
    ///       - {name: HorizontalFlip, p: 0.5}
    ///       - {name: RandomCrop, width: 448, height: 448}
    ///
    /// or a file written by Albumentations' `A.save` (`__class_fullname__`, box settings in
    /// `bbox_params`). Errors name the file and line: unknown transforms (all the ones
    /// Percept lacks, for Albumentations files), bad or unknown arguments.
    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw AugmentError.pipelineFile(file: url.path, line: nil, message: "cannot read the file: \(error.localizedDescription)")
        }
        try self.init(text: text, file: url.path)
    }

    /// Reads a pipeline from YAML or JSON text; `file` names it in errors.
    public init(text: String, file: String = "<pipeline>") throws {
        let root: Node
        do {
            guard let node = try BoundedYAML.compose(text) else {
                throw AugmentError.pipelineFile(file: file, line: nil, message: "the file is empty; expected a mapping with 'transforms'")
            }
            root = node
        } catch let error as YAMLReadError {
            throw AugmentError.pipelineFile(file: file, line: error.line, message: "not valid YAML or JSON: \(error.message)")
        }
        guard case .mapping(let top) = root else {
            throw AugmentError.pipelineFile(file: file, line: root.mark?.line, message: "expected a mapping with 'transforms' at the top")
        }
        var reader = PipelineReader(file: file)
        if let saved = top["transform"] {
            self = try reader.readAlbumentations(saved)
        } else {
            self = try reader.readPercept(root, top)
        }
    }
}

/// Walks the node tree of a pipeline file.
private struct PipelineReader {
    let file: String
    /// Transforms an Albumentations file names that Percept lacks, with their lines.
    var missing: [(String, Int?)] = []
    var strict = true

    mutating func readPercept(_ root: Node, _ top: Node.Mapping) throws -> Pipeline {
        var arguments = TransformArguments(file: file, name: "pipeline", mapping: top, line: root.mark?.line, strict: true, reserved: [])
        let settings = BoxSettings(minVisibility: try arguments.double("min_visibility", 0), minArea: try arguments.double("min_area", 0),
                                   minSize: try arguments.double("min_size", 0),
                                   keepKeypointsOutside: try arguments.bool("keep_keypoints_outside", false))
        guard let list = arguments.node("transforms") else {
            throw AugmentError.pipelineFile(file: file, line: root.mark?.line, message: "expected a 'transforms' list")
        }
        try arguments.finish()
        return try Pipeline(transforms: try children(list, key: "name"), settings: settings)
    }

    mutating func readAlbumentations(_ saved: Node) throws -> Pipeline {
        strict = false
        guard case .mapping(let compose) = saved else {
            throw AugmentError.pipelineFile(file: file, line: saved.mark?.line, message: "'transform' must be a mapping")
        }
        var settings = BoxSettings()
        if let boxes = compose["bbox_params"], case .mapping(let values) = boxes {
            var arguments = TransformArguments(file: file, name: "bbox_params", mapping: values, line: boxes.mark?.line, strict: false, reserved: [])
            settings.minVisibility = try arguments.double("min_visibility", 0)
            settings.minArea = try arguments.double("min_area", 0)
            settings.minSize = max(try arguments.double("min_width", 0), try arguments.double("min_height", 0))
        }
        if let points = compose["keypoint_params"], case .mapping(let values) = points {
            var arguments = TransformArguments(file: file, name: "keypoint_params", mapping: values, line: points.mark?.line, strict: false, reserved: [])
            settings.keepKeypointsOutside = !(try arguments.bool("remove_invisible", true))
        }
        let root = try transform(saved, key: "__class_fullname__")
        guard missing.isEmpty else {
            let names = missing.map { "\($0.0)\($0.1.map { " (line \($0))" } ?? "")" }.joined(separator: ", ")
            throw AugmentError.pipelineFile(file: file, line: missing[0].1, message: "Percept has no \(names)")
        }
        guard let compose = root as? Compose else {
            return try Pipeline(transforms: root.map { [$0] } ?? [], settings: settings)
        }
        var pipeline = try Pipeline(transforms: compose.children, settings: settings)
        pipeline.root.probability = compose.probability
        return pipeline
    }

    private mutating func children(_ list: Node, key: String) throws -> [any Transform] {
        guard case .sequence(let sequence) = list else {
            throw AugmentError.pipelineFile(file: file, line: list.mark?.line, message: "'transforms' must be a list")
        }
        return try sequence.compactMap { try transform($0, key: key) }
    }

    /// The transform an entry describes; nil (remembered in `missing`) for a transform an
    /// Albumentations file names that Percept lacks.
    private mutating func transform(_ node: Node, key: String) throws -> (any Transform)? {
        let line = node.mark?.line
        guard case .mapping(let mapping) = node else {
            throw AugmentError.pipelineFile(file: file, line: line, message: "each transform must be a mapping with \(quotedToken(key))")
        }
        guard let fullName = mapping[key]?.string else {
            throw AugmentError.pipelineFile(file: file, line: line, message: "a transform needs \(quotedToken(key))")
        }
        let name = String(fullName.split(separator: ".").last ?? Substring(fullName))
        var arguments = TransformArguments(file: file, name: name, mapping: mapping, line: line, strict: strict, reserved: [key])
        do {
            if TransformRegistry.compositions.contains(name) {
                guard let list = arguments.node("transforms") else {
                    throw AugmentError.pipelineFile(file: file, line: line, message: "\(name) needs a 'transforms' list")
                }
                let built = try TransformRegistry.composition(name, children: try children(list, key: key), arguments: &arguments)
                try arguments.finish()
                return built
            }
            guard let builder = TransformRegistry.builder(name) else {
                guard !strict else {
                    throw AugmentError.pipelineFile(file: file, line: line, message: "unknown transform \(quotedToken(name))")
                }
                missing.append((name, line))
                return nil
            }
            let built = try builder(&arguments)
            try arguments.finish()
            return built
        } catch {
            throw arguments.located(error)
        }
    }
}
