import ArgumentParser
import Foundation
import Percept

/// What a training command shows while it runs: a progress bar per epoch on standard error
/// (batch i/n, loss, samples/s, ETA; plain lines when it is not a terminal) and a one-line
/// summary per epoch on standard output (`--json`: one JSON object per epoch).
final class TrainingConsole: TrainingCallback {
    private let json: Bool
    private var reporter: ProgressReporter?
    private var reporterEpoch = 0

    /// A console; `json` prints epoch summaries as JSON lines.
    init(json: Bool) { self.json = json }

    func batchEnded(_ progress: BatchProgress) {
        if reporterEpoch != progress.epoch {
            reporter?.finish()
            reporter = ProgressReporter(label: "epoch \(progress.epoch)/\(progress.epochs)", unit: "batches")
            reporterEpoch = progress.epoch
        }
        let rate = progress.seconds > 0 ? Double(progress.examples) / progress.seconds : 0
        reporter?.update(completed: progress.batch, total: progress.batches,
                         detail: "loss " + String(format: "%.4f", progress.loss) + "  " + String(format: "%.0f", rate) + " samples/s")
    }

    func epochEnded(_ record: EpochRecord, trainer: Trainer) throws {
        reporter?.finish()
        reporter = nil
        reporterEpoch = 0
        if json {
            var object: [String: Any] = ["epoch": record.epoch, "train_loss": record.trainLoss, "lr": record.learningRate,
                                         "time_s": record.seconds, "training_s": record.trainingSeconds, "best": record.isBest, "data_wait_share": record.dataWaitShare]
            if let peak = ProcessMemory.peakResidentMegabytes() { object["peak_rss_mb"] = peak }
            if let loss = record.validationLoss { object["val_loss"] = loss }
            for (name, value) in record.validationMetrics { object["val_" + name] = value }
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
            print(String(decoding: data, as: UTF8.self))
        } else {
            var parts = ["epoch \(record.epoch)/\(trainer.settings.epochs)", "train_loss " + String(format: "%.4f", record.trainLoss)]
            if let loss = record.validationLoss { parts.append("val_loss " + String(format: "%.4f", loss)) }
            for name in trainer.task.metricNames {
                if let value = record.validationMetrics[name] { parts.append("val_\(name) " + String(format: "%.4f", value)) }
            }
            parts.append("lr " + String(format: "%.3g", record.learningRate))
            parts.append(String(format: "%.1fs", record.seconds) + (record.isBest ? "  (best)" : ""))
            print(parts.joined(separator: "  "))
        }
        fflush(stdout)
    }

    func trainingEnded(_ outcome: TrainingOutcome, trainer: Trainer) throws {
        reporter?.finish()
        reporter = nil
    }
}
extension TrainingConsole {
    /// Runs `trainer` (already resumed by the caller when `resuming`) into `run` as every `… train` command does:
    /// `resuming`, shows progress (`json`: JSON lines) and logs `results.csv`, announces `what` is
    /// trained, stops cleanly on Ctrl-C, exits 1 on a non-finite loss or gradient, and reports the outcome;
    /// `callbacks` run after the console's and the log's (sample pictures, …).
    static func train(_ trainer: Trainer, run: RunFolder, resuming: Bool, json: Bool, command: String, what: String,
                      callbacks: [any TrainingCallback] = []) throws {
        trainer.callbacks = [TrainingConsole(json: json), RunLog(folder: run, metricNames: trainer.task.metricNames)] + callbacks
        // In a data-parallel job rank 0 speaks for every rank.
        let speaks = DataParallel.current?.isLeader != false
        if speaks {
            ClassifyCLI.printError("\(resuming ? "resuming" : "training") \(what), into \(run.path)")
            let counts = trainer.model.parameterCounts
            ClassifyCLI.printError("parameters: \(ClassifyCLI.grouped(counts.total)) total, \(ClassifyCLI.grouped(counts.trainable)) trainable, \(ClassifyCLI.grouped(counts.frozen)) frozen")
        }
        let outcome = try trainer.runInterruptibly(run: run)
        if speaks { report(outcome, trainer: trainer, run: run, command: command) }
        // The shell's code for a run ended by Ctrl-C, so scripts can tell it from a finished run.
        if case .interrupted = outcome { throw ExitCode(interruptedStatus) }
    }

    /// The exit status of a run stopped by Ctrl-C after writing `last` (128 + SIGINT, as shells report).
    static let interruptedStatus: Int32 = 130

    /// Prints how a run ended on standard error: done, stopped early, or interrupted with the
    /// command that resumes it (`percept COMMAND train --resume RUN`).
    static func report(_ outcome: TrainingOutcome, trainer: Trainer, run: RunFolder, command: String) {
        let best = "best epoch \(trainer.progress.bestEpoch): " + (trainer.progress.bestEpoch > 0 ? String(format: "fitness %.4f", trainer.progress.bestFitness) : "none")
        switch outcome {
        case .completed:
            ClassifyCLI.printError("done: \(trainer.progress.epoch) epochs; \(best); weights in \(run.weightsFolder)")
        case .stoppedEarly(let bestEpoch):
            ClassifyCLI.printError("stopped early: no improvement for \(trainer.settings.patience ?? 0) epochs; best epoch \(bestEpoch); weights in \(run.weightsFolder)")
        case .interrupted(let step):
            ClassifyCLI.printError("\(run.lastWeights): warning: interrupted after step \(step); continue with: percept \(command) train --resume \(run.path)")
        }
    }
}
