/// `import Percept` brings every Percept library into scope.
@_exported import PerceptThreads
@_exported import PerceptMessages
@_exported import PerceptTensor
@_exported import PerceptNN
@_exported import PerceptModels
@_exported import PerceptImage
@_exported import PerceptLabels
@_exported import PerceptAugment
@_exported import PerceptEval
@_exported import PerceptPointCloud
@_exported import PerceptData
@_exported import PerceptDistributed
@_exported import PerceptTrain
@_exported import PerceptAnnotator
@_exported import PerceptExport
@_exported import PerceptServe

/// The version of the Percept libraries and of the `percept` command.
public enum PerceptVersion {
    /// Semantic version string, printed by `percept --version`.
    public static let string = "0.1.0"
}
