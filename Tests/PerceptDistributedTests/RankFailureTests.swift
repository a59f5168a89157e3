import Foundation
import Testing

/// A rank killed mid-run: the job must end soon, say which rank it lost, and leave a checkpoint
/// that one process resumes.
@Suite("a lost rank under mpirun", .serialized)
struct RankFailureTests {
    /// The job ends within this many seconds of the kill (mpirun aborts the other ranks at once;
    /// the collective timeout, PERCEPT_MPI_TIMEOUT, is the bound when mpirun cannot tell).
    static let statedSeconds = 30.0

    @Test("killing rank 1 ends the job within the stated time, naming rank 1; --resume alone continues")
    func killedRankEndsTheJob() throws {
        try MPIRun.withTrainingData { root, images, project in
            let arguments = DataParallelTrainingTests.trainArguments(images, project: project, name: "killed", epochs: 400)
            let job = try MPIRun.start("/usr/bin/mpirun", MPIRun.mpirunArguments(ranks: 2, arguments), log: root.appendingPathComponent("job"))
            let last = project.appendingPathComponent("classify/killed/weights/last.safetensors").path
            let waitUntil = Date().addingTimeInterval(120)
            while !FileManager.default.fileExists(atPath: last), job.isRunning, Date() < waitUntil { usleep(20_000) }
            #expect(job.isRunning, "the job ended before rank 1 could be killed")
            let victim = try #require(Self.rankProcess(1, under: job.processIdentifier))
            let killed = Date()
            kill(victim, SIGKILL)
            while job.isRunning, Date().timeIntervalSince(killed) < Self.statedSeconds + 30 { usleep(20_000) }
            let seconds = Date().timeIntervalSince(killed)
            if job.isRunning { job.terminate() }
            job.waitUntilExit()
            #expect(seconds < Self.statedSeconds, "the job took \(seconds) s to end")
            #expect(job.terminationStatus != 0)
            let stderr = try String(contentsOfFile: root.appendingPathComponent("job").path + ".err", encoding: .utf8)
            #expect(stderr.contains("rank 1"), "\(stderr)")

            let resumed = try MPIRun.run(ranks: nil, ["classify", "train", "--resume", project.appendingPathComponent("classify/killed").path], in: root)
            #expect(resumed.status == 0, "\(resumed.stderr)")
            let csv = try String(contentsOf: project.appendingPathComponent("classify/killed/results.csv"), encoding: .utf8).split(separator: "\n")
            #expect(csv.last?.hasPrefix("400,") == true)
        }
    }

    @Test("a rank that stops answering makes the others' collective time out: the job ends with a message naming the wait")
    func stoppedRankTimesOut() throws {
        try MPIRun.withTrainingData { root, images, project in
            let arguments = DataParallelTrainingTests.trainArguments(images, project: project, name: "stopped", epochs: 400)
            let job = try MPIRun.start("/usr/bin/mpirun", MPIRun.mpirunArguments(ranks: 2, arguments), log: root.appendingPathComponent("job"),
                                       environment: ["PERCEPT_MPI_TIMEOUT": "3"])
            let last = project.appendingPathComponent("classify/stopped/weights/last.safetensors").path
            let waitUntil = Date().addingTimeInterval(120)
            while !FileManager.default.fileExists(atPath: last), job.isRunning, Date() < waitUntil { usleep(20_000) }
            let victim = try #require(Self.rankProcess(1, under: job.processIdentifier))
            let stopped = Date()
            kill(victim, SIGSTOP)
            while job.isRunning, Date().timeIntervalSince(stopped) < 60 { usleep(20_000) }
            let seconds = Date().timeIntervalSince(stopped)
            kill(victim, SIGKILL)
            if job.isRunning { job.terminate() }
            job.waitUntilExit()
            #expect(seconds < 3 + 20, "the job took \(seconds) s to end")
            #expect(job.terminationStatus != 0)
            let stderr = try String(contentsOfFile: root.appendingPathComponent("job").path + ".err", encoding: .utf8)
            #expect(stderr.contains("did not finish within 3 s"), "\(stderr)")
        }
    }

    /// The process of rank `rank` among the children of `mpirun` (its environment names the rank).
    static func rankProcess(_ rank: Int, under parent: Int32) -> Int32? {
        let children = (try? String(contentsOfFile: "/proc/\(parent)/task/\(parent)/children", encoding: .utf8)) ?? ""
        for child in children.split(separator: " ").compactMap({ Int32($0) }) {
            guard let environment = FileManager.default.contents(atPath: "/proc/\(child)/environ") else { continue }
            let variables = environment.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            if variables.contains("OMPI_COMM_WORLD_RANK=\(rank)") { return child }
        }
        return nil
    }
}
