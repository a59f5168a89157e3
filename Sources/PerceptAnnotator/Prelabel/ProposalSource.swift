import Foundation
import PerceptImage

/// A box a detector proposes for an image, in the image's displayed pixels.
public struct Proposal: Equatable, Sendable {
    /// The box, `minX, minY, maxX, maxY` in pixels.
    public var box: BoundingBox
    /// The detector's confidence in `0...1`.
    public var score: Double
    /// The class name; it joins the store's class list by name (a name not yet there is added).
    public var className: String

    /// A proposal with the given parts.
    public init(box: BoundingBox, score: Double, className: String) {
        self.box = box
        self.score = score
        self.className = className
    }
}

/// Whatever proposes boxes for the annotator (a detector the CLI connects); the annotator knows
/// nothing of models. Calls come from one thread at a time.
///
/// ```swift
/// struct Fixed: ProposalSource {
///     func proposals(forImageAt url: URL, width: Int, height: Int) throws -> [Proposal] { [] }
/// }
/// ```
public protocol ProposalSource: Sendable {
    /// The proposals for the image file at `url`, whose displayed size is `width`×`height`;
    /// throws when the image cannot be read or the detector fails.
    func proposals(forImageAt url: URL, width: Int, height: Int) throws -> [Proposal]
}
