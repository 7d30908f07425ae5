/// Item-to-item relations counted incrementally from events: co-view, co-buy and sequence.
///
/// - **co-view** (symmetric): items viewed by the same person close together; substitutes and
///   related items. Fed by ``recordView(_:recent:at:)``.
/// - **co-buy** (symmetric): items in the same order or cart; complements. Fed by
///   ``recordBasket(_:)``.
/// - **next** (directional): what follows an item in people's ordered histories (episode 1 →
///   episode 2, a product → its refill). Fed by ``recordTransition(from:to:weight:)``.
///
/// Every update touches O(window) or O(basket²) rows and costs O(``maxNeighbours``) per pair at
/// worst (a linear search of one row), so no update scans the catalog.
///
/// **Memory bound.** Each item keeps at most ``maxNeighbours`` entries per relation (8 bytes
/// each: neighbour index and Float32 count). When a row overflows it is pruned to its
/// ½·``maxNeighbours`` strongest entries (pruning half at a time keeps it rare on the ingestion path). This is an approximation in the style of lossy
/// counting: a pair dropped while weak restarts from zero, and rows are pruned independently, so
/// i may keep j while j has dropped i. Pairs that recur keep their counts, which is what queries
/// rank by. Memory is O(items × relations × maxNeighbours) whatever the number of events.
public struct CooccurrenceModel: Sendable, Hashable {
    /// The three relations the model keeps.
    public enum Relation: Sendable, Hashable, CaseIterable {
        /// Viewed by the same person close together (symmetric).
        case coView
        /// In the same order or cart (symmetric).
        case coBuy
        /// Followed in a person's ordered history (directional).
        case next
    }

    /// The most neighbours one item keeps per relation.
    public let maxNeighbours: Int
    /// Added to every normalising denominator so that a pair seen once does not outrank a
    /// strong one (the shrinkage of Koren's and Dacrema et al.'s item-kNN).
    public let shrink: Float
    /// How many of the person's previous views one view is paired with (newest first).
    public let viewWindow: Int
    /// How many distinct items of a basket are paired (the first ones); larger baskets are cut.
    public let maxBasketSize: Int
    /// The time of the latest view recorded (Unix seconds); `-infinity` before the first.
    public internal(set) var latest: Double = -.infinity

    var coView = RelationTable()
    var coBuy = RelationTable()
    var sequence = RelationTable()

    /// An empty model.
    ///
    /// - Parameters:
    ///   - maxNeighbours: Entries kept per item and relation (at least 4; default 100).
    ///   - shrink: Added to similarity denominators (default 10).
    ///   - viewWindow: Previous views each view is paired with (default 10).
    ///   - maxBasketSize: Distinct items of a basket that are paired (default 20, so 190 pairs).
    public init(maxNeighbours: Int = 100, shrink: Float = 10, viewWindow: Int = 10, maxBasketSize: Int = 20) {
        self.maxNeighbours = max(maxNeighbours, 4)
        self.shrink = max(shrink, 0)
        self.viewWindow = max(viewWindow, 0)
        self.maxBasketSize = max(maxBasketSize, 0)
    }

    /// Counts a view of `item` together with the person's previous views.
    ///
    /// Every pair (item, r) for the first ``viewWindow`` distinct items r of `recent` counts one
    /// in both directions, and `item`'s view count grows by one. O(viewWindow · maxNeighbours).
    ///
    /// - Parameters:
    ///   - item: The item viewed now.
    ///   - recent: The person's previously viewed distinct items, newest first.
    ///   - at: When the view happened (Unix seconds); kept as ``latest``.
    public mutating func recordView(_ item: Int32, recent: some Collection<Int32>, at: Double) {
        guard item >= 0 else { return }
        coView.addTotal(1, to: item)
        if at.isFinite { latest = max(latest, at) }
        var paired: [Int32] = []
        paired.reserveCapacity(min(viewWindow, recent.count))
        for other in recent where paired.count < viewWindow {
            guard other >= 0, other != item, !paired.contains(other) else { continue }
            paired.append(other)
            coView.add(1, from: item, to: other, cap: maxNeighbours)
            coView.add(1, from: other, to: item, cap: maxNeighbours)
        }
    }

    /// Counts the items of one order or cart as bought together: every unordered pair once.
    ///
    /// Duplicates count once; only the first ``maxBasketSize`` distinct items are paired, so the
    /// cost is at most maxBasketSize² / 2 pair updates. Each item's basket count grows by one.
    public mutating func recordBasket(_ items: some Collection<Int32>) {
        var distinct: [Int32] = []
        distinct.reserveCapacity(min(items.count, maxBasketSize))
        for item in items where item >= 0 && distinct.count < maxBasketSize && !distinct.contains(item) {
            distinct.append(item)
        }
        for (position, item) in distinct.enumerated() {
            coBuy.addTotal(1, to: item)
            for other in distinct[(position + 1)...] {
                coBuy.add(1, from: item, to: other, cap: maxNeighbours)
                coBuy.add(1, from: other, to: item, cap: maxNeighbours)
            }
        }
    }

    /// Counts `to` as following `from` in someone's ordered history (one direction only).
    ///
    /// - Parameter weight: What the transition counts (1 for a plain step).
    public mutating func recordTransition(from: Int32, to: Int32, weight: Float = 1) {
        guard from >= 0, to >= 0, from != to, weight.isFinite, weight > 0 else { return }
        sequence.addTotal(weight, to: from)
        sequence.add(weight, from: from, to: to, cap: maxNeighbours)
    }

    /// Drops `item`'s rows and counts in every relation, to reclaim memory when it is deleted.
    ///
    /// Entries naming `item` in other items' rows stay until pruned; callers filter deleted items.
    public mutating func forget(item: Int32) {
        coView.clear(item)
        coBuy.clear(item)
        sequence.clear(item)
    }

    /// How many neighbours `item` keeps in `relation` (at most ``maxNeighbours``).
    public func neighbourCount(of item: Int32, in relation: Relation) -> Int {
        table(relation).row(item).count
    }

    /// `item`'s own count in `relation`: its views, its baskets or its outgoing transition weight.
    public func occurrences(of item: Int32, in relation: Relation) -> Float {
        table(relation).total(item)
    }

    /// The count kept for the pair item→other in `relation` (0 when absent or pruned).
    public func count(from item: Int32, to other: Int32, in relation: Relation) -> Float {
        table(relation).weight(from: item, to: other)
    }

    /// One past the largest item index any relation has seen.
    public var itemCount: Int { max(coView.itemCount, coBuy.itemCount, sequence.itemCount) }

    func table(_ relation: Relation) -> RelationTable {
        switch relation {
        case .coView: coView
        case .coBuy: coBuy
        case .next: sequence
        }
    }
}
