import Foundation

/// MNIST-family datasets from IDX files: Fashion-MNIST from Debian's `dataset-fashion-mnist`
/// (`--data fashion-mnist`) or any folder with the four standard files, gzip-compressed or not.
public enum MNISTFiles {
    /// Where Debian's `dataset-fashion-mnist` puts the files.
    public static let debianFashionMNIST = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist")

    /// Fashion-MNIST's ten classes, in label order.
    public static let fashionClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// The training split (`train-*`, 60,000 images for Fashion-MNIST) and the test split
    /// (`t10k-*`, 10,000), which serves as validation, from `folder`.
    public static func load(folder: URL = debianFashionMNIST, classNames: [String] = fashionClassNames) throws
        -> (train: ByteImageDataset, validation: ByteImageDataset) {
        (try split("train", folder: folder, classNames: classNames), try split("t10k", folder: folder, classNames: classNames))
    }

    /// One split: `<prefix>-images-idx3-ubyte[.gz]` with `<prefix>-labels-idx1-ubyte[.gz]`.
    public static func split(_ prefix: String, folder: URL, classNames: [String]) throws -> ByteImageDataset {
        let imagesURL = try find("\(prefix)-images-idx3-ubyte", in: folder)
        let labelsURL = try find("\(prefix)-labels-idx1-ubyte", in: folder)
        let images = try IDXFile(contentsOf: imagesURL), labels = try IDXFile(contentsOf: labelsURL)
        guard images.dimensions.count == 3 else {
            throw DataError.malformed(file: imagesURL.path, place: "header", detail: "expected [count, height, width], found \(images.dimensions)")
        }
        guard labels.dimensions == [images.dimensions[0]] else {
            throw DataError.malformed(file: labelsURL.path, place: "header",
                                      detail: "\(labels.dimensions) labels for \(images.dimensions[0]) images")
        }
        return try ByteImageDataset(pixels: images.bytes, labels: labels.bytes.map(Int.init), classNames: classNames,
                                    imageShape: [1, images.dimensions[1], images.dimensions[2]], file: imagesURL.path)
    }

    /// `name.gz` or `name` in `folder`.
    private static func find(_ name: String, in folder: URL) throws -> URL {
        for candidate in [name + ".gz", name] {
            let url = folder.appendingPathComponent(candidate)
            if FileManager.default.fileExists(atPath: url.path) { return url }
        }
        throw DataError.unreadable(file: folder.appendingPathComponent(name).path,
                                   reason: "no such file (nor \(name).gz); for Fashion-MNIST install Debian's dataset-fashion-mnist")
    }
}
