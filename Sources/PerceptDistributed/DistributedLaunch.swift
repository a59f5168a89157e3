/// How a process learns that it is one rank of a job: `--distributed mpi`, or the variables a
/// launcher sets (`mpirun`'s OMPI_COMM_WORLD_SIZE, PMIx's PMIX_RANK under Slurm's `srun --mpi=pmix`,
/// PMI_RANK under other launchers).
public enum DistributedLaunch {
    /// The variables whose presence means an MPI launcher started this process.
    public static let launcherVariables = ["OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"]

    /// Whether this process should join an MPI job: asked for by name (`mpi`), refused (`none`),
    /// or, without a choice, detected from `environment`.
    public static func wantsMPI(choice: String?, environment: [String: String]) throws -> Bool {
        switch choice {
        case nil: return launcherVariables.contains { environment[$0] != nil }
        case "mpi": return true
        case "none": return false
        case let other?:
            throw DistributedError.invalidArgument(operation: "--distributed", message: "expected mpi or none, got \"\(other)\"")
        }
    }

    /// The collective timeout in seconds: `PERCEPT_MPI_TIMEOUT` when set to a positive number, else `fallback`.
    public static func timeout(environment: [String: String], fallback: Double = Communicator.defaultTimeout) throws -> Double {
        guard let text = environment["PERCEPT_MPI_TIMEOUT"] else { return fallback }
        guard let seconds = Double(text), seconds.isFinite, seconds > 0 else {
            throw DistributedError.invalidArgument(operation: "PERCEPT_MPI_TIMEOUT", message: "expected a positive number of seconds, got \"\(text)\"")
        }
        return seconds
    }
}
