import Foundation

/// One field at fault in a problem: where (a JSON Pointer into the request body) and what.
public struct FieldProblem: Sendable, Hashable, Codable {
    /// `field`: a JSON Pointer into the request body (`/batch/3/properties/product_id`), or a query
    /// parameter's name.
    public var field: String
    /// `message`: what is wrong with it, in words.
    public var message: String

    /// A field problem.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// An RFC 9457 `application/problem+json` document, as the server sends it with every error.
public struct Problem: Sendable, Hashable, Codable {
    /// `type`: a URI naming the kind of problem (`about:blank` for plain HTTP statuses).
    public var type: String?
    /// `title`: the short summary of the status (`Unprocessable Content`).
    public var title: String?
    /// `status`: the HTTP status code.
    public var status: Int?
    /// `detail`: what went wrong with this request, in words.
    public var detail: String?
    /// `errors`: the fields at fault; empty when the server named none.
    public var errors: [FieldProblem]

    /// A problem document.
    public init(type: String? = nil, title: String? = nil, status: Int? = nil, detail: String? = nil, errors: [FieldProblem] = []) {
        self.type = type
        self.title = title
        self.status = status
        self.detail = detail
        self.errors = errors
    }

    /// Decodes a problem document; a missing `errors` is an empty list.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        title = try container.decodeIfPresent(String.self, forKey: .title)
        status = try container.decodeIfPresent(Int.self, forKey: .status)
        detail = try container.decodeIfPresent(String.self, forKey: .detail)
        errors = try container.decodeIfPresent([FieldProblem].self, forKey: .errors) ?? []
    }
}

/// What can go wrong when talking to Barista.
///
/// ```swift
/// do {
///     let recs = try await client.recommendations(.init(strategy: .similar))
/// } catch let error as BaristaClientError {
///     print(error.status ?? 0, error.problem?.errors.map(\.field) ?? [])
/// }
/// ```
public enum BaristaClientError: Error, Sendable {
    /// The server answered with an error status (4xx or 5xx). `problem` holds its problem+json
    /// body when it sent one; `retryAfter` the seconds of a `Retry-After` header (429, 503).
    case http(status: Int, problem: Problem?, retryAfter: TimeInterval?)
    /// The request never got an answer: no connection, a timeout, a TLS failure.
    case transport(underlying: any Error)
    /// The server answered 2xx with a body this client could not read.
    case decoding(underlying: any Error)
    /// The client refused the call before sending anything (for example an event without a user).
    case invalidRequest(String)

    /// The HTTP status, for ``http(status:problem:retryAfter:)``.
    public var status: Int? {
        if case .http(let status, _, _) = self { status } else { nil }
    }

    /// The server's problem document, for ``http(status:problem:retryAfter:)`` when it sent one.
    public var problem: Problem? {
        if case .http(_, let problem, _) = self { problem } else { nil }
    }

    /// Whether trying again later may succeed: transport errors, 408, 429 and 5xx.
    public var isTransient: Bool {
        switch self {
        case .transport: true
        case .http(let status, _, _): status == 408 || status == 429 || status >= 500
        case .decoding, .invalidRequest: false
        }
    }
}

extension BaristaClientError: LocalizedError {
    /// The problem's detail when the server sent one, otherwise a description of the failure.
    public var errorDescription: String? {
        switch self {
        case .http(let status, let problem, _):
            let fields = problem?.errors.map { "\($0.field) \($0.message)" }.joined(separator: "; ") ?? ""
            return "HTTP \(status): \(problem?.detail ?? problem?.title ?? "no details")" + (fields.isEmpty ? "" : " (\(fields))")
        case .transport(let error): return "Barista could not be reached: \(error.localizedDescription)"
        case .decoding(let error): return "Barista's answer could not be read: \(error)"
        case .invalidRequest(let reason): return reason
        }
    }
}
