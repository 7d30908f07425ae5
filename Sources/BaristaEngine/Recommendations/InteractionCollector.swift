import BaristaCore
import BaristaModels
import Synchronization

/// Turns a site's event log into the `for_you` model's training data: per person, the items they
/// interacted with, oldest first, each with its strongest feedback weight and latest time.
///
/// People merged by `alias` or `identify` count as one (the log records each merge; events read
/// before it are moved to the survivor). Weights are the site's `feedback_weights` (an order line
/// 5, an add to cart 3, a click 1.5, a view 1 by default); events weighted 0 are ignored.
struct InteractionCollector: Sendable {
    let weights: [String: Double]
    private(set) var events = 0
    /// The log position read through.
    var through: Int64 = 0
    private var people: [ProfileID: [String: (weight: Float, time: Double)]] = [:]

    init(weights: [String: Double]) { self.weights = weights }

    mutating func add(_ record: InteractionRecord) {
        events += 1
        let person = record.profileID
        if let loser = record.mergedProfileID, loser != person {
            if let history = people.removeValue(forKey: loser) {
                for (item, entry) in history { note(person, item, entry.weight, entry.time) }
            }
        }
        guard let name = record.name, !record.items.isEmpty else { return }
        let weight = Float(weights[name] ?? 0)
        guard weight > 0 else { return }
        for item in record.items { note(person, item, weight, record.timestamp) }
    }

    /// Drops what `profiles` did (an erasure).
    mutating func forget(_ profiles: [ProfileID]) {
        for profile in profiles { people.removeValue(forKey: profile) }
    }

    private mutating func note(_ person: ProfileID, _ item: String, _ weight: Float, _ time: Double) {
        if let current = people[person]?[item] {
            people[person]![item] = (max(current.weight, weight), max(current.time, time))
        } else {
            people[person, default: [:]][item] = (weight, time)
        }
    }

    /// The training data, items numbered by first appearance; nil when nobody interacted with an item.
    func trainingData() -> (training: ForYouTrainingData, itemIDs: [ItemID], people: Int)? {
        var itemIndex: [String: Int32] = [:]
        var itemIDs: [ItemID] = []
        var offsets = [0]
        var items: [Int32] = [], weights: [Float] = [], times: [Double] = []
        for person in people.keys.sorted() {
            guard let history = people[person], !history.isEmpty else { continue }
            for (item, entry) in history.sorted(by: { ($0.value.time, $0.key) < ($1.value.time, $1.key) }) {
                let index: Int32
                if let known = itemIndex[item] { index = known } else {
                    index = Int32(itemIDs.count)
                    itemIndex[item] = index
                    itemIDs.append(ItemID(item))
                }
                items.append(index)
                weights.append(entry.weight)
                times.append(entry.time)
            }
            offsets.append(items.count)
        }
        guard !itemIDs.isEmpty else { return nil }
        let training = ForYouTrainingData(itemCount: itemIDs.count, offsets: offsets, items: items, weights: weights, timestamps: times)
        return (training, itemIDs, offsets.count - 1)
    }
}

/// A site's interactions, kept between trainings so that each training reads only the log after
/// the last one: memory follows the (person, item) pairs, not the length of the log, and a
/// training under load no longer spends minutes re-reading it.
///
/// A training takes the collector and puts it back when done. An erasure removes the person from
/// the kept collector, and makes one that a training holds at that moment be dropped when it comes
/// back (the next training then reads the whole log, which no longer has the person's events); so
/// does a retention purge that deleted events.
final class InteractionCache: Sendable {
    private let state = Mutex<(kept: InteractionCollector?, generation: Int)>((nil, 0))

    /// The kept collector when it was made with `weights`, else a new one; and the generation to put it back with.
    func take(weights: [String: Double]) -> (InteractionCollector, generation: Int) {
        state.withLock { state in
            defer { state.kept = nil }
            if let kept = state.kept, kept.weights == weights { return (kept, state.generation) }
            return (InteractionCollector(weights: weights), state.generation)
        }
    }

    /// Keeps `collector` for the next training, unless something was forgotten since it was taken.
    func putBack(_ collector: InteractionCollector, generation: Int) {
        state.withLock { state in
            guard state.generation == generation else { return }
            state.kept = collector
        }
    }

    /// Removes what `profiles` did (an erasure).
    func forget(_ profiles: [ProfileID]) {
        state.withLock { state in
            state.generation += 1
            state.kept?.forget(profiles)
        }
    }

    /// Drops everything kept (events were purged): the next training reads the whole log.
    func reset() {
        state.withLock { state in
            state.generation += 1
            state.kept = nil
        }
    }
}
