import Foundation

/// One answer of `POST /v1/recommendations`, as the impression log keeps it: what was shown, by
/// which strategy, when. Not to whom: the log holds no personal data (attribution comes from the
/// person's own events, the outcomes), so an erasure has nothing to remove from it.
public struct RecommendationImpression: Sendable, Hashable {
    /// `recommendation_id` of the answer (`rec_…`), which later events echo in `properties`.
    public var id: String
    /// The strategy that answered (`for_you`, `similar`, …).
    public var strategy: String
    /// The items shown, in order.
    public var items: [ItemID]
    /// ``items`` as a JSON array of strings, as stores keep it (written once per answer; a cached
    /// answer shown again reuses it).
    public var itemsJSON: String
    /// When the answer was given.
    public var at: Date

    /// An impression of `items` by `strategy` at `at`; `itemsJSON` is written from `items` unless given.
    public init(id: String, strategy: String, items: [ItemID], itemsJSON: String? = nil, at: Date) {
        self.id = id
        self.strategy = strategy
        self.items = items
        self.itemsJSON = itemsJSON ?? JSON.string(.array(items.map { .string($0.rawValue) }))
        self.at = at
    }
}

/// What a person did after a recommendation: an event that carried its `recommendation_id`.
public struct RecommendationOutcome: Sendable, Hashable {
    /// What kind of result the event was.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// `Product Clicked` or `Product Viewed`.
        case click
        /// `Product Added`.
        case add
        /// `Order Completed`.
        case order
    }

    /// The `recommendation_id` the event carried.
    public var recommendationID: String
    /// The profile that sent the event.
    public var profileID: ProfileID
    /// The kind of result.
    public var kind: Kind
    /// The item the event named, when it named one.
    public var itemID: ItemID?
    /// The revenue an order brought (0 for clicks and adds).
    public var revenue: Double
    /// `message_id` of the event: recording the same event twice counts it once.
    public var messageID: String
    /// When the event happened.
    public var at: Date

    /// An outcome of `kind` for `recommendationID`, from the event `messageID`.
    public init(recommendationID: String, profileID: ProfileID, kind: Kind, itemID: ItemID?, revenue: Double, messageID: String, at: Date) {
        self.recommendationID = recommendationID
        self.profileID = profileID
        self.kind = kind
        self.itemID = itemID
        self.revenue = revenue
        self.messageID = messageID
        self.at = at
    }
}

/// One strategy's row of `GET /v1/recommendations/report`.
public struct StrategyReport: Sendable, Hashable {
    /// The strategy.
    public var strategy: String
    /// How many answers were given (requests served).
    public var requests: Int
    /// How many items were shown in them (`impressions`).
    public var impressions: Int
    /// Distinct (answer, item) pairs clicked.
    public var clicks: Int
    /// Distinct (answer, item) pairs added to a cart.
    public var adds: Int
    /// Orders attributed (distinct order events).
    public var orders: Int
    /// Revenue of the attributed orders.
    public var revenue: Double

    /// A row with every count given.
    public init(strategy: String, requests: Int, impressions: Int, clicks: Int, adds: Int, orders: Int, revenue: Double) {
        self.strategy = strategy
        self.requests = requests
        self.impressions = impressions
        self.clicks = clicks
        self.adds = adds
        self.orders = orders
        self.revenue = revenue
    }
}

/// A trained model as stored: opaque bytes, their version, and how much of the log they saw.
public struct StoredModel: Sendable, Hashable {
    /// `model_version` of the snapshot (e.g. `"2026-11-22T10:00:00Z#42"`).
    public var version: String
    /// The highest log position (event `seq`) the model was trained on.
    public var trainedThrough: Int64
    /// When training finished.
    public var createdAt: Date
    /// The serialized model.
    public var bytes: [UInt8]

    /// A snapshot `version` trained through `trainedThrough`, finished at `createdAt`.
    public init(version: String, trainedThrough: Int64, createdAt: Date, bytes: [UInt8]) {
        self.version = version
        self.trainedThrough = trainedThrough
        self.createdAt = createdAt
        self.bytes = bytes
    }
}

/// The recommendation log (impressions and their outcomes) and the latest trained model per site.
public protocol RecommendationStore: Sendable {
    /// Appends impressions; an impression whose id is already stored is ignored.
    func recordImpressions(_ impressions: [RecommendationImpression], site: SiteID) async throws
    /// Appends outcomes; one whose (`message_id`, `item_id`) is already stored is ignored, so replaying
    /// the log after a crash does not count an event twice.
    func recordOutcomes(_ outcomes: [RecommendationOutcome], site: SiteID) async throws
    /// Per strategy, the answers given in `[from, to)` and the outcomes attributed to them (whenever
    /// those happened), ordered by strategy name. Outcomes whose `recommendation_id` is unknown are ignored.
    func recommendationReport(site: SiteID, from: Date, to: Date) async throws -> [StrategyReport]
    /// Replaces the site's stored model.
    func saveModel(_ model: StoredModel, site: SiteID) async throws
    /// The site's stored model, or nil before the first training.
    func loadModel(site: SiteID) async throws -> StoredModel?
    /// Replaces the site's checkpoint of its live models (trending, co-occurrence), which include
    /// the log up to `seq`.
    func saveLiveModels(_ bytes: [UInt8], through seq: Int64, site: SiteID) async throws
    /// The site's checkpoint of its live models and the log position it includes, or nil before the first.
    func loadLiveModels(site: SiteID) async throws -> (seq: Int64, bytes: [UInt8])?
}
