import Foundation
import PerceptImage

/// Image folders as classification data: ImageNet's layout (`train/<class>/*`, `val/<class>/*`)
/// or one folder of class folders split into training and validation (stratified, seeded).
/// Class names are the folder names, sorted, as torchvision's `ImageFolder` has them. Every file's
/// header is read up front, so unreadable files, empty classes and mixed channels are found
/// before training starts.
public enum ImageFolder {
    /// Reads `root` (see the type's description).
    public static func load(_ root: URL, options: ClassificationDataOptions = ClassificationDataOptions()) throws -> ClassificationData {
        let trainFolder = root.appendingPathComponent("train")
        let validationFolder = ["val", "validation"].map { root.appendingPathComponent($0) }.first(where: isFolder)
        var warnings: [DataWarning] = []
        if isFolder(trainFolder), let validationFolder {
            let train = try scan(trainFolder, classNames: nil, options: options, warnings: &warnings)
            let validation = try scan(validationFolder, classNames: train.classNames, options: options, warnings: &warnings)
            let all = train.images + validation.images
            let (channels, size) = try settle(all, folder: root, options: options, warnings: &warnings)
            return ClassificationData(train: try dataset(train, channels: channels, size: size),
                                      validation: try dataset(validation, channels: channels, size: size),
                                      inputShape: [channels, size.height, size.width], warnings: warnings)
        }
        guard (0.0..<1.0).contains(options.validationFraction), options.validationFraction > 0 else {
            throw DataError.invalidArgument("the validation split must be between 0 and 1, got \(options.validationFraction)")
        }
        let scanned = try scan(root, classNames: nil, options: options, warnings: &warnings)
        let (channels, size) = try settle(scanned.images, folder: root, options: options, warnings: &warnings)
        let whole = try dataset(scanned, channels: channels, size: size)
        let parts = try StratifiedSplit.indices(labels: whole.labels, fractions: [1 - options.validationFraction, options.validationFraction],
                                                seed: options.seed)
        return ClassificationData(train: try whole.selecting(parts[0]), validation: try whole.selecting(parts[1]),
                                  inputShape: [channels, size.height, size.width], warnings: warnings)
    }

    /// One readable image: its file, class and header.
    struct ScannedImage {
        let file: String
        let label: Int
        let info: ImageInfo
    }

    /// The images of a folder of class folders.
    struct ScannedFolder {
        let classNames: [String]
        let images: [ScannedImage]
    }

    /// Reads the class folders of `folder` and every image's header. With `classNames` (a
    /// validation folder) the classes must be among them.
    static func scan(_ folder: URL, classNames known: [String]?, options: ClassificationDataOptions,
                     warnings: inout [DataWarning]) throws -> ScannedFolder {
        let classFolders = try entries(of: folder).filter(isFolder)
        guard !classFolders.isEmpty else {
            throw DataError.unreadable(file: folder.path, reason: "no class folders (expected <class>/<image> or train/ and val/)")
        }
        let names = classFolders.map(\.lastPathComponent)
        let classNames = known ?? names
        if known == nil, names.count == 1 { throw DataError.singleClass(file: folder.path, className: names[0]) }
        var images: [ScannedImage] = []
        for classFolder in classFolders {
            guard let label = classNames.firstIndex(of: classFolder.lastPathComponent) else {
                throw DataError.malformed(file: classFolder.path, place: "class folder",
                                          detail: "class '\(classFolder.lastPathComponent)' is not among the training classes")
            }
            let files = try entries(of: classFolder).filter { ImageFormat(fileExtension: $0.pathExtension) != nil && !isFolder($0) }
            var found = 0
            for file in files {
                do {
                    images.append(ScannedImage(file: file.path, label: label, info: try ImageInfo(contentsOf: file)))
                    found += 1
                } catch let error as ImageError {
                    guard options.skipBad else { throw DataError.badImage(file: file.path, reason: error.message) }
                    warnings.append(.skipped(file: file.path, reason: error.message))
                }
            }
            if found == 0 { throw DataError.emptyClass(folder: classFolder.path, className: classFolder.lastPathComponent) }
        }
        return ScannedFolder(classNames: classNames, images: images)
    }

    /// The channel count (the majority, unless forced) and image size (forced, or the one all share).
    static func settle(_ images: [ScannedImage], folder: URL, options: ClassificationDataOptions,
                       warnings: inout [DataWarning]) throws -> (channels: Int, size: ImageSize) {
        let gray = images.filter { $0.info.channels <= 2 }.count, color = images.count - gray
        let channels = options.channels ?? (color >= gray ? 3 : 1)
        if options.channels == nil, gray > 0, color > 0 {
            warnings.append(.mixedChannels(folder: folder.path, gray: gray, color: color, channels: channels))
        }
        if let size = options.imageSize { return (channels, size) }
        guard let first = images.first else { throw DataError.unreadable(file: folder.path, reason: "no images") }
        let size = first.info.displayedSize
        if let other = images.first(where: { $0.info.displayedSize != size }) {
            throw DataError.malformed(file: other.file, place: "size",
                                      detail: "is \(other.info.displayedSize) but \(first.file) is \(size); give an image size to resize them all")
        }
        return (channels, size)
    }

    static func dataset(_ scanned: ScannedFolder, channels: Int, size: ImageSize) throws -> ImageFolderDataset {
        try ImageFolderDataset(files: scanned.images.map(\.file), labels: scanned.images.map(\.label),
                               classNames: scanned.classNames, channels: channels, imageSize: size)
    }

    /// The visible entries of `folder`, sorted by name.
    static func entries(of folder: URL) throws -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw DataError.unreadable(file: folder.path, reason: error.localizedDescription)
        }
        return names.filter { !$0.hasPrefix(".") }.sorted().map { folder.appendingPathComponent($0) }
    }

    static func isFolder(_ url: URL) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &folder) && folder.boolValue
    }
}
