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
    public var method: HTTPRequest.Method
    public var path: String
    public var summary: String
    public var access: RouteAccess
    public var requestBody: JSONValue?
    public var successStatus: Int
    public var query: [String]
}

/// Registers routes and keeps their documentation, so the OpenAPI document can never drift from the router.
final class RouteTable: @unchecked Sendable {
    // Written only while the router is built, before it serves; read afterwards.
    private(set) var docs: [RouteDoc] = []
    let router: Router<BaristaRequestContext>

    init(router: Router<BaristaRequestContext>) { self.router = router }

    func on(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, access: RouteAccess, body: JSONValue? = nil,
        status: Int = 200, query: [String] = [],
        handler: @escaping @Sendable (Request, BaristaRequestContext) async throws -> Response
    ) {
        docs.append(RouteDoc(method: method, path: path, summary: summary, access: access, requestBody: body, successStatus: status, query: query))
        let routerPath = path.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
        router.on(RouterPath(routerPath), method: method) { request, context in try await handler(request, context) }
    }
}
