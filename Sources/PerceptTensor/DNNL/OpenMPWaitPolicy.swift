import Foundation

/// How libgomp's threads wait at the barrier that ends every oneDNN primitive, chosen once,
/// before oneDNN loads (libgomp reads its environment when it is mapped).
///
/// Sleeping at once (`OMP_WAIT_POLICY=passive`) costs a wake-up per primitive, tens of
/// microseconds on a virtual machine, which is a tenth of a small detector's inference.
/// Spinning saves it when the cores are free, but a spinning thread holds the core its partner
/// needs when other processes share them: ResNet-18's inference went from 35 ms to 1.5 s beside
/// eight builds. So the engine spins briefly only when the machine is idle enough for its
/// threads now (the tasks running at this instant) and was not oversubscribed over the last
/// minute; otherwise it sleeps. A user's `OMP_WAIT_POLICY` or `GOMP_SPINCOUNT` always stands.
///
/// ```swift
/// let policy = OpenMPWaitPolicy.choose(environment: [:], load: .init(oneMinute: 0.1, runnable: 1),
///                                      cores: 2, threads: 2)   // .spin(count: 10_000)
/// ```
enum OpenMPWaitPolicy: Equatable {
    /// Spin `count` rounds at a barrier before sleeping (`GOMP_SPINCOUNT`).
    case spin(count: Int)
    /// Sleep at a barrier at once (`OMP_WAIT_POLICY=passive`).
    case passive
    /// The user set `OMP_WAIT_POLICY` or `GOMP_SPINCOUNT`; nothing is changed.
    case user

    /// The spin before sleeping: about 10–50 µs, longer than a wake-up, much shorter than a
    /// scheduler's time slice, so a descheduled partner costs little.
    static let spinCount = 10_000

    /// The machine's load as `/proc/loadavg` reports it.
    struct Load: Equatable {
        /// The number of runnable tasks averaged over the last minute.
        var oneMinute: Double
        /// The tasks runnable at the instant of reading, the reader included.
        var runnable: Int
    }

    /// Reads `/proc/loadavg` ("0.93 1.88 2.67 3/111 6945") `samples` times a millisecond apart
    /// and keeps the fewest runnable tasks seen: a task that is runnable in every sample holds a
    /// core, one woken for an instant does not. Nil where the file is missing or unreadable,
    /// which makes the choice passive.
    static func currentLoad(path: String = "/proc/loadavg", samples: Int = 4) -> Load? {
        fewestRunnable(samples: samples) { sample in
            if sample > 0 { usleep(1000) }
            return try? String(contentsOfFile: path, encoding: .utf8)
        }
    }

    /// The load over `samples` readings of `read` (given the sample's index): the last
    /// one-minute average and the fewest runnable tasks; nil when any reading fails.
    static func fewestRunnable(samples: Int, read: (Int) -> String?) -> Load? {
        var fewest: Load?
        for sample in 0..<max(1, samples) {
            guard let text = read(sample), let load = parse(loadavg: text) else { return nil }
            fewest = Load(oneMinute: load.oneMinute, runnable: min(load.runnable, fewest?.runnable ?? load.runnable))
        }
        return fewest
    }

    /// Parses the text of `/proc/loadavg`; nil when it is not in that form.
    static func parse(loadavg text: String) -> Load? {
        let fields = text.split(whereSeparator: \.isWhitespace)
        guard fields.count >= 4, let oneMinute = Double(fields[0]), oneMinute.isFinite, oneMinute >= 0 else { return nil }
        let tasks = fields[3].split(separator: "/")
        guard tasks.count == 2, let runnable = Int(tasks[0]), runnable >= 0 else { return nil }
        return Load(oneMinute: oneMinute, runnable: runnable)
    }

    /// The policy for a process that will run `threads` OpenMP threads on `cores` cores.
    /// Spin when the other tasks running now leave room for all `threads` and the last minute's
    /// average stayed within one and a half times the cores (a benchmark that just finished
    /// beside this one does not count as load, a build does).
    static func choose(environment: [String: String], load: Load?, cores: Int, threads: Int) -> OpenMPWaitPolicy {
        if environment["OMP_WAIT_POLICY"] != nil || environment["GOMP_SPINCOUNT"] != nil { return .user }
        guard let load else { return .passive }
        let others = max(0, load.runnable - 1)
        let roomNow = others + threads <= cores
        let calmLastMinute = load.oneMinute <= 1.5 * Double(cores)
        return roomNow && calmLastMinute ? .spin(count: spinCount) : .passive
    }

    /// The policy's name for reports: "spin", "passive" or "user".
    var name: String {
        switch self {
        case .spin: return "spin"
        case .passive: return "passive"
        case .user: return "user"
        }
    }

    /// Sets the environment libgomp will read when it loads.
    func apply() {
        switch self {
        case .spin(let count): setenv("GOMP_SPINCOUNT", String(count), 1)
        case .passive: setenv("OMP_WAIT_POLICY", "passive", 1)
        case .user: break
        }
    }
}
