import ArgumentParser
import Foundation
import Percept

/// `percept demo`: the main job on the bundled data, for a first look at Percept.
/// For now: a small classifier trained on the tensor engine, printing its loss as it falls.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the main job on the bundled Fixtures/ data (Tools/demo calls this)."
    )

    @Option(help: "The Fixtures folder of a Percept checkout.")
    var fixtures: String = "Fixtures"

    @Option(help: "Training epochs.")
    var epochs: Int = 200

    @Option(help: "Random seed for the initial weights.")
    var seed: UInt64 = 1

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs must be at least 1") }
    }

    func run() throws {
        try BLAS.load()
        let path = URL(fileURLWithPath: fixtures).appendingPathComponent("demo/moons.csv").path
        let data = try LabelledPoints(csvFile: path)
        print("percept \(PerceptVersion.string) demo: a 2-32-32-2 network learns \(data.count) points of two moons (\(path))")
        print("OpenBLAS core \(BLAS.coreName), \(BLAS.threads) threads")
        var model = MoonsClassifier(seed: seed)
        for epoch in 1...epochs {
            let loss = try model.trainStep(data.features, labels: data.oneHotLabels, learningRate: 0.5)
            if epoch == 1 || epoch % (max(epochs / 10, 1)) == 0 {
                print(String(format: "epoch %4d  loss %.4f", epoch, loss))
            }
        }
        let accuracy = try model.accuracy(data.features, labels: data.labels)
        print(String(format: "training accuracy %.1f%%", accuracy * 100))
    }
}
