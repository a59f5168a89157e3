import Foundation
import Percept

/// `mpirun -np N percept augment …`: the command splits the images among the ranks (the outputs
/// of source image i go to rank i mod N, with the seeds of a single run), each rank stages its
/// outputs in OUT's work folder, and rank 0 writes the labels and the manifest last. OUT holds
/// the bytes one process writes. The input must be readable at the same path on every rank, and
/// OUT must be one folder every rank can write (a shared file system across hosts).
enum AugmentSharing {
    /// The job when this process is one of several ranks, else nil. `--resume` runs in one
    /// process: the ranks' partial journals are not resumed.
    static func join(resume: Bool) throws -> Communicator? {
        guard let world = try DistributedJob.join(choice: nil), world.size > 1 else { return nil }
        guard !resume else { throw DatasetCLI.usage("--resume continues an augmentation in one process; run it without mpirun") }
        return world
    }

    /// Rank 0's share, after telling the other ranks the folder it writes into (OUT itself, or a staging folder with --force).
    static func lead(_ world: Communicator, folder: URL) throws -> AugmentShare {
        _ = try world.broadcast(bytes: Array(folder.path.utf8))
        return share(world)
    }

    /// A rank above 0: reads what rank 0 reads, makes its share in the folder rank 0 names,
    /// and sends rank 0 the problems it met. It prints nothing: rank 0 reports for the job.
    static func makeShare(_ command: AugmentCommand, world: Communicator) throws {
        guard !command.options.dryRun else { return }
        let inputFolder = try DatasetCLI.inputFolder(command.options.input)
        let (text, pipeline) = try command.loadPipeline()
        let (dataset, source, _) = try command.options.load(inputFolder)
        let (augmentation, _) = try command.makeAugmentation(pipeline: pipeline, text: text, source: source)
        let folder = URL(fileURLWithPath: String(decoding: try world.broadcast(bytes: []), as: UTF8.self))
        let problems = try augmentation.makeShare(dataset, inputFolder: inputFolder, into: folder, share: share(world))
        _ = try world.gather(bytes: Array(try JSONEncoder().encode(problems)))
    }

    /// Rank 0's problems with every other rank's, in the order one process reports them.
    static func allProblems(_ own: [LabelProblem], world: Communicator) throws -> [LabelProblem] {
        let others = try world.gather(bytes: []) ?? []
        let decoder = JSONDecoder()
        let gathered = try others.dropFirst().flatMap { try decoder.decode([LabelProblem].self, from: Data($0)) }
        return (own + gathered).sorted { ($0.file, $0.message) < ($1.file, $1.message) }
    }

    private static func share(_ world: Communicator) -> AugmentShare {
        AugmentShare(process: world.rank, processes: world.size) { try world.barrier() }
    }
}
