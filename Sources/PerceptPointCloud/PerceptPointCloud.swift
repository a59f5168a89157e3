/// `PerceptPointCloud`: see Sources/README.md for what this module owns and what it may import.
public enum PerceptPointCloudModule {
    /// The module's name, for diagnostics.
    public static let name = "PerceptPointCloud"
}
