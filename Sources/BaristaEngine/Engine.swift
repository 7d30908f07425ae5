import BaristaCore
import Foundation
import Logging
import Synchronization

/// The running engine: live profiles and catalogs of every site, fed by the durable event log.
///
/// Events are validated by the caller, then ``ingest(_:site:)`` resolves identities, commits them
/// with others arriving at the same time (group commit), and folds them into the live profiles before
/// it returns, so the very next read sees them. Profiles are checkpointed to the store in the
/// background (``checkpoint()``) and rebuilt at start from the last checkpoint plus the log after it.
public final class Engine: Sendable {
    /// Where sites, keys, the event log, profile checkpoints and catalogs are kept.
    public let store: any BaristaStore
    /// The logger of the engine's own messages (erasures, background upkeep, …).
    public let logger: Logger
    let now: @Sendable () -> Date
    let directory: SiteDirectory
    let keys: KeyRing
    let committer: GroupCommitter<CommitWork, CommitOutput>
    /// Impressions waiting to be written (in batches, by the checkpoint service).
    let recommendationLog = RecommendationLogBuffer()
    /// Sites already loaded, read without an actor hop on every request.
    let loadedSites = Mutex<[SiteID: SiteRuntime]>([:])
    /// Dashboard sessions seen by this node and the failed sign-ins behind the lockout.
    let dashboardAccounts = DashboardAccounts()
    /// Events stored per site and minute by this node, for the dashboard's overview.
    let eventRate = EventRate()
    /// Messages the trigger scheduler is sending at this moment.
    let deliveriesInFlight = DeliveriesInFlight()
    /// This node's part in a cluster, when the store is shared by several nodes (nil: one node alone).
    let cluster: ClusterState?

    /// - Parameters:
    ///   - store: where everything is kept.
    ///   - clock: the current time; tests pass a fixed or stepping clock.
    ///   - logger: the engine's logger.
    public init(store: any BaristaStore, clock: @escaping @Sendable () -> Date = Date.init, logger: Logger) {
        self.store = store
        self.now = clock
        self.logger = logger
        let directory = SiteDirectory(store: store, logger: logger, clock: clock)
        self.directory = directory
        self.keys = KeyRing(store: store, clock: clock)
        self.committer = GroupCommitter { [store, logger] works in
            await Engine.prepareRound(works, store: store, logger: logger)
        }
        self.cluster = (store as? any ClusterStore).map { ClusterState(store: $0) }
    }

    /// The current time as the engine sees it.
    public var currentTime: Date { now() }

    /// Loads every site now, so the first requests do not pay for it.
    public func warmUp() async throws {
        for site in try await store.sites() { _ = try await directory.runtime(site.id) }
    }

    func runtime(_ site: SiteID) async throws -> SiteRuntime {
        if let runtime = loadedSites.withLock({ $0[site] }) { return runtime }
        let runtime = try await directory.runtime(site)
        loadedSites.withLock { $0[site] = runtime }
        return runtime
    }
}

// MARK: - Sites and keys

extension Engine {
    /// A new site and its first pair of keys (shown once: only their hashes are stored).
    public func createSite(named name: String) async throws -> (site: Site, secretKey: String, publishableKey: String) {
        guard Site.isValidName(name) else {
            throw BaristaError.invalid("/name", "must be 1 to 64 letters, digits, '-', '_' or '.'")
        }
        let site = Site(id: SiteID("site_" + RandomID.string(length: 12)), name: name, createdAt: now())
        try await store.createSite(site)
        let secret = try await createKey(site: site.id, scope: .secret)
        let publishable = try await createKey(site: site.id, scope: .publishable)
        return (site, secret, publishable)
    }

    /// Every site.
    public func sites() async throws -> [Site] { try await store.sites() }

    /// The site named `name`.
    public func site(named name: String) async throws -> Site? {
        try await store.sites().first { $0.name == name }
    }

    /// A new key for `site`; the returned string is the only time the key is shown.
    public func createKey(site: SiteID, scope: KeyScope) async throws -> String {
        let key = scope.prefix + RandomID.string(length: 32)
        let record = APIKeyRecord(
            prefix: String(key.prefix(APIKeyRecord.prefixLength)), siteID: site, scope: scope, hash: KeyRing.hash(key),
            createdAt: now())
        try await store.insertKey(record)
        await keys.reload()
        await announce(ClusterChange(site: site, kind: .keys))
        return key
    }

    /// The keys of `site` (prefixes only).
    public func keys(site: SiteID) async throws -> [APIKeyRecord] {
        try await store.keys().filter { $0.siteID == site }
    }

    /// Revokes the keys whose prefix starts with `prefix`.
    public func revokeKeys(prefix: String) async throws -> Int {
        let count = try await store.revokeKeys(prefix: prefix, at: now())
        await keys.reload()
        for site in Set(try await store.keys().filter { $0.prefix.hasPrefix(prefix) }.map(\.siteID)) {
            await announce(ClusterChange(site: site, kind: .keys))
        }
        return count
    }

    /// The site and scope of a presented key, or nil when it is unknown or revoked.
    public func authenticate(_ key: String) async -> (site: SiteID, scope: KeyScope)? {
        await keys.authenticate(key)
    }

