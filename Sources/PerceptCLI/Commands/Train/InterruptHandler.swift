import Dispatch
import Foundation
import Percept

/// Turns the first Ctrl-C (SIGINT) into a training stop request: the trainer finishes its step,
/// writes `last` and returns, so `--resume` continues. A second Ctrl-C ends the process at once.
final class InterruptHandler {
    private let source: DispatchSourceSignal
    private var count = 0

    /// Installs the handler for the life of this object.
    init(stopping flag: StopFlag) {
        signal(SIGINT, SIG_IGN)
        source = DispatchSource.makeSignalSource(signal: SIGINT, queue: DispatchQueue(label: "percept.interrupt"))
        source.setEventHandler { [unowned self] in
            self.count += 1
            if self.count > 1 { exit(130) }
            FileHandle.standardError.write(Data("\ninterrupted: finishing the current step and writing weights/last.safetensors (Ctrl-C again to quit now)\n".utf8))
            flag.request()
        }
        source.resume()
    }

    deinit {
        source.cancel()
        signal(SIGINT, SIG_DFL)
    }
}

extension Trainer {
    /// Runs the trainer with Ctrl-C turned into a stop request; a `TrainingError` is printed
    /// naming the run folder `run` and ends the process with exit code 1; other errors pass through.
    func runInterruptibly(run: RunFolder) throws -> TrainingOutcome {
        let handler = InterruptHandler(stopping: stopFlag)
        defer { withExtendedLifetime(handler) {} }
        do {
            return try self.run()
        } catch let error as TrainingError {
            ClassifyCLI.fail("\(run.path): \(error)")
        }
    }
}
