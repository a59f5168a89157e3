import Foundation

/// CIFAR-10 and CIFAR-100 in their python pickle form (`cifar-10-batches-py`, `cifar-100-python`):
/// dicts holding `data` (a uint8 array of N × 3072, each row an image in CHW order) and
/// `labels` / `fine_labels` / `coarse_labels`, read through the restricted unpickler.
public enum CIFARFiles {
    /// Which CIFAR, and for CIFAR-100 which labels.
    public enum Variant: Sendable, Equatable {
        /// Ten classes: `data_batch_*` to train, `test_batch` to validate, names in `batches.meta`.
        case cifar10
        /// 100 fine classes (or the 20 coarse ones): `train`, `test`, names in `meta`.
        case cifar100(coarse: Bool)
    }

    /// The training and test splits (the test split validates) of the dataset in `folder`,
    /// which is the unpacked folder or the one holding it.
    public static func load(folder: URL, variant: Variant) throws -> (train: ByteImageDataset, validation: ByteImageDataset) {
        let root = resolve(folder, variant: variant)
        switch variant {
        case .cifar10:
            let names = try classNames(root.appendingPathComponent("batches.meta"), key: "label_names")
            let batches = try trainingBatches(in: root)
            return (try read(batches, labelKey: "labels", classNames: names),
                    try read([root.appendingPathComponent("test_batch")], labelKey: "labels", classNames: names))
        case .cifar100(let coarse):
            let names = try classNames(root.appendingPathComponent("meta"), key: coarse ? "coarse_label_names" : "fine_label_names")
            let key = coarse ? "coarse_labels" : "fine_labels"
            return (try read([root.appendingPathComponent("train")], labelKey: key, classNames: names),
                    try read([root.appendingPathComponent("test")], labelKey: key, classNames: names))
        }
    }

    /// One or more batch files as one dataset.
    public static func read(_ files: [URL], labelKey: String, classNames: [String]) throws -> ByteImageDataset {
        var pixels: [UInt8] = [], labels: [Int] = []
        for file in files {
            let batch = try Unpickler().load(contentsOf: file)
            let (data, fileLabels) = try contents(of: batch, labelKey: labelKey, file: file.path)
            pixels += data
            labels += fileLabels
        }
        return try ByteImageDataset(pixels: pixels, labels: labels, classNames: classNames, imageShape: [3, 32, 32],
                                    file: files.first?.path ?? "<cifar>")
    }

    /// A batch's image bytes and labels, checked against CIFAR's structure.
    static func contents(of batch: PickleValue, labelKey: String, file: String) throws -> ([UInt8], [Int]) {
        guard case .dict = batch else {
            throw DataError.malformed(file: file, place: "top level", detail: "not a CIFAR batch: expected a dict, found \(batch.kindName)")
        }
        guard case .array(let data)? = batch["data"] else {
            throw DataError.malformed(file: file, place: "key 'data'", detail: "not a CIFAR batch: no numpy array under 'data'")
        }
        guard data.dtype.kind == .unsigned, data.dtype.itemSize == 1, data.shape.count == 2, data.shape[1] == 3072,
              !data.isFortranOrder else {
            throw DataError.malformed(file: file, place: "key 'data'",
                                      detail: "expected a C-order uint8 array of N × 3072, found \(data.dtype.name) \(data.shape)")
        }
        guard let labelValues = batch[labelKey]?.elements else {
            throw DataError.malformed(file: file, place: "key '\(labelKey)'", detail: "not a CIFAR batch: no list of labels")
        }
        let labels = labelValues.compactMap(\.integer)
        guard labels.count == labelValues.count, labels.count == data.shape[0] else {
            throw DataError.malformed(file: file, place: "key '\(labelKey)'",
                                      detail: "expected \(data.shape[0]) integer labels, found \(labelValues.count) values")
        }
        return (data.data, labels)
    }

    /// The class names stored under `key` in a meta file.
    static func classNames(_ url: URL, key: String) throws -> [String] {
        let meta = try Unpickler().load(contentsOf: url)
        guard let names = meta[key]?.elements?.compactMap(\.text), !names.isEmpty else {
            throw DataError.malformed(file: url.path, place: "key '\(key)'", detail: "not a CIFAR meta file: no list of class names")
        }
        return names
    }

    /// `data_batch_1`, `data_batch_2`, … in numeric order.
    static func trainingBatches(in root: URL) throws -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: root.path) } catch {
            throw DataError.unreadable(file: root.path, reason: error.localizedDescription)
        }
        let batches = names.compactMap { name -> (Int, String)? in
            guard name.hasPrefix("data_batch_"), let number = Int(name.dropFirst("data_batch_".count)) else { return nil }
            return (number, name)
        }.sorted { $0.0 < $1.0 }
        guard !batches.isEmpty else {
            throw DataError.unreadable(file: root.path, reason: "no data_batch_* files: not a cifar-10-batches-py folder")
        }
        return batches.map { root.appendingPathComponent($0.1) }
    }

    /// The folder itself, or its `cifar-10-batches-py` / `cifar-100-python` subfolder when it has one.
    private static func resolve(_ folder: URL, variant: Variant) -> URL {
        let inner = folder.appendingPathComponent(variant == .cifar10 ? "cifar-10-batches-py" : "cifar-100-python")
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: inner.path, isDirectory: &isFolder) && isFolder.boolValue ? inner : folder
    }
}
