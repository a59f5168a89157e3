/// One process's share of a dataset augmentation that several processes make together (the
/// ranks of an MPI job, split by the caller): the outputs of source image `i` belong to the
/// process `i % processes`, each output keeps the seed it has in a single run, and process 0
/// gathers every share and writes the labels and the manifest last, so the folder holds the
/// bytes one process would write. The library knows no transport: `meet` is the caller's
/// barrier, called twice by every process (once the work folder exists, once every share is made).
public struct AugmentShare: Sendable {
    /// This process, 0-based; process 0 writes the result.
    public var process: Int
    /// How many processes share the work.
    public var processes: Int
    /// Returns once every process has called it as often (a barrier).
    public var meet: @Sendable () throws -> Void

    /// Process `process` of `processes`, meeting the others through `meet`.
    public init(process: Int, processes: Int, meet: @escaping @Sendable () throws -> Void) {
        self.process = process
        self.processes = processes
        self.meet = meet
    }

    /// Whether the outputs of source image `sourceIndex` are this process's to make.
    func owns(sourceIndex: Int) -> Bool { sourceIndex % processes == process }

    /// The journal of process `process`'s outputs in the run's work folder (process 0 keeps the run's own).
    static func journalName(process: Int) -> String { process == 0 ? "journal.jsonl" : "journal.\(process).jsonl" }
}
