import Hummingbird
import PerceptLabels

/// JSON answers, never cached.
public enum JSONResponse {
    /// `value` as compact UTF-8 JSON with `status`.
    public static func make(_ value: JSONValue, status: Int = 200) -> Response {
        Response(status: HTTPResponse.Status(code: status),
                 headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(value, pretty: false))))
    }
}
