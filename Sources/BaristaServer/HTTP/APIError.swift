import BaristaCore
import Hummingbird

/// An HTTP error with an RFC 9457 problem+json body.
public struct APIError: Error, Sendable {
    /// The response status, also the body's `status`.
    public var status: HTTPResponse.Status
    /// `title`: the same short summary for every problem of this kind (`Unprocessable Content`).
    public var title: String
    /// `detail`: what went wrong with this request, in words.
    public var detail: String
    /// `errors`: the fields at fault, located by JSON Pointers; left out of the body when empty.
    public var errors: [FieldError]
    /// Extra response headers, such as `Retry-After` on a 429.
    public var headers: HTTPFields

    /// A problem with the given status and texts; no field errors or extra headers by default.
    public init(status: HTTPResponse.Status, title: String, detail: String, errors: [FieldError] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.title = title
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    /// The problem document.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "type": .string("about:blank"), "title": .string(title), "status": .number(Double(status.code)),
            "detail": .string(detail),
        ]
        if !errors.isEmpty {
            object["errors"] = .array(errors.map { ["field": .string($0.field), "message": .string($0.message)] })
        }
        return .object(object)
    }

    /// The HTTP form of a domain error: the one place where Core's errors become statuses.
    public init(_ error: BaristaError) {
        switch error {
        case .invalid(let errors):
            self.init(status: .unprocessableContent, title: "Unprocessable Content",
                detail: errors.count == 1 ? "\(errors[0].field.isEmpty ? "the body" : errors[0].field) \(errors[0].message)" : "\(errors.count) fields are invalid",
                errors: errors)
        case .malformed(let detail, let field):
            self.init(status: .badRequest, title: "Bad Request", detail: detail,
                errors: field.map { [FieldError(field: $0, message: detail)] } ?? [])
        case .notFound(let detail):
            self.init(status: .notFound, title: "Not Found", detail: detail)
        case .conflict(let detail):
            self.init(status: .conflict, title: "Conflict", detail: detail)
        case .tooLarge(let detail, let field):
            self.init(status: .contentTooLarge, title: "Content Too Large", detail: detail,
                errors: field.map { [FieldError(field: $0, message: detail)] } ?? [])
        case .unavailable(let detail):
            self.init(status: .serviceUnavailable, title: "Service Unavailable", detail: detail)
        case .storageFull(let detail):
            self.init(status: .insufficientStorage, title: "Insufficient Storage", detail: detail)
        }
    }
}

/// Turns every error into problem+json: domain errors by their meaning, Hummingbird's by their
/// status, anything else as a 500 that names no internals.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = BaristaRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return Self.response(error)
        } catch let error as BaristaError {
            return Self.response(APIError(error))
        } catch let error as any StorageFault where error.baristaError != nil {
            context.logger.error("storage failure", metadata: ["error": "\(error)"])
            return Self.response(APIError(error.baristaError!))
        } catch let error as ValidationErrors {
            return Self.response(APIError(.invalid(error.errors)))
        } catch let error as any HTTPResponseError {
            let status = error.status
            let detail: String
            switch status {
            case .notFound: detail = "no route matches \(request.method) \(request.uri.path)"
            case .contentTooLarge: detail = "the body is larger than the limit"
            case .methodNotAllowed: detail = "\(request.method) is not allowed on \(request.uri.path)"
            default: detail = status.reasonPhrase
            }
            return Self.response(APIError(status: status, title: status.reasonPhrase, detail: detail))
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            return Self.response(APIError(status: .internalServerError, title: "Internal Server Error", detail: "the server could not complete the request"))
        }
    }

    static func response(_ error: APIError) -> Response {
        var headers = error.headers
        headers[.contentType] = "application/problem+json"
        return Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSON.serialize(error.json))))
    }
}

extension HTTPResponse.Status {
    /// 507 Insufficient Storage (RFC 4918): the disk is full; retry once space is freed.
    static let insufficientStorage = HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage")
}

extension ValidationErrors {
    /// One entry of a batch answer's `rejected` list: `{"index","errors":[{"field","message"}]}`.
    func rejectedEntry(index: Int) -> JSONValue {
        ["index": .number(Double(index)), "errors": .array(errors.map { ["field": .string($0.field), "message": .string($0.message)] })]
    }
}
