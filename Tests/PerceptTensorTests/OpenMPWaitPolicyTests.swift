import Foundation
import Testing
@testable import PerceptTensor

/// The OpenMP wait policy chosen before oneDNN loads: a short spin only when the cores are free
/// for the engine's threads, sleeping otherwise, and a user's setting always stands.
@Suite("OpenMP wait policy")
struct OpenMPWaitPolicyTests {
    private typealias Load = OpenMPWaitPolicy.Load

    @Test("/proc/loadavg's one-minute average and runnable tasks are read; other text is refused")
    func parsesLoadavg() {
        #expect(OpenMPWaitPolicy.parse(loadavg: "0.93 1.88 2.67 3/111 6945\n") == Load(oneMinute: 0.93, runnable: 3))
        #expect(OpenMPWaitPolicy.parse(loadavg: "12.50 8.00 4.00 17/2048 1") == Load(oneMinute: 12.5, runnable: 17))
        for bad in ["", "0.93 1.88 2.67", "x 1 1 3/111 1", "0.9 1 1 3-111 1", "-1 1 1 3/111 1", "nan 1 1 1/2 3", "0.5 1 1 a/111 1"] {
            #expect(OpenMPWaitPolicy.parse(loadavg: bad) == nil, "\(bad)")
        }
    }

    @Test("an idle machine spins briefly; the reader itself is not load")
    func idleMachineSpins() {
        let policy = OpenMPWaitPolicy.choose(environment: [:], load: Load(oneMinute: 0.05, runnable: 1), cores: 2, threads: 2)
        #expect(policy == .spin(count: OpenMPWaitPolicy.spinCount))
        #expect(OpenMPWaitPolicy.choose(environment: [:], load: Load(oneMinute: 0, runnable: 0), cores: 1, threads: 1) == .spin(count: OpenMPWaitPolicy.spinCount))
    }

    @Test("a task running beside the engine's threads, or a busy last minute, makes threads sleep")
    func sharedMachineSleeps() {
        #expect(OpenMPWaitPolicy.choose(environment: [:], load: Load(oneMinute: 0.1, runnable: 2), cores: 2, threads: 2) == .passive)
        #expect(OpenMPWaitPolicy.choose(environment: [:], load: Load(oneMinute: 3.2, runnable: 1), cores: 2, threads: 2) == .passive)
        #expect(OpenMPWaitPolicy.choose(environment: [:], load: Load(oneMinute: 16, runnable: 9), cores: 2, threads: 2) == .passive)
    }

    @Test("room left by a smaller thread budget, and a benchmark that just ended, still spin")
    func roomForTheBudgetSpins() {
        #expect(OpenMPWaitPolicy.choose(environment: [:], load: Load(oneMinute: 1, runnable: 3), cores: 8, threads: 4) == .spin(count: OpenMPWaitPolicy.spinCount))
        #expect(OpenMPWaitPolicy.choose(environment: [:], load: Load(oneMinute: 2.9, runnable: 1), cores: 2, threads: 2) == .spin(count: OpenMPWaitPolicy.spinCount))
        #expect(OpenMPWaitPolicy.choose(environment: [:], load: Load(oneMinute: 1, runnable: 6), cores: 8, threads: 4) == .passive)
    }

    @Test("an unreadable load makes threads sleep; a user's OMP_WAIT_POLICY or GOMP_SPINCOUNT stands")
    func fallbacksAndUserSettings() {
        #expect(OpenMPWaitPolicy.choose(environment: [:], load: nil, cores: 2, threads: 2) == .passive)
        #expect(OpenMPWaitPolicy.currentLoad(path: "/nonexistent/loadavg") == nil)
        let idle = Load(oneMinute: 0, runnable: 1), busy = Load(oneMinute: 20, runnable: 20)
        for environment in [["OMP_WAIT_POLICY": "active"], ["GOMP_SPINCOUNT": "300000"], ["OMP_WAIT_POLICY": "passive"]] {
            #expect(OpenMPWaitPolicy.choose(environment: environment, load: idle, cores: 2, threads: 2) == .user)
            #expect(OpenMPWaitPolicy.choose(environment: environment, load: busy, cores: 2, threads: 2) == .user)
        }
    }

    @Test("this machine's /proc/loadavg is readable")
    func readsThisMachine() throws {
        let load = try #require(OpenMPWaitPolicy.currentLoad())
        #expect(load.runnable >= 1, "the reading thread is running")
        #expect(load.oneMinute >= 0)
    }

    @Test("the fewest runnable tasks over the samples are kept: a task woken for an instant is not load")
    func keepsTheFewestRunnable() {
        let readings = ["0.40 0.3 0.2 3/120 9", "0.40 0.3 0.2 1/120 9", "0.45 0.3 0.2 2/120 9"]
        #expect(OpenMPWaitPolicy.fewestRunnable(samples: 3) { readings[$0] } == Load(oneMinute: 0.45, runnable: 1))
        #expect(OpenMPWaitPolicy.fewestRunnable(samples: 3) { $0 == 1 ? "garbage" : readings[$0] } == nil)
        #expect(OpenMPWaitPolicy.fewestRunnable(samples: 3) { $0 == 2 ? nil : readings[$0] } == nil)
        #expect(OpenMPWaitPolicy.fewestRunnable(samples: 0) { readings[$0] } == Load(oneMinute: 0.4, runnable: 3), "at least one reading")
    }
}
