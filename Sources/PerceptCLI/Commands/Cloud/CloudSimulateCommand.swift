import ArgumentParser
import Foundation
import Percept

/// `percept cloud simulate OUT`: a seeded LiDAR drive written in SemanticKITTI's layout.
struct CloudSimulateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Simulate a spinning LiDAR driving along a street; writes sequences/NN/velodyne/*.bin and labels/*.label.",
        discussion: "Semantic ids follow SemanticKITTI: road 40, building 50, car 10, person 30, pole 80, vegetation 70, terrain 72."
    )

    @Argument(help: "The output folder (must not exist or be empty; --force replaces one Percept wrote).")
    var output: String

    @Option(help: "Number of frames (the sensor moves 1 m per frame).")
    var frames: Int = 1

    @Option(help: "Seed for the scene, the noise and the dropout; the same seed writes the same bytes.")
    var seed: UInt64 = 0

    @Option(help: "Number of beams.")
    var beams: Int = 64

    @Option(help: "Firings per beam per turn.")
    var steps: Int = 2048

    @Option(help: "Range noise (standard deviation) in metres.")
    var noise: Float = 0.01

    @Option(help: "Probability that a return is lost.")
    var dropout: Float = 0

    @Option(help: "The sequence number, as in sequences/NN.")
    var sequence: Int = 0

    @Flag(help: "Replace an output folder Percept wrote.")
    var force = false

    @Flag(help: "Print one JSON object per frame.")
    var json = false

    func run() throws {
        guard frames >= 1 else { throw CloudCLI.usage("--frames must be at least 1, found \(frames)") }
        guard (0...99).contains(sequence) else { throw CloudCLI.usage("--sequence must be between 0 and 99, found \(sequence)") }
        let sensor = LidarSensor(beams: beams, horizontalSteps: steps, rangeNoise: noise, dropout: dropout)
        do {
            try sensor.validate()
        } catch {
            throw CloudCLI.usage("\(error)")
        }
        let folder = try OutputFolderCLI.check(output, argument: "OUT", protecting: [], force: force)
        try OutputFolderCLI.write(folder, command: "percept cloud simulate") { staging in
            try CloudCLI.forEach([output]) { _, _ in
                try simulate(sensor, into: staging.path, shownAs: folder.location.path)
            }
        }
    }

    private func simulate(_ sensor: LidarSensor, into root: String, shownAs shownRoot: String) throws {
        let counts = try SemanticKITTIWriter.simulate(root: root, sequence: sequence, frames: frames, seed: seed, sensor: sensor)
        for (frame, count) in counts.enumerated() {
            let path = SemanticKITTIWriter.paths(root: shownRoot, sequence: sequence, frame: frame).scan
            if json { CloudCLI.printJSON(["frame": frame, "points": count, "scan": path]) } else { print("\(path): \(count) points") }
        }
    }
}
