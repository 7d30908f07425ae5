import BaristaCore
import BaristaModels
import Foundation

extension LiveModels {
    /// Learns from one accepted event, given the person's views, cart and purchases as they were
    /// just before it (newest first).
    ///
    /// - `Product Viewed` / `Product Clicked`: popularity; co-viewed with the person's last few
    ///   views; what came next after the previous view when it was recent.
    /// - `Product Added`: popularity; bought together with what is already in the cart.
    /// - `Order Completed`: popularity of each line; bought together within the order; what came
    ///   next after the person's previous purchases.
    /// Other events teach these models nothing.
    mutating func observe(
        _ event: Event, viewed: [Profile.ViewedItem], cart: [Profile.CartLine], purchases: [Profile.ViewedItem], weights: [String: Double]
    ) {
        guard event.kind == .track, let name = event.name else { return }
        let at = event.timestamp.timeIntervalSince1970
        let weight = Float(weights[name] ?? 0)
        switch name {
        case EventName.productViewed, EventName.productClicked:
            guard let id = event.productID else { return }
            let item = index(for: id)
            if weight > 0 { trending.record(item: item, category: category(of: item), weight: weight, at: at) }
            let vocabulary = self.vocabulary
            let recent = viewed.filter { $0.itemID != id }.prefix(Self.coViewWindow).compactMap { vocabulary.existingIndex(of: $0.itemID) }
            cooccurrence.recordView(item, recent: recent, at: at)
            if let previous = viewed.first, previous.itemID != id, event.timestamp.timeIntervalSince(previous.at) <= Self.transitionGap,
                let from = vocabulary.existingIndex(of: previous.itemID)
            {
                cooccurrence.recordTransition(from: from, to: item, weight: 1)
            }
        case EventName.productAdded:
            guard let id = event.productID else { return }
            let item = index(for: id)
            if weight > 0 { trending.record(item: item, category: category(of: item), weight: weight, at: at) }
            for line in cart where line.itemID != id {
                if let other = vocabulary.existingIndex(of: line.itemID) { cooccurrence.recordBasket([item, other]) }
            }
        case EventName.orderCompleted:
            var basket: [Int32] = []
            for line in event.properties["products"]?.arrayValue ?? [] {
                guard let raw = line["product_id"]?.idString else { continue }
                let item = index(for: ItemID(raw))
                guard !basket.contains(item) else { continue }
                basket.append(item)
                if weight > 0 { trending.record(item: item, category: category(of: item), weight: weight, at: at) }
            }
            guard !basket.isEmpty else { return }
            if basket.count > 1 { cooccurrence.recordBasket(basket) }
            // What this order followed: the person's latest earlier purchases (a refill after its product).
            let earlier = purchases.prefix(3).compactMap { vocabulary.existingIndex(of: $0.itemID) }
            for from in earlier {
                for to in basket where to != from { cooccurrence.recordTransition(from: from, to: to, weight: 1) }
            }
        default:
            return
        }
    }
}
