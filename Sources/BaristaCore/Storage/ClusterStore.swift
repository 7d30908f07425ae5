import Foundation

/// A change one node made that the others must pick up, sent between nodes of a shared store.
///
/// The event log needs none: every node follows it. What changes outside the log (definitions,
/// settings, keys, the catalog, trained models, erasures) is announced with its site, its kind and
/// the keys it touched, and each receiving node reads the new state from the store.
public struct ClusterChange: Sendable, Hashable {
    /// What changed.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A site's settings.
        case settings
        /// API keys were created or revoked.
        case keys
        /// Items were written or deleted (`keys`: their ids; empty for "reload the catalog").
        case items
        /// Definitions of one kind (`keys[0]`: the definition kind, e.g. `segment`; the rest: keys).
        case definitions
        /// A newly trained recommendation model (and the prediction models fitted with it).
        case model
        /// People erased (`keys`: their profile ids).
        case erased
    }

    /// The site it concerns.
    public var site: SiteID
    /// What changed.
    public var kind: Kind
    /// Which things of that kind (see ``Kind``).
    public var keys: [String]

    /// A change of `kind` on `site`, touching `keys`.
    public init(site: SiteID, kind: Kind, keys: [String] = []) {
        self.site = site
        self.kind = kind
        self.keys = keys
    }
}

/// What a node hears from the others.
public enum ClusterSignal: Sendable, Hashable {
    /// Another node changed something.
    case change(ClusterChange)
    /// The link to the others was (re)established: anything may have changed meanwhile, so every
    /// node state read from the store should be read again.
    case resynchronize
}

/// The leadership a node holds, and what it hears from the other nodes.
public protocol ClusterLink: Sendable {
    /// Runs until the task is cancelled: keeps one connection open that listens for the other
    /// nodes' changes and holds (or keeps trying to take, every `retry`) the leadership lock.
    /// `onSignal` is called for every change heard and after every (re)connection; `onLeadership`
    /// whenever this node becomes or stops being the leader (false first, before any wait).
    func run(
        retry: Duration, onSignal: @escaping @Sendable (ClusterSignal) async -> Void,
        onLeadership: @escaping @Sendable (Bool) async -> Void
    ) async
}

/// A store several Barista nodes share (PostgreSQL). Its extra duties keep the nodes one service:
///
/// - Identities are resolved while the site's log is locked for the append, from the links the
///   store holds then, so two nodes seeing a new person at the same moment agree on one profile.
/// - Each node follows the log (``events(site:after:through:excluding:)``) to fold the events the
///   others wrote, and ``identityLinks(site:keys:profiles:)`` to learn the identities they made.
/// - ``publish(_:)`` tells the other nodes about changes outside the log.
/// - One node at a time is the leader (``makeLink(node:)``), which trains, runs the trigger
///   scheduler and writes checkpoints.
public protocol ClusterStore: BaristaStore {
    /// Appends events whose identities are resolved inside the append's transaction.
    ///
    /// The store locks the site's log, reads the current links of `identities` (every link of each
    /// id, and every link of the profiles they lead to), and calls `resolve` with them; `resolve`
    /// returns the batch to append (exactly `count` events). Appends to one site are serialized by
    /// the lock, so each `resolve` sees the links of every append committed before it.
    /// - Returns: for each event, its `seq`, or nil when its `message_id` was already stored.
    func append(
        site: SiteID, count: Int, identities: [IdentityLink.Key], resolve: @Sendable ([IdentityLink]) throws -> EventAppend
    ) async throws -> [Int64?]

    /// The site's events with `after < seq <= through` whose seq is not in `excluding`, oldest first.
    func events(site: SiteID, after: Int64, through: Int64, excluding: [Int64]) async throws -> [StoredEvent]

    /// Every link of the ids `keys` and every link of `profiles` (and of the profiles `keys` lead to).
    func identityLinks(site: SiteID, keys: [IdentityLink.Key], profiles: [ProfileID]) async throws -> [IdentityLink]

    /// The log position the stored profile checkpoint includes.
    func profileCheckpoint(site: SiteID) async throws -> Int64

    /// Decisions stored after position `after` (in the order they were stored), with their positions.
    func decisions(site: SiteID, after: Int64, limit: Int) async throws -> [(seq: Int64, decision: Decision)]

    /// Conversions stored after position `after` (positions shared with decisions), with their positions.
    func conversions(site: SiteID, after: Int64, limit: Int) async throws -> [(seq: Int64, conversion: DecisionConversion)]

    /// The newest position among the site's decisions and conversions (0 when there is none).
    func lastDecisionPosition(site: SiteID) async throws -> Int64

    /// Announces a change to every other node.
    func publish(_ change: ClusterChange, from node: String) async throws

    /// A link for the node named `node`: its leadership and what the other nodes announce.
    func makeLink(node: String) -> any ClusterLink
}

extension IdentityLink {
    /// An id without the profile it leads to.
    public struct Key: Sendable, Hashable {
        /// Which kind of id.
        public var kind: IdentityKind
        /// The id.
        public var value: String

        /// The id `value` of `kind`.
        public init(kind: IdentityKind, value: String) {
            self.kind = kind
            self.value = value
        }
    }

    /// The id this link starts from.
    public var key: Key { Key(kind: kind, value: value) }
}
