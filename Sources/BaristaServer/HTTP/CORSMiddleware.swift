import BaristaCore
import BaristaEngine
import Hummingbird

/// Cross-origin calls from the browser tag, for the origins a site lists in `allowed_origins`.
///
/// A preflight (`OPTIONS` on a `/v1` path with `Origin` and `Access-Control-Request-Method`)
/// carries no key, so it is answered for an origin some site allows; the real request then
/// names its site by its key, and an `Origin` that site does not list is refused with a 403
/// (so a page elsewhere cannot send events with the shop's publishable key, not merely not read
/// the answer). Requests without `Origin` (servers, curl) are not affected.
struct CORSMiddleware: RouterMiddleware {
    typealias Context = BaristaRequestContext
    let engine: Engine

    static let allowedHeaders = "Authorization, Content-Type"
    static let allowedMethods = "GET, POST, PUT, DELETE, OPTIONS"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/"), let origin = request.headers[.origin] else { return try await next(request, context) }
        if request.method == .options {
            guard await engine.anySiteAllows(origin: origin) else {
                return Response(status: .noContent, headers: [.vary: "Origin"])
            }
            return Response(status: .noContent, headers: [
                .accessControlAllowOrigin: origin, .accessControlAllowMethods: Self.allowedMethods,
                .accessControlAllowHeaders: Self.allowedHeaders, .accessControlMaxAge: "600", .vary: "Origin",
            ])
        }
        if let key = Self.key(of: request), let (site, _) = await engine.authenticate(key) {
            guard (try? await engine.settings(site: site))?.allows(origin: origin) ?? false else {
                return ProblemMiddleware.response(APIError(status: .forbidden, title: "Forbidden",
                    detail: "the origin \(origin) is not in this site's allowed_origins (PATCH /v1/settings)"))
            }
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.vary] = "Origin"
        response.headers[.accessControlExposeHeaders] = "Retry-After"
        return response
    }

    /// The key a request presents, as ``AuthMiddleware`` reads it.
    static func key(of request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            return parts.count == 2 ? String(parts[1]).trimmingCharacters(in: .whitespaces) : nil
        }
        return request.uri.queryParameters.get("key").map { String($0) }
    }
}
