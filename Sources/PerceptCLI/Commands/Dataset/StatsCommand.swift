import ArgumentParser
import Foundation
import Percept

/// `percept stats IN`: counts per class and split, and box size and aspect histograms.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Count images and boxes per class and split, with box-size and aspect-ratio histograms (--plots writes them as PNG).",
        discussion: "Box size is the square root of the box area in pixels (COCO calls boxes under 32 small and over 96 large)."
    )

    @Argument(help: "The dataset folder.")
    var input: String

    @Option(help: "The format of IN: auto, \(DatasetCLI.formatNames).")
    var from: String = "auto"

    @Option(help: "A folder to write box-sizes.png, aspect-ratios.png and boxes-per-class.png into.")
    var plots: String?

    @Flag(help: "Replace a non-empty plots folder that Percept wrote.")
    var force = false

    @Flag(help: "Print the statistics as JSON on standard output.")
    var json = false

    func validate() throws {
        _ = try DatasetCLI.format(from, option: "--from")
    }

    func run() throws {
        let inputFolder = try DatasetCLI.inputFolder(input)
        let plotFolder = try plots.map {
            try OutputFolderCLI.check($0, argument: "--plots", protecting: [OutputFolder.Protected(inputFolder, role: "input folder")], force: force)
        }
        let (dataset, format, problems) = try DatasetCLI.load(inputFolder, format: try DatasetCLI.format(from, option: "--from"))
        let statistics = DatasetStatistics(dataset)
        DatasetCLI.report(problems)
        if json {
            DatasetCLI.printJSON(.object([("format", .string(format.rawValue)), ("statistics", statistics.json),
                                          ("problems", DatasetCLI.json(problems))]))
        } else {
            printTable(statistics, format: format)
        }
        if let plotFolder {
            let charts = [
                ("boxes-per-class.png", BarChart(title: "boxes per class", bars: statistics.classes.map { ($0.name, $0.annotations) })),
                ("box-sizes.png", BarChart(title: "box size (sqrt of area, px)", bars: Array(zip(statistics.boxSizes.labels, statistics.boxSizes.counts)))),
                ("aspect-ratios.png", BarChart(title: "aspect ratio (width / height)", bars: Array(zip(statistics.aspectRatios.labels, statistics.aspectRatios.counts)))),
            ]
            try OutputFolderCLI.write(plotFolder, command: "percept stats") { folder in
                for (name, chart) in charts {
                    let file = folder.appendingPathComponent(name)
                    do {
                        try chart.render().write(to: file, format: .png)
                    } catch {
                        DatasetCLI.printLine("\(plotFolder.location.appendingPathComponent(name).path): error: \(error)")
                        throw ExitCode(1)
                    }
                }
            }
            DatasetCLI.printLine("wrote \(charts.map(\.0).joined(separator: ", ")) into \(plotFolder.location.path)")
        }
        try DatasetCLI.exit(for: problems)
    }

    private func printTable(_ statistics: DatasetStatistics, format: DatasetFormat) {
        print("format \(format.rawValue): \(statistics.imageCount) image(s), \(statistics.annotationCount) annotation(s), \(statistics.backgroundImageCount) without labels")
        if !statistics.imagesPerSplit.isEmpty {
            print("splits: " + statistics.imagesPerSplit.map { "\($0.split) \($0.images)" }.joined(separator: ", "))
        }
        let nameWidth = max(5, statistics.classes.map(\.name.count).max() ?? 0)
        print("class".padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "     id  annotations  images")
        for count in statistics.classes {
            print(count.name.padding(toLength: nameWidth, withPad: " ", startingAt: 0)
                + String(format: " %6d  %11d  %6d", count.id, count.annotations, count.images))
        }
        for (title, histogram) in [("box size (sqrt of area, px)", statistics.boxSizes), ("aspect ratio (w/h)", statistics.aspectRatios)] {
            print(title + ":")
            let largest = max(histogram.counts.max() ?? 1, 1)
            for (label, count) in zip(histogram.labels, histogram.counts) {
                let bar = String(repeating: "#", count: Int((Double(count) / Double(largest) * 40).rounded()))
                print("  " + label.padding(toLength: 10, withPad: " ", startingAt: 0) + String(format: " %7d ", count) + bar)
            }
        }
    }
}
