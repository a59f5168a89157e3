import PerceptImage
import PerceptLabels

/// Decoding uploads and writing the small JSON pieces every answer shares.
enum UploadDecoding {
    /// The media types an image endpoint accepts as a raw body.
    static let imageMediaTypes = ["image/*", "application/octet-stream"]

    /// The upload decoded as an image within `limits`; anything the codecs refuse (not an
    /// image, truncated, too many pixels) throws ``ServeError/unreadableUpload(file:detail:)``.
    static func image(_ upload: Upload, limits: DecodeLimits) throws -> Image {
        guard !upload.bytes.isEmpty else { throw ServeError.invalid(place: "request body", detail: "empty; send the image as the body or a multipart file") }
        do {
            return try Image.decode(upload.bytes, file: upload.fileName, limits: limits)
        } catch let error as ImageError {
            throw ServeError.unreadableUpload(file: upload.fileName, detail: error.message)
        } catch {
            throw ServeError.unreadableUpload(file: upload.fileName, detail: "\(error)")
        }
    }

    /// `{"name", "task", "classes", "input"}` for `GET /v1/models`.
    static func summary(name: String, task: String, architecture: String, classes: [String], input: JSONValue) -> JSONValue {
        .object([("name", .string(name)), ("task", .string(task)), ("architecture", .string(architecture)),
                 ("classes", .array(classes.map { .string($0) })), ("input", input)])
    }

    /// A JSON number from a Float score, through Double as the predict commands print it.
    static func number(_ value: Float) -> JSONValue { .number(Double(value)) }
}
