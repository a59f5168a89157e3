import Foundation
import Testing

/// Two hosts made of network namespaces: each has its own veth end and address, one rank runs
/// in each, and MPI talks TCP between them; mpirun starts the remote rank through an "rsh agent"
/// that enters the other namespace instead of ssh. The namespaces are removed at the end.
final class NetworkNamespacePair {
    let names: [String]
    let addresses = ["10.77.0.1", "10.77.0.2"]
    let agent: URL

    /// Whether this machine can make namespaces: root and `ip`.
    static var available: Bool { geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") }

    init(folder: URL) throws {
        let tag = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        names = ["pcpt-a-\(tag)", "pcpt-b-\(tag)"]
        agent = folder.appendingPathComponent("netns-agent.sh")
        let (vethA, vethB) = ("pva\(tag)".prefix(15), "pvb\(tag)".prefix(15))
        let commands: [[String]] = [
            ["netns", "add", names[0]], ["netns", "add", names[1]],
            ["link", "add", String(vethA), "type", "veth", "peer", "name", String(vethB)],
            ["link", "set", String(vethA), "netns", names[0]], ["link", "set", String(vethB), "netns", names[1]],
            ["-n", names[0], "addr", "add", addresses[0] + "/24", "dev", String(vethA)],
            ["-n", names[1], "addr", "add", addresses[1] + "/24", "dev", String(vethB)],
            ["-n", names[0], "link", "set", String(vethA), "up"], ["-n", names[1], "link", "set", String(vethB), "up"],
            ["-n", names[0], "link", "set", "lo", "up"], ["-n", names[1], "link", "set", "lo", "up"],
        ]
        do {
            for command in commands { try Self.ip(command) }
        } catch {
            remove()
            throw error
        }
        let script = """
            #!/bin/sh
            # mpirun's rsh agent: "HOST COMMAND…" runs COMMAND in HOST's network namespace.
            host=$1; shift
            case "$host" in \(addresses[0])) ns=\(names[0]) ;; \(addresses[1])) ns=\(names[1]) ;; *) echo "unknown host $host" >&2; exit 1 ;; esac
            exec ip netns exec "$ns" /bin/sh -c "$*"

            """
        try script.write(to: agent, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: agent.path)
    }

    /// `ip netns exec A mpirun -H A,B -np 2 …` with MPI over TCP on the pair's subnet.
    func mpirunArguments(_ arguments: [String]) -> [String] {
        ["netns", "exec", names[0], "/usr/bin/mpirun", "--oversubscribe", "--bind-to", "none", "-H", addresses.joined(separator: ","), "-np", "2",
         "--mca", "plm_rsh_agent", agent.path, "--mca", "btl", "tcp,self",
         "--mca", "btl_tcp_if_include", "10.77.0.0/24", "--mca", "oob_tcp_if_include", "10.77.0.0/24",
         "-x", "PERCEPT_THREADS", MPIRun.percept] + arguments
    }

    /// Removes both namespaces (their veth ends go with them).
    func remove() {
        for name in names { try? Self.ip(["netns", "delete", name]) }
    }

    /// The namespaces that exist now.
    static func existing() -> String {
        let process = Process(), pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = ["netns", "list"]
        process.standardOutput = pipe
        try? process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    private static func ip(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw NamespaceError(command: "ip " + arguments.joined(separator: " ")) }
    }

    struct NamespaceError: Error, CustomStringConvertible {
        let command: String
        var description: String { "\(command) failed" }
    }
}

@Suite("two hosts in network namespaces", .serialized, .enabled(if: NetworkNamespacePair.available, "needs root and ip(8) to make network namespaces"))
struct TwoHostTests {
    @Test("one rank per namespace, MPI over TCP on a veth pair, trains the weights one process trains; the namespaces are removed")
    func twoHostsMatchOneProcess() throws {
        try MPIRun.withTrainingData { root, images, project in
            let alone = try MPIRun.run(ranks: nil, DataParallelTrainingTests.trainArguments(images, project: project, name: "alone"), in: root)
            #expect(alone.status == 0, "\(alone.stderr)")
            let pair = try NetworkNamespacePair(folder: root)
            let log = root.appendingPathComponent("two-hosts")
            let job: Process
            do {
                job = try MPIRun.start("/usr/sbin/ip", pair.mpirunArguments(DataParallelTrainingTests.trainArguments(images, project: project, name: "hosts")),
                                       log: log)
                job.waitUntilExit()
            } catch {
                pair.remove()
                throw error
            }
            pair.remove()
            #expect(!pair.names.contains { NetworkNamespacePair.existing().contains($0) })
            let stderr = try String(contentsOfFile: log.path + ".err", encoding: .utf8)
            #expect(job.terminationStatus == 0, "\(stderr)")
            let one = try MPIRun.floatTensors(project.appendingPathComponent("classify/alone/weights/last.safetensors").path)
            let two = try MPIRun.floatTensors(project.appendingPathComponent("classify/hosts/weights/last.safetensors").path)
            let difference = try #require(MPIRun.largestDifference(one, two))
            #expect(difference <= 1e-5, "largest difference \(difference)")
        }
    }
}
