import Foundation
import PerceptRandom
import Testing
@testable import PerceptTrain

/// The search space reader, the three search algorithms and the search runner of `percept tune`.
@Suite("hyper-parameter search")
struct TuningTests {
    static let names = ["units", "lr", "optimizer", "momentum", "dropout", "batch"]

    static func space(_ text: String) throws -> SearchSpace {
        try SearchSpace.parse(text, file: "space.yaml", isKnownName: names.contains, knownNames: names)
    }

    static func spaceError(_ text: String) -> SearchSpaceError? {
        do {
            _ = try space(text)
            return nil
        } catch {
            return error as? SearchSpaceError
        }
    }

    @Test("the course's example space reads as written: units 32–512 step 32, lr one of three")
    func courseSpace() throws {
        let space = try Self.space("units: {int: [32, 512], step: 32}\nlr: {choice: [1e-2, 1e-3, 1e-4]}\n")
        #expect(space.names == ["units", "lr"])
        #expect(space.parameters[0].domain == .integer(minimum: 32, maximum: 512, step: 32))
        #expect(space.parameters[0].gridValues.count == 16)
        #expect(space.parameters[1].domain == .choice([.real(0.01), .real(0.001), .real(0.0001)]))
        #expect(space.gridCombinations(limit: 1000).count == 48)
    }

    @Test("bad spaces are refused naming the file, the line and the mistake", arguments: [
        ("units: {int: [32, 512]}\nwidth: {int: [1, 2]}\n", 2, "unknown option width"),
        ("units: {int: [32, 512], stride: 2}\n", 1, "unknown option stride"),
        ("lr: {float: [0.1, 0.01]}\n", 1, "empty range"),
        ("units: {int: [64, 32]}\n", 1, "empty range"),
        ("lr: {float: [0, 0.1], scale: log}\n", 1, "log scale cannot reach zero"),
        ("units: {int: [32, 512], step: 0}\n", 1, "bad step"),
        ("units: {int: [32, 512], step: 1.5}\n", 1, "bad step"),
        ("lr: {float: [1e-4, 1e-2], scale: log, step: 0.001}\n", 1, "bad step"),
        ("dropout: {float: [0, 0.5], step: 0.75}\n", 1, "bad step"),
        ("optimizer: {choice: []}\n", 1, "non-empty list"),
        ("units: {int: [32, 64], choice: [1]}\n", 1, "exactly one of int, float or choice"),
        ("momentum: {float: [0.8, 0.99], when: {optimizer: sgd}}\n", 1, "not declared above"),
        ("lr: [0.1, 0.1]\n", 1, "listed twice"),
        ("- lr\n", 1, "expected a mapping"),
    ])
    func badSpaces(text: String, line: Int, message: String) throws {
        let error = try #require(Self.spaceError(text))
        #expect(error.file == "space.yaml" && error.line == line, "\(error)")
        #expect(error.message.contains(message), "\(error)")
        #expect("\(error)".hasPrefix("space.yaml:\(line): error: "))
    }

