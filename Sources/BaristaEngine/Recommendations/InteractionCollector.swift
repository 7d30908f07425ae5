import BaristaCore
import BaristaModels

/// Turns a site's event log into the `for_you` model's training data: per person, the items they
/// interacted with, oldest first, each with its strongest feedback weight and latest time.
///
/// People merged by `alias` or `identify` count as one (the log records each merge; events read
/// before it are moved to the survivor). Weights are the site's `feedback_weights` (an order line
/// 5, an add to cart 3, a click 1.5, a view 1 by default); events weighted 0 are ignored.
///
/// Memory is bounded by the window, not by the log: interactions older than `notBefore` are not
/// kept, and whenever more than 1.5 × `window.maxInteractions` are held the oldest are dropped
/// down to `maxInteractions` (so an interaction costs its entry only while it may still count).
struct InteractionCollector {
    let weights: [String: Double]
    let window: TrainingWindow
    /// Interactions before this time (Unix seconds) are not kept.
    let notBefore: Double
    private(set) var events = 0
    /// Interactions dropped as older than the window.
    private(set) var dropped = 0
    private var people: [ProfileID: [String: (weight: Float, time: Double)]] = [:]
    private var entries = 0

    init(weights: [String: Double], window: TrainingWindow = .unbounded, notBefore: Double = -.infinity) {
        self.weights = weights
        self.window = window
        self.notBefore = notBefore
    }

    /// How many (person, item) interactions are held now.
    var interactionCount: Int { entries }

    mutating func add(_ stored: StoredEvent) {
        events += 1
        let person = stored.profileID
        if let loser = stored.mergedProfileID, loser != person {
            if let history = people.removeValue(forKey: loser) {
                entries -= history.count
                for (item, entry) in history { note(person, item, entry.weight, entry.time) }
            }
        }
        let event = stored.event
        guard event.kind == .track, let name = event.name else { return }
        let weight = Float(weights[name] ?? 0)
        guard weight > 0 else { return }
        let time = event.timestamp.timeIntervalSince1970
        if name == EventName.orderCompleted {
            for line in event.properties["products"]?.arrayValue ?? [] {
                if let id = line["product_id"]?.idString { note(person, id, weight, time) }
            }
        } else if let id = event.productID {
            note(person, id.rawValue, weight, time)
        }
    }

    private mutating func note(_ person: ProfileID, _ item: String, _ weight: Float, _ time: Double) {
        guard time >= notBefore else { dropped += 1; return }
        if let current = people[person]?[item] {
            people[person]![item] = (max(current.weight, weight), max(current.time, time))
        } else {
            people[person, default: [:]][item] = (weight, time)
            entries += 1
            if window.maxInteractions < .max / 2, entries > window.maxInteractions + window.maxInteractions / 2 { trim() }
        }
    }

    /// Drops the oldest interactions down to `window.maxInteractions` (ties at the threshold stay).
    mutating func trim() {
        let threshold = window.threshold(people.values.flatMap { $0.values.map(\.time) })
        guard threshold > -.infinity else { return }
        var kept = 0
        for (person, history) in people {
            let newer = history.filter { $0.value.time >= threshold }
            dropped += history.count - newer.count
            kept += newer.count
            people[person] = newer.isEmpty ? nil : newer
        }
        entries = kept
    }

    /// The training data, items numbered by first appearance; nil when nobody interacted with an item.
    mutating func trainingData() -> (training: ForYouTrainingData, itemIDs: [ItemID], people: Int)? {
        trim()
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
