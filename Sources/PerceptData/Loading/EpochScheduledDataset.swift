/// A dataset whose examples change with the epoch, such as YOLO training data that stops
/// making mosaics for the last epochs: the trainer calls ``startEpoch(_:of:)`` before it asks
/// for an epoch's batches, also when a resumed run starts mid-epoch.
public protocol EpochScheduledDataset: Dataset {
    /// Prepares epoch `epoch` (0-based) of a run of `epochs`.
    func startEpoch(_ epoch: Int, of epochs: Int)
}
