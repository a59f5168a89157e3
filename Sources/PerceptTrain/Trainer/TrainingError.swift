/// Why a run stopped or could not start, each naming what to look at.
public enum TrainingError: Error, CustomStringConvertible, Equatable {
    /// The loss of a step was NaN or infinite.
    case nonFiniteLoss(step: Int, epoch: Int, value: Float)
    /// A gradient held NaN or infinity after the backward pass; `parameter` is the first such.
    case nonFiniteGradient(step: Int, epoch: Int, parameter: String)
    /// The training data yields no batch.
    case emptyDataset(what: String)
    /// A checkpoint does not belong to this run.
    case checkpointMismatch(file: String, message: String)

    public var description: String {
        switch self {
        case let .nonFiniteLoss(step, epoch, value):
            "error: the loss became \(value) at step \(step) (epoch \(epoch)); training stopped, weights/last.safetensors is the last good checkpoint (try a lower --lr)"
        case let .nonFiniteGradient(step, epoch, parameter):
            "error: the gradient of \(parameter) became NaN or infinite at step \(step) (epoch \(epoch)); training stopped, weights/last.safetensors is the last good checkpoint (try a lower --lr or gradient clipping)"
        case let .emptyDataset(what):
            "error: the \(what) data holds no example"
        case let .checkpointMismatch(file, message):
            "\(file): error: \(message)"
        }
    }
}
