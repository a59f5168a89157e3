import PerceptLabels

/// A model behind the server: it turns an upload into a model input (decoding, checking,
/// preprocessing) and runs a batch of inputs through the engine as one, giving one JSON answer
/// per input. Both run on the model's batching thread, never concurrently.
public protocol ServedModel: AnyObject {
    /// An upload ready for the model, with its per-request options.
    associatedtype Input

    /// What `GET /v1/models` lists: name, task, classes, input size.
    var summary: JSONValue { get }
    /// The media types (`image/*` style allowed) a raw predict body may have; multipart is always accepted.
    var acceptedMediaTypes: [String] { get }

    /// The upload as a model input; a file the model cannot read throws ``ServeError``.
    func prepare(_ upload: Upload) throws -> Input
    /// The answers for `inputs`, in order, from as few forward passes as their shapes allow.
    func run(_ inputs: [Input]) throws -> [JSONValue]
}

extension ServedModel {
    /// Whether a raw body of `contentType` is accepted (multipart always is).
    func accepts(_ contentType: String) -> Bool {
        let essence = MediaType.essence(contentType)
        if essence == "multipart/form-data" { return true }
        return acceptedMediaTypes.contains { accepted in
            accepted.hasSuffix("/*") ? essence.hasPrefix(String(accepted.dropLast())) : essence == accepted
        }
    }
}
