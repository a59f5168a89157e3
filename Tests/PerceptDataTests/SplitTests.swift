import Testing
@testable import PerceptData

@Suite("Stratified splits and k-fold")
struct SplitTests {
    /// 60 examples of class 0, 30 of class 1, 10 of class 2.
    let labels = (0..<100).map { $0 < 60 ? 0 : $0 < 90 ? 1 : 2 }

    @Test("train/validation/test keep every class's share, cover every example once and follow the seed")
    func threeWay() throws {
        let data = try numberedDataset(100, classes: 3) { labels[$0] }
        let split = try data.stratifiedSplit(validation: 0.2, test: 0.1, seed: 4)
        #expect(split.train.count == 70)
        #expect(split.validation.count == 20)
        #expect(split.test.count == 10)
        #expect(split.validation.classCounts == [12, 6, 2])
        #expect(split.test.classCounts == [6, 3, 1])
        let all = split.train.indices + split.validation.indices + split.test.indices
        #expect(all.sorted() == Array(0..<100))
        #expect(split.validation.indices == split.validation.indices.sorted())
        let again = try data.stratifiedSplit(validation: 0.2, test: 0.1, seed: 4)
        let other = try data.stratifiedSplit(validation: 0.2, test: 0.1, seed: 5)
        #expect(again.validation.indices == split.validation.indices)
        #expect(other.validation.indices != split.validation.indices)
        // A subset of a classification dataset is one: labels come through the indices.
        #expect(split.test.label(at: 9) == labels[split.test.indices[9]])
        #expect(try split.test.example(at: 0).input.toArray()[0] == Float(split.test.indices[0]))
    }

    @Test("rounding gives a small class its nearest share")
    func apportion() {
        #expect(StratifiedSplit.apportion(3, fractions: [0.8, 0.2]) == [2, 1])
        #expect(StratifiedSplit.apportion(10, fractions: [0.7, 0.2, 0.1]) == [7, 2, 1])
        #expect(StratifiedSplit.apportion(1, fractions: [0.8, 0.2]) == [1, 0])
        #expect(StratifiedSplit.apportion(0, fractions: [0.5, 0.5]) == [0, 0])
    }

    @Test("k-fold validates every example exactly once, each fold stratified")
    func kFold() throws {
        let data = try numberedDataset(100, classes: 3) { labels[$0] }
        let folds = try data.kFold(5, seed: 1)
        #expect(folds.count == 5)
        #expect(folds.flatMap(\.validation.indices).sorted() == Array(0..<100))
        for fold in folds {
            #expect(fold.validation.count == 20)
            #expect(fold.validation.classCounts == [12, 6, 2])
            #expect(Set(fold.train.indices).isDisjoint(with: fold.validation.indices))
            #expect(fold.train.count == 80)
        }
    }

    @Test("bad fractions and fold counts are typed errors")
    func badArguments() throws {
        let data = try numberedDataset(10)
        #expect(throws: DataError.self) { try data.stratifiedSplit(validation: 0.7, test: 0.5, seed: 0) }
        #expect(throws: DataError.self) { try data.stratifiedSplit(validation: -0.1, seed: 0) }
        #expect(throws: DataError.self) { try data.kFold(1, seed: 0) }
        #expect(throws: DataError.self) { try data.kFold(11, seed: 0) }
        #expect(throws: DataError.self) { try Subset(data, [0, 10]) }
    }
}
