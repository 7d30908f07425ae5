import Foundation

extension BaristaClient {
    /// Records an action (`Product Viewed`, `Order Completed`, or your own name).
    ///
    /// The event is queued with a fresh `message_id` and the current time; it is sent by the
    /// next ``flush()``. In the app role an event naming no one is the current user's.
    ///
    /// - Parameters:
    ///   - name: The event name (`event`).
    ///   - properties: Its properties (`product_id`, `price`, `recommendation_id`…).
    ///   - userID: Whose event it is; overrides the app's current user.
    ///   - anonymousID: The anonymous id of a person not yet known.
    ///   - context: Extra `context` members (`channel`, `locale`…).
    /// - Returns: The event as queued (its ``BaristaEvent/messageID`` identifies it).
    /// - Throws: ``BaristaClientError/invalidRequest(_:)`` in the server role when no id is given.
    @discardableResult
    public func track(
        _ name: String, properties: [String: JSONValue] = [:], userID: String? = nil, anonymousID: String? = nil,
        context: [String: JSONValue] = [:]
    ) async throws -> BaristaEvent {
        try await record(BaristaEvent(kind: .track, event: name, userID: userID, anonymousID: anonymousID, properties: properties), context: context)
    }

    /// Says who the person is: sets traits and links the anonymous id with `userID`.
    ///
    /// In the app role `userID` becomes the current user (persisted with the queue), so later
    /// events and requests are theirs until ``reset()``.
    ///
    /// - Parameters:
    ///   - userID: Your id of the person.
    ///   - traits: `name`, `email`, `birthday`, `address{city,country}`, anything else.
    ///   - anonymousID: For servers: the anonymous id to link (the app's own is used in the app role).
    ///   - userHash: For sites that set `require_user_hash`: hex HMAC-SHA256(identity_secret, userID),
    ///     computed by your server. In the app role it is kept and sent with the user's later
    ///     events and requests.
    /// - Throws: ``BaristaClientError/invalidRequest(_:)`` when `userID` is empty.
    @discardableResult
    public func identify(userID: String, traits: [String: JSONValue] = [:], anonymousID: String? = nil, userHash: String? = nil) async throws
        -> BaristaEvent
    {
        guard !userID.isEmpty else { throw BaristaClientError.invalidRequest("identify needs a non-empty user id") }
        if configuration.role == .app { await queue.setUser(userID, hash: userHash) }
        var event = BaristaEvent(kind: .identify, userID: userID, anonymousID: anonymousID, traits: traits)
        event.userHash = userHash
        return try await record(event, context: [:])
    }

    /// Records a web page view.
    ///
    /// - Parameters:
    ///   - name: The page's name, if it has one.
    ///   - properties: `url`, `path`, `title`, `referrer`…
    ///   - userID: Whose view it is; overrides the app's current user.
    ///   - anonymousID: The anonymous id of a person not yet known.
    /// - Throws: ``BaristaClientError/invalidRequest(_:)`` in the server role when no id is given.
    @discardableResult
    public func page(_ name: String? = nil, properties: [String: JSONValue] = [:], userID: String? = nil, anonymousID: String? = nil) async throws
        -> BaristaEvent
    {
        try await record(BaristaEvent(kind: .page, name: name, userID: userID, anonymousID: anonymousID, properties: properties), context: [:])
    }

    /// Records an app screen view.
    ///
    /// - Parameters:
    ///   - name: The screen's name (`Product`, `Cart`).
    ///   - properties: Anything describing it.
    ///   - userID: Whose view it is; overrides the app's current user.
    ///   - anonymousID: The anonymous id of a person not yet known.
    /// - Throws: ``BaristaClientError/invalidRequest(_:)`` in the server role when no id is given.
    @discardableResult
    public func screen(_ name: String, properties: [String: JSONValue] = [:], userID: String? = nil, anonymousID: String? = nil) async throws
        -> BaristaEvent
    {
        try await record(BaristaEvent(kind: .screen, name: name, userID: userID, anonymousID: anonymousID, properties: properties), context: [:])
    }

    /// Merges the profile of `previousID` into that of `userID` (history of both kept).
    ///
    /// - Parameters:
    ///   - previousID: The id the person was known by (an anonymous id or an old user id).
    ///   - userID: The id that survives; in the app role it becomes the current user.
    /// - Throws: ``BaristaClientError/invalidRequest(_:)`` when an id is empty.
    @discardableResult
    public func alias(previousID: String, userID: String) async throws -> BaristaEvent {
        guard !previousID.isEmpty, !userID.isEmpty else { throw BaristaClientError.invalidRequest("alias needs a previous id and a user id") }
        if configuration.role == .app { await queue.setUser(userID) }
        return try await record(BaristaEvent(kind: .alias, userID: userID, previousID: previousID), context: [:])
    }

    /// Sends every queued event now, in batches, and waits for the server to accept them.
    ///
    /// Transient failures (no connection, 408, 429, 5xx) are retried with exponential backoff,
    /// honouring `Retry-After`; events stay queued (and persisted) until a batch is answered 202.
    /// Events the server refuses are dropped from the queue and listed in the report (and passed
    /// to ``Configuration/onRejected``). A flush under way is joined, not duplicated.
    ///
    /// - Returns: The server's counts and the rejected events.
    /// - Throws: ``BaristaClientError`` after the last attempt; the events stay queued.
    @discardableResult
    public func flush() async throws -> FlushReport {
        try await queue.flush()
    }

    /// The events recorded and not yet accepted, oldest first.
    public var queuedEvents: [BaristaEvent] {
        get async { await queue.pending }
    }

    /// The app's anonymous id: generated once, then persisted in the storage directory.
    public var anonymousID: String {
        get async { await queue.identity.anonymousID }
    }

    /// The app's identified user, set by ``identify(userID:traits:anonymousID:userHash:)``.
    public var userID: String? {
        get async { await queue.identity.userID }
    }

    /// Forgets the identified user and starts a fresh anonymous id (on logout).
    public func reset() async {
        await queue.setUser(nil)
    }

    /// Starts flushing every ``Configuration/flushInterval``, and as soon as a batch is full.
    ///
    /// Failures are retried at the next tick. Call ``stopAutoFlush()`` (and ``flush()``) before
    /// dropping the client.
    public func startAutoFlush() async {
        await queue.startTimer()
    }

    /// Stops the background flush; queued events stay queued.
    public func stopAutoFlush() async {
        await queue.stopTimer()
    }

    /// Fills in the ids and context, then queues the event.
    private func record(_ event: BaristaEvent, context: [String: JSONValue]) async throws -> BaristaEvent {
        var event = event
        if configuration.role == .app, event.kind != .alias {
            let identity = await queue.identity
            if event.userID == nil, event.anonymousID == nil { event.userID = identity.userID }
            if event.anonymousID == nil { event.anonymousID = identity.anonymousID }
            if event.userHash == nil, event.userID != nil, event.userID == identity.userID { event.userHash = identity.userHash }
        } else if event.kind != .alias, event.userID == nil, event.anonymousID == nil {
            throw BaristaClientError.invalidRequest("an event needs a user id or an anonymous id on a server client")
        }
        var merged = configuration.context
        if configuration.role == .app, merged["channel"] == nil { merged["channel"] = "app" }
        merged["library"] = ["name": "barista-swift", "version": .string(Self.version)]
        merged.merge(context) { _, own in own }
        event.context = merged
        await queue.enqueue(event)
        return event
    }
}