    @Test("grid search goes through every combination in Keras Tuner's order, defaults first, the last parameter fastest")
    func gridOrder() throws {
        let space = try Self.space("optimizer: {choice: [sgd, adam]}\nlr: {choice: [0.01, 0.1]}\n")
        let combinations = space.gridCombinations(limit: 100)
        #expect(combinations == [["optimizer": .text("sgd"), "lr": .real(0.01)], ["optimizer": .text("sgd"), "lr": .real(0.1)],
                                 ["optimizer": .text("adam"), "lr": .real(0.01)], ["optimizer": .text("adam"), "lr": .real(0.1)]])
    }

    @Test("a conditional parameter is searched only under its parent's values")
    func conditional() throws {
        let space = try Self.space("optimizer: {choice: [adam, sgd]}\nmomentum: {choice: [0.5, 0.9], when: {optimizer: sgd}}\n")
        let combinations = space.gridCombinations(limit: 100)
        #expect(combinations == [["optimizer": .text("adam")], ["optimizer": .text("sgd"), "momentum": .real(0.5)],
                                 ["optimizer": .text("sgd"), "momentum": .real(0.9)]])
        var generator = Xoshiro256StarStar(seed: 3)
        for _ in 0..<50 {
            let values = space.draw(using: &generator)
            #expect((values["optimizer"] == .text("sgd")) == (values["momentum"] != nil))
        }
    }

    @Test("random draws stay in their ranges; a log scale spreads over the decades")
    func drawsInRange() throws {
        let space = try Self.space("units: {int: [32, 512], step: 32}\nlr: {float: [1e-4, 1e-2], scale: log}\ndropout: {float: [0, 0.5]}\n")
        var generator = Xoshiro256StarStar(seed: 11)
        var lowDecade = 0
        for _ in 0..<400 {
            let values = space.draw(using: &generator)
            guard case .integer(let units)? = values["units"], case .real(let lr)? = values["lr"], case .real(let dropout)? = values["dropout"] else {
                Issue.record("unexpected values \(values)")
                return
            }
            #expect(units >= 32 && units <= 512 && units % 32 == 0)
            #expect(lr >= 1e-4 && lr <= 1e-2 && dropout >= 0 && dropout <= 0.5)
            if lr < 1e-3 { lowDecade += 1 }
        }
        // Half the draws fall in the lower decade on a log scale (a tenth on a linear one).
        #expect(lowDecade > 150 && lowDecade < 250, "\(lowDecade) of 400 below 1e-3")
    }

    @Test("the same seed gives the same trials, another seed others")
    func sameSeedSameTrials() throws {
        let space = try Self.space("units: {int: [32, 512], step: 32}\nlr: {float: [1e-4, 1e-2], scale: log}\n")
        func trials(_ seed: UInt64) -> [[String: TuneValue]] {
            var records: [TrialRecord] = []
            while records.count < 8, case .run(let plan) = RandomSearch(space: space, epochs: 3, seed: seed).next(after: records, id: records.count + 1) {
                records.append(TrialRecord(plan: plan, result: TrialResult(status: .completed, objective: 0.5, seconds: 0)))
            }
            return records.map(\.plan.values)
        }
        #expect(trials(7) == trials(7))
        #expect(trials(7) != trials(8))
        #expect(Set(trials(7)).count == 8)
    }

    @Test("random search stops when 20 draws in a row repeat tried values")
    func collisionsStop() throws {
        let space = try Self.space("optimizer: {choice: [adam, sgd]}\n")
        var records: [TrialRecord] = []
        while case .run(let plan) = RandomSearch(space: space, epochs: 1, seed: 1).next(after: records, id: records.count + 1) {
            records.append(TrialRecord(plan: plan, result: TrialResult(status: .completed, objective: 0, seconds: 0)))
        }
        #expect(records.count == 2)
    }

    @Test("Hyperband's brackets for max epochs 9 and factor 3, computed by hand")
    func hyperbandArithmetic() throws {
        let hyperband = Hyperband(space: try Self.space("units: {int: [32, 512], step: 32}\n"), maxEpochs: 9, factor: 3, seed: 0)
        // Brackets s = 2, 1, 0. s = 2: 9 models × 1 epoch, the best 3 to 3 epochs, the best 1 to 9.
        // s = 1: ⌈1.5 · 3⌉ = 5 models × 3 epochs, the best ⌈1.5⌉ = 2 to 9. s = 0: 3 models × 9 epochs.
        #expect(hyperband.brackets == 3)
        #expect((0...2).map { hyperband.size(bracket: 2, round: $0) } == [9, 3, 1])
        #expect((0...2).map { hyperband.epochs(bracket: 2, round: $0) } == [1, 3, 9])
        #expect((0...1).map { hyperband.size(bracket: 1, round: $0) } == [5, 2])
        #expect((0...1).map { hyperband.epochs(bracket: 1, round: $0) } == [3, 9])
        #expect(hyperband.size(bracket: 0, round: 0) == 3 && hyperband.epochs(bracket: 0, round: 0) == 9)
        // 9·1 + 3·2 + 1·6 + 5·3 + 2·6 + 3·9 = 75 epochs, a little over a quarter of 30 trials × 9.
        #expect(hyperband.epochsPerIteration == 75)
    }

    @Test("a Hyperband search runs every bracket, promotes the best and continues it from its epochs")
    func hyperbandSearch() throws {
        let hyperband = Hyperband(space: try Self.space("units: {int: [32, 512], step: 32}\nlr: {float: [1e-4, 1e-2], scale: log}\n"),
                                  maxEpochs: 9, factor: 3, seed: 5)
        var records: [TrialRecord] = []
        // The objective grows with the units, so the promoted trials are the widest of their round.
        func score(_ plan: TrialPlan) -> Double { Double(plan.values["units"]?.number ?? 0) / 1000 + Double(plan.epochs) / 100 }
        while case .run(let plan) = hyperband.next(after: records, id: records.count + 1) {
            records.append(TrialRecord(plan: plan, result: TrialResult(status: .completed, objective: score(plan), seconds: 0)))
        }
        #expect(records.count == 23)
        #expect(records.reduce(0) { $0 + $1.plan.trainedEpochs } == 75)
        #expect(records.map(\.plan.bracket?.number) == Array(repeating: 2, count: 13) + Array(repeating: 1, count: 7) + Array(repeating: 0, count: 3))
        let firstRound = records.prefix(9)
        let secondRound = records[9..<12]
        let widest = firstRound.sorted { score($0.plan) > score($1.plan) }.prefix(3).map(\.plan.id)
        #expect(secondRound.map { $0.plan.parent } == widest.map { Optional($0) })
        #expect(secondRound.allSatisfy { $0.plan.initialEpoch == 1 && $0.plan.epochs == 3 && $0.plan.values == records[($0.plan.parent ?? 1) - 1].plan.values })
        #expect(records[12].plan.initialEpoch == 3 && records[12].plan.epochs == 9 && records[12].plan.bracket?.round == 2)
    }

    @Test("failed trials are never promoted, and the search goes on")
    func failedTrialsSkipped() throws {
        let hyperband = Hyperband(space: try Self.space("units: {int: [32, 512], step: 32}\n"), maxEpochs: 9, factor: 3, seed: 2)
        var records: [TrialRecord] = []
        while case .run(let plan) = hyperband.next(after: records, id: records.count + 1) {
            let failed = plan.id % 2 == 0 && plan.bracket?.round == 0
            records.append(TrialRecord(plan: plan, result: TrialResult(status: failed ? .failed : .completed, objective: failed ? nil : 0.5, seconds: 0)))
        }
        let failedIDs = Set(records.filter { $0.result?.status == .failed }.map(\.plan.id))
        #expect(!failedIDs.isEmpty && records.allSatisfy { $0.plan.parent.map { !failedIDs.contains($0) } ?? true })
        #expect(records.contains { $0.plan.bracket?.number == 0 })
    }

    @Test("a search reloaded from its folder reruns the interrupted trial and ends with the same trials")
    func resumeFromStore() throws {
        let space = try Self.space("units: {int: [32, 512], step: 32}\nlr: {choice: [0.01, 0.001]}\n")
        let algorithm = Hyperband(space: space, maxEpochs: 9, factor: 3, seed: 4)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-tune-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let score: @Sendable (TrialPlan) -> TrialResult = { plan in
            TrialResult(status: .completed, objective: Double(plan.values["units"]?.number ?? 0) + Double(plan.epochs), seconds: 0)
        }
        let whole = try TuningSearch(algorithm: algorithm, store: try TuningStore(folder: folder + "/whole"), maxTrials: nil, parallel: 1)
            .run(trial: score, finished: { _ in })

        let store = try TuningStore(folder: folder + "/killed")
        // The first run is "killed" while trial 12 runs: its plan is recorded, its result is not.
        struct Killed: Error {}
        #expect(throws: Killed.self) {
            _ = try TuningSearch(algorithm: algorithm, store: store, maxTrials: nil, parallel: 1)
                .run(trial: { plan in if plan.id == 12 { throw Killed() }; return score(plan) }, finished: { _ in })
        }
        #expect(try store.load().count == 12 && store.load().last?.result == nil)
        let rerun = Tally()
        let resumed = try TuningSearch(algorithm: algorithm, store: store, maxTrials: nil, parallel: 1)
            .run(trial: { plan in rerun.record(plan.id); return score(plan) }, finished: { _ in })
        #expect(rerun.ids.first == 12 && rerun.ids.count == whole.count - 11)
        #expect(resumed == whole)
        #expect(TuningStore.table(resumed, space: space, objective: "val_accuracy") == TuningStore.table(whole, space: space, objective: "val_accuracy"))
    }

    @Test("parallel trials run at once and the table still lists each trial once")
    func parallelTrials() throws {
        let space = try Self.space("units: {int: [32, 512], step: 32}\n")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("percept-tune-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tally = Tally()
        let records = try TuningSearch(algorithm: RandomSearch(space: space, epochs: 1, seed: 0), store: try TuningStore(folder: folder), maxTrials: 6, parallel: 3)
            .run(trial: { plan in
                tally.start()
                usleep(50_000)
                tally.end()
                return TrialResult(status: .completed, objective: 1, seconds: 0)
            }, finished: { _ in })
        #expect(records.count == 6 && Set(records.map(\.plan.id)) == Set(1...6) && records.allSatisfy { $0.result != nil })
        #expect(tally.most >= 2)
    }
}

/// Counts trials across worker threads: the ids run, and the most running at once.
private final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var ids: [Int] = []
    private(set) var most = 0
    private var active = 0

    func record(_ id: Int) { lock.withLock { ids.append(id) } }
    func start() { lock.withLock { active += 1; most = max(most, active) } }
    func end() { lock.withLock { active -= 1 } }
}
