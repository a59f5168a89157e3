import ArgumentParser
import Foundation
import Percept

/// Joining an MPI job from the command line: `--distributed mpi`, or detected when `mpirun`
/// (or `srun`) started this process. Ranks other than 0 print nothing on stdout, so a job's
/// output is one process's; every rank keeps stderr for its own errors.
enum DistributedJob {
    /// Joins the job when asked or detected and returns the world, or nil to run alone.
    static func join(choice: String?) throws -> Communicator? {
        let environment = ProcessInfo.processInfo.environment
        guard try DistributedLaunch.wantsMPI(choice: choice, environment: environment) else { return nil }
        let world = try Communicator.joinWorld(timeout: try DistributedLaunch.timeout(environment: environment))
        if !world.isLeader { silenceStandardOutput() }
        return world
    }

    /// Joins the job for training and makes every trainer data-parallel over it.
    static func joinForTraining(choice: String?, synchronizeBatchNorm: Bool) throws {
        guard let world = try join(choice: choice) else { return }
        DataParallel.current = DataParallel(world: world, synchronizesBatchNorm: synchronizeBatchNorm)
    }

    /// Leaves the job cleanly after a successful command (mpirun treats a rank that exits
    /// without MPI_Finalize as failed).
    static func finish() throws {
        try Communicator.world?.finalize()
    }

    /// After a failed command in a job of several ranks: prints `message` (naming the rank
    /// unless it is rank 0) and ends every rank, so none waits for this one until its timeout.
    /// An exit status the command chose after reporting (`ExitCode`: problems found in the data)
    /// is an ordinary end: the rank leaves MPI and exits with it.
    static func abortIfShared(_ error: any Error, message: String, code: Int32) {
        guard let world = Communicator.world, world.size > 1 else { return }
        if error is ExitCode, (try? world.finalize()) != nil { exit(code) }
        let text = world.isLeader ? message : "rank \(world.rank): \(message)"
        if !text.isEmpty { FileHandle.standardError.write(Data((text + "\n").utf8)) }
        world.abort(code: code == 0 ? 1 : code)
    }

    private static func silenceStandardOutput() {
        fflush(stdout)
        let null = open("/dev/null", O_WRONLY)
        guard null >= 0 else { return }
        dup2(null, STDOUT_FILENO)
        close(null)
    }
}
