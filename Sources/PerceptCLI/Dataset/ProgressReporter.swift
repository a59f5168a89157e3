import Foundation

/// Progress of a long job on standard error: a bar redrawn in place with the rate and the
/// time left when standard error is a terminal, and a plain line every few seconds otherwise
/// (logs and pipes get no carriage returns). Safe to call from any thread.
///
///     let progress = ProgressReporter(label: "augment", unit: "images")
///     progress.update(completed: 10, total: 200)
///     progress.finish()
final class ProgressReporter: @unchecked Sendable {
    private let label: String
    private let unit: String
    private let isTerminal: Bool
    private let lock = NSLock()
    private let start = Date()
    private var firstCompleted: Int?
    private var lastPrinted = Date.distantPast
    private var lastLine = ""

    /// A reporter for a job called `label` counting `unit`.
    init(label: String, unit: String) {
        self.label = label
        self.unit = unit
        isTerminal = isatty(STDERR_FILENO) == 1
    }

    /// Notes that `completed` of `total` items are done, and prints when it is time to;
    /// `detail` (a loss, a metric) is shown after the figures.
    func update(completed: Int, total: Int, detail: String = "") {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        // Items done before this run started (resumed work) do not count towards the rate.
        if firstCompleted == nil { firstCompleted = completed }
        let interval = isTerminal ? 0.1 : 5
        guard completed == total || now.timeIntervalSince(lastPrinted) >= interval else { return }
        lastPrinted = now
        let line = describe(completed: completed, total: total, elapsed: now.timeIntervalSince(start)) + (detail.isEmpty ? "" : "  " + detail)
        if isTerminal {
            FileHandle.standardError.write(Data(("\r" + line + "\u{1B}[K").utf8))
        } else if line != lastLine {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        lastLine = line
    }

    /// Ends the bar's line on a terminal.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if isTerminal, !lastLine.isEmpty { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func describe(completed: Int, total: Int, elapsed: TimeInterval) -> String {
        let fraction = total > 0 ? Double(completed) / Double(total) : 1
        let done = completed - (firstCompleted ?? 0)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - completed) / rate : nil
        let figures = "\(completed)/\(total) \(unit) (\(Int(fraction * 100))%)  " + String(format: "%.1f", rate)
            + " \(unit)/s  ETA \(remaining.map(ProgressReporter.clock) ?? "--:--")"
        guard isTerminal else { return "\(label): \(figures)" }
        let width = 30, filled = Int((fraction * Double(width)).rounded(.down))
        return "\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] " + figures
    }

    /// `m:ss` or `h:mm:ss`.
    static func clock(_ seconds: Double) -> String {
        let whole = Int(seconds.rounded())
        let hours = whole / 3600, minutes = whole / 60 % 60, rest = whole % 60
        return hours > 0 ? String(format: "%d:%02d:%02d", hours, minutes, rest) : String(format: "%d:%02d", minutes, rest)
    }
}
