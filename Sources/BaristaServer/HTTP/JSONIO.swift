import BaristaCore
import Foundation
import Hummingbird

/// Reading JSON bodies and writing JSON responses with Barista's own codec, so that every
/// problem is located precisely and big batches stay cheap.
enum JSONIO {
    /// A JSON response.
    static func response(_ value: JSONValue, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: JSON.serialize(value))))
    }

    /// A response whose body is JSON text already written (parts of it cached as text).
    static func response(json bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The request body parsed as JSON: 413 past the limit, 400 when it is not JSON.
    static func body(_ request: Request, limits: Limits) async throws -> JSONValue {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limits.maxBodyBytes)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw BaristaError.tooLarge("the body is larger than \(limits.maxBodyBytes) bytes")
        }
        guard buffer.readableBytes > 0 else { throw BaristaError.malformed("the body is empty; send a JSON object") }
        do {
            return try buffer.withUnsafeReadableBytes { bytes in try JSON.parse(bytes, maxDepth: limits.maxDepth) }
        } catch let error as JSONParseError {
            throw BaristaError.malformed("the body is not valid JSON: \(error.message) (byte \(error.offset))")
        }
    }

    /// A path parameter, percent-decoded.
    static func parameter(_ name: String, _ context: BaristaRequestContext) throws -> String {
        guard let raw = context.parameters.get(name) else { throw BaristaError.notFound("missing \(name)") }
        let decoded = raw.removingPercentEncoding ?? raw
        guard !decoded.isEmpty, decoded.count <= 256 else { throw BaristaError.invalid("", "the id in the path must be 1 to 256 characters") }
        return decoded
    }

    /// `?limit=` (default 50, at most 1000) and `?cursor=`.
    static func paging(_ request: Request) throws -> (limit: Int, cursor: String?) {
        let query = request.uri.queryParameters
        var limit = 50
        if let text = query.get("limit") {
            guard let value = Int(text), (1...1000).contains(value) else {
                throw APIError(status: .unprocessableContent, title: "Unprocessable Content", detail: "limit must be a whole number from 1 to 1000",
                    errors: [FieldError(field: "limit", message: "must be a whole number from 1 to 1000")])
            }
            limit = value
        }
        let cursor = query.get("cursor").flatMap { $0.isEmpty ? nil : ($0.removingPercentEncoding ?? $0) }
        return (limit, cursor)
    }
}
