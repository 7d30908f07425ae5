import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A client of a Barista server, for iOS and macOS apps and Swift servers.
///
/// Events are queued, stamped with a `message_id` and a timestamp when recorded, and sent in
/// batches by ``flush()`` or the background flush (``startAutoFlush()``); with a
/// ``Configuration/storageDirectory`` the queue survives relaunches. Recommendations, ranking
/// and decisions are answered at once; profiles need a secret key (servers only).
///
/// ```swift
/// let barista = BaristaClient(host: URL(string: "https://barista.example")!, key: "pk_live_…")
/// await barista.startAutoFlush()
/// try await barista.track("Product Viewed", properties: ["product_id": "sku-1"])
/// let recs = try await barista.recommendations(.init(strategy: .forYou, limit: 8))
/// ```
public final class BaristaClient: Sendable {
    /// The version of this library, sent in `User-Agent` and in each event's `context.library`.
    public static let version = "0.1.0"

    /// The configuration the client was made with.
    public let configuration: Configuration
    let transport: Transport
    let queue: EventQueue

    /// A client with a full configuration.
    public init(configuration: Configuration) {
        self.configuration = configuration
        transport = Transport(host: configuration.host, key: configuration.key, session: configuration.session, timeout: configuration.timeout)
        queue = EventQueue(configuration: configuration, transport: transport)
    }

    /// A client with the default configuration, except for what is given.
    ///
    /// - Parameters:
    ///   - host: The server's base URL.
    ///   - key: A publishable (`pk_…`) or secret (`sk_…`) key.
    ///   - role: ``Role/app`` (default) or ``Role/server``.
    ///   - storageDirectory: Where the queue and identity persist; nil keeps them in memory.
    ///   - session: The URL session (default `.shared`).
    public convenience init(host: URL, key: String, role: Role = .app, storageDirectory: URL? = nil, session: URLSession = .shared) {
        var configuration = Configuration(host: host, key: key)
        configuration.role = role
        configuration.storageDirectory = storageDirectory
        configuration.session = session
        self.init(configuration: configuration)
    }

    // MARK: Personalization

    /// Recommendations for a person or a page (`POST /v1/recommendations`).
    ///
    /// In the app role a request without a user is made for the current user.
    /// - Throws: ``BaristaClientError``; a 422 names the field at fault in `problem.errors`.
    public func recommendations(_ request: RecommendationRequest) async throws -> Recommendations {
        var request = request
        if request.user == nil { request.user = await currentUser() }
        return try await transport.send("POST", "/v1/recommendations", body: try Transport.encode(request))
    }

    /// Puts your own list (search results, a category page) in the person's order (`POST /v1/rank`).
    ///
    /// - Parameters:
    ///   - items: Item ids, in your order.
    ///   - user: The person; in the app role nil means the current user.
    ///   - context: Anything describing the page (`["query": "lamp", "page": "search"]`).
    /// - Throws: ``BaristaClientError``.
    public func rank(items: [String], user: UserReference? = nil, context: [String: JSONValue]? = nil) async throws -> RankedList {
        let body = RankBody(user: await resolve(user), items: items, context: context)
        return try await transport.send("POST", "/v1/rank", body: try Transport.encode(body))
    }

    /// What each placement shows the person, chosen by its experiences (`POST /v1/decide`).
    ///
    /// - Parameters:
    ///   - placements: Placement keys (`home_hero`), one decision each, in this order.
    ///   - user: The person; in the app role nil means the current user.
    ///   - context: Anything describing the page or screen.
    /// - Throws: ``BaristaClientError``.
    public func decide(placements: [String], user: UserReference? = nil, context: [String: JSONValue]? = nil) async throws -> [Decision] {
        let body = DecideBody(user: await resolve(user), placements: placements, context: context)
        let answer: DecideAnswer = try await transport.send("POST", "/v1/decide", body: try Transport.encode(body))
        return answer.decisions
    }

    /// The user a request names: the one given, else (app role) the current one.
    func resolve(_ user: UserReference?) async -> UserReference? {
        if let user { return user }
        return await currentUser()
    }

    /// The app's current user: its user id if identified, and its anonymous id; nil for a server.
    func currentUser() async -> UserReference? {
        guard configuration.role == .app else { return nil }
        let identity = await queue.identity
        return UserReference(userID: identity.userID, anonymousID: identity.anonymousID, userHash: identity.userID == nil ? nil : identity.userHash)
    }
}

private struct RankBody: Encodable {
    var user: UserReference?
    var items: [String]
    var context: [String: JSONValue]?
}

private struct DecideBody: Encodable {
    var user: UserReference?
    var placements: [String]
    var context: [String: JSONValue]?
}

private struct DecideAnswer: Decodable {
    var decisions: [Decision]
}
