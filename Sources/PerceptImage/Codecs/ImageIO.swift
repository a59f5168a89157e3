import Foundation

extension Image {
    /// Decodes an image from a file's bytes, choosing the codec from the content and applying
    /// the EXIF orientation, so coordinates refer to the image as displayed.
    /// `file` names the source in errors; damaged image data (a JPEG scan with bad codes or
    /// cut short by a marker) is an error, `ImageError.corrupt`.
    public static func decode(_ bytes: [UInt8], file: String = "<memory>", limits: DecodeLimits = .standard) throws -> Image {
        let (image, damage) = try decodeReportingDamage(bytes, file: file, limits: limits)
        if let damage { throw damage }
        return image
    }

    /// Decodes as `decode(_:file:limits:)` does, but returns the pixels of damaged image data
    /// with the damage described (the pixels the decoder could not recover are gray), for
    /// callers that let the user accept such files (`--lenient`).
    public static func decodeReportingDamage(_ bytes: [UInt8], file: String = "<memory>",
                                             limits: DecodeLimits = .standard) throws -> (image: Image, damage: ImageError?) {
        let codec = try ImageFormat.detect(bytes, file: file).codec
        let info = try codec.info(bytes, file: file)
        try limits.check(info, file: file)
        do {
            return (try codec.decode(bytes, info: info, file: file).applyingEXIFOrientation(info.exifOrientation), nil)
        } catch let damaged as DamagedPixels {
            guard let image = damaged.image else { throw damaged.damage }
            return (image.applyingEXIFOrientation(info.exifOrientation), damaged.damage)
        }
    }

    /// Reads and decodes the image at `url`.
    public init(contentsOf url: URL, limits: DecodeLimits = .standard) throws {
        self = try Image.decode(try readFileBytes(url), file: url.path, limits: limits)
    }

    /// Reads and decodes the image at `url` as `decodeReportingDamage(_:file:limits:)` does.
    public static func readReportingDamage(contentsOf url: URL, limits: DecodeLimits = .standard) throws -> (image: Image, damage: ImageError?) {
        try decodeReportingDamage(try readFileBytes(url), file: url.path, limits: limits)
    }

    /// The image encoded in `format`; `file` names the destination in errors.
    public func encoded(as format: ImageFormat, options: ImageWriteOptions = ImageWriteOptions(),
                        file: String = "<memory>") throws -> [UInt8] {
        try options.validate()
        return try format.codec.encode(self, options: options, file: file)
    }

    /// Writes the image to `url` atomically (a temporary file, then a rename). The format
    /// comes from `format` or else from the file extension.
    public func write(to url: URL, format: ImageFormat? = nil, options: ImageWriteOptions = ImageWriteOptions()) throws {
        guard let format = format ?? ImageFormat(fileExtension: url.pathExtension) else {
            throw ImageError.invalidArgument(
                "\(url.path): cannot tell the format from the extension '.\(url.pathExtension)'; expected one of \(ImageFormat.allCases.map(\.fileExtension).joined(separator: ", "))")
        }
        let bytes = try encoded(as: format, options: options, file: url.path)
        do {
            try Data(bytes).write(to: url, options: .atomic)
        } catch {
            throw ImageError.unreadable(file: url.path, reason: error.localizedDescription)
        }
    }
}

extension ImageInfo {
    /// The header of the image in `bytes`, read without decoding pixels.
    public static func read(_ bytes: [UInt8], file: String = "<memory>") throws -> ImageInfo {
        try ImageFormat.detect(bytes, file: file).codec.info(bytes, file: file)
    }

    /// The header of the image at `url`.
    public init(contentsOf url: URL) throws {
        self = try ImageInfo.read(try readFileBytes(url), file: url.path)
    }
}

/// A file's bytes, with a typed error naming the file when it cannot be read.
func readFileBytes(_ url: URL) throws -> [UInt8] {
    do {
        return [UInt8](try Data(contentsOf: url))
    } catch {
        throw ImageError.unreadable(file: url.path, reason: error.localizedDescription)
    }
}