    /// Whether any loaded site lists `origin` in `allowed_origins` (what a CORS preflight, which
    /// carries no key, is answered by).
    public func anySiteAllows(origin: String) async -> Bool {
        var runtimes = await directory.all
        if runtimes.isEmpty, let sites = try? await store.sites() {
            for site in sites { if let runtime = try? await runtime(site.id) { runtimes.append(runtime) } }
        }
        return runtimes.contains { runtime in runtime.state.withLock { $0.site.settings.allows(origin: origin) } }
    }

    /// A site's settings.
    public func settings(site: SiteID) async throws -> SiteSettings {
        try await runtime(site).state.withLock { $0.site.settings }
    }

    /// Applies a `PATCH /v1/settings` body and returns the new settings.
    public func updateSettings(site: SiteID, patch: JSONValue) async throws -> SiteSettings {
        let runtime = try await runtime(site)
        let current = runtime.state.withLock { $0.site.settings }
        let updated = try current.patched(with: patch).get()
        try await store.updateSettings(updated, site: site)
        runtime.state.withLock { state in
            state.site.settings = updated
            state.servingGeneration += 1
        }
        await announce(ClusterChange(site: site, kind: .settings))
        return updated
    }
}

/// Loads each site's runtime once: last checkpoint, identities, catalog, then the log after the checkpoint.
actor SiteDirectory {
    let store: any BaristaStore
    let logger: Logger
    let clock: @Sendable () -> Date
    private var loaded: [SiteID: SiteRuntime] = [:]
    private var loading: [SiteID: Task<SiteRuntime, any Error>] = [:]

    init(store: any BaristaStore, logger: Logger, clock: @escaping @Sendable () -> Date) {
        self.store = store
        self.logger = logger
        self.clock = clock
    }

    func runtime(_ id: SiteID) async throws -> SiteRuntime {
        if let runtime = loaded[id] { return runtime }
        if let task = loading[id] { return try await task.value }
        let store = self.store, logger = self.logger, clock = self.clock
        let task = Task { try await SiteDirectory.load(id, store: store, logger: logger, clock: clock) }
        loading[id] = task
        defer { loading[id] = nil }
        let runtime = try await task.value
        loaded[id] = runtime
        return runtime
    }

    var all: [SiteRuntime] { Array(loaded.values) }

    /// The runtime of a site already loaded, without loading it.
    func loadedRuntime(_ id: SiteID) -> SiteRuntime? { loaded[id] }

    static func load(_ id: SiteID, store: any BaristaStore, logger: Logger, clock: @escaping @Sendable () -> Date) async throws -> SiteRuntime {
        guard let site = try await store.sites().first(where: { $0.id == id }) else {
            throw BaristaError.notFound("site \(id) does not exist")
        }
        // Decisions written from here on are counted by following them (several nodes only).
        let decisionPosition = try await (store as? any ClusterStore)?.lastDecisionPosition(site: id) ?? 0
        let (checkpoint, profiles) = try await store.loadProfiles(site: id)
        let links = try await store.identityLinks(site: id)
        let items = try await store.items(site: id)
        var state = SiteState(site: site, identities: IdentityIndex(links: links))
        state.clock = clock
        state.profiles = Dictionary(profiles.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        state.catalog = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { _, last in last })
        state.appliedSeq = checkpoint
        for id in state.profiles.keys { state.identities.register(id) }
        state.profileModels = try await Engine.loadProfileModels(site: id, store: store)
        try await Engine.loadTriggers(into: &state, store: store, logger: logger)
        try await Engine.loadRewards(into: &state, store: store, logger: logger)
        if let saved = try await store.loadLiveModels(site: id) {
            do {
                state.live = try LiveModels(serialized: saved.bytes)
                state.liveSeq = saved.seq
            } catch {
                logger.warning("live models unreadable: rebuilding them from the whole log", metadata: ["site.id": "\(id)", "error": "\(error)"])
            }
        }
        for item in items { state.live.upsert(item) }
        var snapshot: ModelSnapshot?
        if let stored = try await store.loadModel(site: id) {
            do {
                snapshot = try ModelSnapshot.load(stored, vocabulary: &state.live.vocabulary)
                state.live.growItems()
            } catch {
                logger.warning("stored model unreadable: serving live models until the next training", metadata: ["site.id": "\(id)", "error": "\(error)"])
            }
        }
        var cursor = min(checkpoint, state.liveSeq)
        while true {
            let events = try await store.events(site: id, after: cursor, limit: 10_000)
            guard let last = events.last?.seq else { break }
            let context = state.applyContext()
            for event in events { state.apply(event, context: context) }
            cursor = last
        }
        state.liveChanged = false
        if store is any ClusterStore {
            // Other nodes may have linked ids while the log was read: take the links as they are now.
            state.identities = IdentityIndex(links: try await store.identityLinks(site: id))
            for id in state.profiles.keys { state.identities.register(id) }
        }
        try await Engine.loadSegments(into: &state, store: store, logger: logger)
        try await Engine.loadExperiences(into: &state, store: store, logger: logger)
        Engine.startDateTimers(in: &state)
        let runtime = SiteRuntime(state: state, decisionPosition: decisionPosition)
        runtime.model.withLock { $0 = snapshot }
        return runtime
    }
}
