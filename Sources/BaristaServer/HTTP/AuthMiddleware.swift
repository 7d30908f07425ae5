import BaristaCore
import BaristaEngine
import Hummingbird

/// Finds the caller of `/v1` routes from `Authorization: Bearer <key>` (or `?key=pk_…` on
/// `POST /v1/events`, for `navigator.sendBeacon`); 401 when there is no valid key.
///
/// Then applies the site's `rate_limit_per_second` to the key: 429 with `Retry-After` beyond it.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = BaristaRequestContext
    let engine: Engine
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/v1/") else { return try await next(request, context) }
        var key: String?
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw APIError(status: .unauthorized, title: "Unauthorized", detail: "use Authorization: Bearer <key>",
                    headers: [.wwwAuthenticate: "Bearer"])
            }
            key = String(parts[1]).trimmingCharacters(in: .whitespaces)
        } else if request.method == .post, request.uri.path == "/v1/events", let queryKey = request.uri.queryParameters.get("key") {
            guard queryKey.hasPrefix("pk_") else {
                throw APIError(status: .forbidden, title: "Forbidden", detail: "only publishable keys (pk_…) may be sent in the query string")
            }
            key = String(queryKey)
        }
        guard let key else {
            throw APIError(status: .unauthorized, title: "Unauthorized", detail: "an API key is required: Authorization: Bearer <key>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        guard let (site, scope) = await engine.authenticate(key) else {
            throw APIError(status: .unauthorized, title: "Unauthorized", detail: "the API key is unknown or revoked",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        let rate = (try? await engine.settings(site: site))?.rateLimitPerSecond ?? 0
        if let wait = limiter.take(String(key.prefix(APIKeyRecord.prefixLength)), rate: rate) {
            let seconds = max(1, Int(wait.rounded(.up)))
            throw APIError(status: .tooManyRequests, title: "Too Many Requests",
                detail: "this key may make \(rate.formatted()) requests a second (rate_limit_per_second); try again in \(seconds) s",
                headers: [.retryAfter: String(seconds)])
        }
        var context = context
        context.caller = Caller(site: site, scope: scope)
        return try await next(request, context)
    }
}
