import ArgumentParser
import Foundation
import Percept

/// `percept demo`: the main job on the bundled data, for a first look at Percept.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the main job on the bundled Fixtures/ data (Tools/demo calls this)."
    )

    @Option(help: "The Fixtures folder of a Percept checkout.")
    var fixtures: String = "Fixtures"

    func run() throws {
        try BLAS.load()
        print("percept \(PerceptVersion.string): OpenBLAS core \(BLAS.coreName)")
    }
}
