import Hummingbird

/// An error that knows the HTTP status it answers with; ``JSONErrorMiddleware`` answers it.
public protocol HTTPStatusError: Error, CustomStringConvertible {
    /// The HTTP status code for the error.
    var httpStatus: Int { get }
    /// Headers the answer carries besides the JSON ones (`Allow` with a 405); none by default.
    var httpHeaders: HTTPFields { get }
}

extension HTTPStatusError {
    /// No extra headers.
    public var httpHeaders: HTTPFields { [:] }
}

/// Answers every error as JSON `{"error": …}` with its status: a `Failure`'s own, Hummingbird's
/// for its HTTP errors (an unknown route), 500 for anything else; so a client never gets an
/// empty or HTML answer.
public struct JSONErrorMiddleware<Context: RequestContext, Failure: HTTPStatusError>: RouterMiddleware {
    /// A middleware answering `Failure`s with their status.
    public init(_ failure: Failure.Type) {}

    /// Runs the rest of the chain and turns what it throws into a JSON answer.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as Failure {
            var response = JSONResponse.make(.object([("error", .string(error.description))]), status: error.httpStatus)
            for field in error.httpHeaders { response.headers.append(field) }
            return response
        } catch let error as HTTPResponseError {
            return JSONResponse.make(.object([("error", .string("HTTP \(error.status.code) \(error.status.reasonPhrase)"))]), status: error.status.code)
        } catch {
            return JSONResponse.make(.object([("error", .string("\(error)"))]), status: 500)
        }
    }
}
