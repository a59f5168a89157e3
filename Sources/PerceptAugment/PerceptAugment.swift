/// `PerceptAugment`: see Sources/README.md for what this module owns and what it may import.
public enum PerceptAugmentModule {
    /// The module's name, for diagnostics.
    public static let name = "PerceptAugment"
}
