import BaristaCore
import Hummingbird

/// The key a request presented: which site it acts on, and with which scope.
public struct Caller: Sendable {
    /// The site the key belongs to: the only one the request may act on.
    public var site: SiteID
    /// Whether the key may call everything (`secret`) or only the browser-safe calls (`publishable`).
    public var scope: KeyScope
}

/// Per-request state: Hummingbird's core storage plus the authenticated caller.
public struct BaristaRequestContext: RequestContext {
    /// Hummingbird's per-request storage, which `RequestContext` requires.
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthMiddleware`` on `/v1` routes.
    public var caller: Caller?

    /// The context of a new request, with no caller yet.
    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        caller = nil
    }

    /// The caller, which any `/v1` route has; throws 401 otherwise.
    public func requireCaller() throws -> Caller {
        guard let caller else { throw APIError(status: .unauthorized, title: "Unauthorized", detail: "an API key is required") }
        return caller
    }

    /// The caller's site, provided the key is a secret key (403 for a publishable key).
    public func requireSecret() throws -> SiteID {
        let caller = try requireCaller()
        guard caller.scope == .secret else {
            throw APIError(status: .forbidden, title: "Forbidden", detail: "this endpoint needs a secret key (sk_…); publishable keys may only send events and ask for recommendations, rankings and decisions")
        }
        return caller.site
    }
}
