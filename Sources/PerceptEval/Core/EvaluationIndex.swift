/// The objects of an evaluation grouped into cells, one per (category, image) pair, as
/// pycocotools' `_gts[imgId, catId]` and `_dts[imgId, catId]`: images and categories in
/// ascending id order, objects within a cell in file order.
struct EvaluationIndex {
    /// Evaluated image ids, ascending.
    let imageIDs: [Int]
    /// Evaluated category ids, ascending.
    let categoryIDs: [Int]
    private let truthOffsets: [Int], truthIndices: [Int]
    private let detectionOffsets: [Int], detectionIndices: [Int]

    init(imageIDs: [Int], categoryIDs: [Int], truths: [COCOGroundTruthObject], detections: [COCODetection]) {
        self.imageIDs = Array(Set(imageIDs)).sorted()
        self.categoryIDs = Array(Set(categoryIDs)).sorted()
        let imagePositions = Dictionary(uniqueKeysWithValues: self.imageIDs.enumerated().map { ($1, $0) })
        let categoryPositions = Dictionary(uniqueKeysWithValues: self.categoryIDs.enumerated().map { ($1, $0) })
        let imageCount = self.imageIDs.count, cellCount = self.categoryIDs.count * imageCount
        func cell(imageID: Int, categoryID: Int) -> Int? {
            guard let image = imagePositions[imageID], let category = categoryPositions[categoryID] else { return nil }
            return category * imageCount + image
        }
        (truthOffsets, truthIndices) = EvaluationIndex.group(truths.map { cell(imageID: $0.imageID, categoryID: $0.categoryID) }, cellCount: cellCount)
        (detectionOffsets, detectionIndices) = EvaluationIndex.group(detections.map { cell(imageID: $0.imageID, categoryID: $0.categoryID) }, cellCount: cellCount)
    }

    /// Number of cells: categories × images.
    var cellCount: Int { categoryIDs.count * imageIDs.count }

    /// The cell of category position `category` and image position `image`.
    func cell(category: Int, image: Int) -> Int { category * imageIDs.count + image }

    /// Positions (in the ground-truth list) of the objects in `cell`, in file order.
    func truths(in cell: Int) -> ArraySlice<Int> { truthIndices[truthOffsets[cell]..<truthOffsets[cell + 1]] }

    /// Positions (in the detection list) of the detections in `cell`, in file order.
    func detections(in cell: Int) -> ArraySlice<Int> { detectionIndices[detectionOffsets[cell]..<detectionOffsets[cell + 1]] }

    /// A counting sort of item positions by cell; items without a cell are left out.
    private static func group(_ cells: [Int?], cellCount: Int) -> (offsets: [Int], indices: [Int]) {
        var offsets = [Int](repeating: 0, count: cellCount + 1)
        for cell in cells { if let cell { offsets[cell + 1] += 1 } }
        for cell in 0..<cellCount { offsets[cell + 1] += offsets[cell] }
        var next = offsets, indices = [Int](repeating: 0, count: offsets[cellCount])
        for (position, cell) in cells.enumerated() {
            if let cell {
                indices[next[cell]] = position
                next[cell] += 1
            }
        }
        return (offsets, indices)
    }
}
