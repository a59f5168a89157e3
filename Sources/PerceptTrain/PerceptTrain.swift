/// `PerceptTrain`: see Sources/README.md for what this module owns and what it may import.
public enum PerceptTrainModule {
    /// The module's name, for diagnostics.
    public static let name = "PerceptTrain"
}
