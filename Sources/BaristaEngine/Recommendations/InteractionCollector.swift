import BaristaCore
import BaristaModels

/// Turns a site's event log into the `for_you` model's training data: per person, the items they
/// interacted with, oldest first, each with its strongest feedback weight and latest time.
///
/// People merged by `alias` or `identify` count as one (the log records each merge; events read
/// before it are moved to the survivor). Weights are the site's `feedback_weights` (an order line
/// 5, an add to cart 3, a click 1.5, a view 1 by default); events weighted 0 are ignored.
struct InteractionCollector {
    let weights: [String: Double]
    private(set) var events = 0
    private var people: [ProfileID: [String: (weight: Float, time: Double)]] = [:]

    init(weights: [String: Double]) { self.weights = weights }

    mutating func add(_ stored: StoredEvent) {
        events += 1
        let person = stored.profileID
        if let loser = stored.mergedProfileID, loser != person {
            if let history = people.removeValue(forKey: loser) {
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
