import Testing

/// The PerceptTrain tests, one at a time: the trainer tests seed the engine's shared random
/// generator and set its thread count, which concurrent tests would disturb.
@Suite(.serialized) enum PerceptTrainTests {}
