/// `PerceptAnnotator`: see Sources/README.md for what this module owns and what it may import.
public enum PerceptAnnotatorModule {
    /// The module's name, for diagnostics.
    public static let name = "PerceptAnnotator"
}
