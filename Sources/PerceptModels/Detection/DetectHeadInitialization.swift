import Foundation
import PerceptNN
import PerceptTensor

extension DetectHead {
    /// Ultralytics' `Detect.bias_init`, run when a detection model is built: every box logit
    /// starts at 2, and every class logit at log(5 / classes / (640 / stride)²), the prior of
    /// about five objects per 640-pixel image spread over the classes and the level's cells, so
    /// training from scratch does not begin by unlearning a 0.5 score at every anchor.
    public func initializeBiases(strides: [Int]) {
        for (level, stride) in strides.enumerated() where level < cv2.count {
            let cells = 640 / Double(stride)
            let classPrior = Float(log(5 / Double(classes) / (cells * cells)))
            if let box = cv2[level].layers.last as? Conv2d, let bias = box.bias { bias.assign(Tensor.full(bias.value.shape, 2)) }
            if let score = cv3[level].layers.last as? Conv2d, let bias = score.bias { bias.assign(Tensor.full(bias.value.shape, classPrior)) }
        }
    }
}
