import BaristaCore
import Foundation
import Hummingbird

/// Who may call a route.
public enum RouteAccess: String, Sendable {
    /// No key (operations).
    case open
    /// A secret key only.
    case secret
    /// A secret or a publishable key.
    case publishable
}

/// One documented route: what registers it on the router also writes it into `/openapi.json`.
public struct RouteDoc: Sendable {
    /// The HTTP method the route answers.
    public var method: HTTPRequest.Method
    /// The path as API.md writes it, with `{name}` parameters (`/v1/items/{item_id}`).
    public var path: String
    /// One line for the OpenAPI operation's `summary`.
    public var summary: String
    /// Which keys may call the route; becomes the operation's `security`.
    public var access: RouteAccess
    /// The JSON Schema of the request body; nil when the route takes none.
    public var requestBody: JSONValue?
    /// The status code of success (200, 201, 202, …).
    public var successStatus: Int
    /// The names of the query parameters the route reads (`limit`, `cursor`, …).
    public var query: [String]
    /// Whether a 201 route answers 200 when it replaced what was there.
    public var replaces = false
}

/// Registers routes and keeps their documentation, so the OpenAPI document can never drift from the router.
final class RouteTable: @unchecked Sendable {
    // Written only while the router is built, before it serves; read afterwards.
    private(set) var docs: [RouteDoc] = []
    let router: Router<BaristaRequestContext>

    init(router: Router<BaristaRequestContext>) { self.router = router }

    func on(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, access: RouteAccess, body: JSONValue? = nil,
        status: Int = 200, replaces: Bool = false, query: [String] = [],
        handler: @escaping @Sendable (Request, BaristaRequestContext) async throws -> Response
    ) {
        docs.append(RouteDoc(
            method: method, path: path, summary: summary, access: access, requestBody: body, successStatus: status, query: query, replaces: replaces))
        let routerPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        router.on(RouterPath(routerPath), method: method) { request, context in try await handler(request, context) }
    }
}
