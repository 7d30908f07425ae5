import BaristaCore
import Foundation

/// Generates a believable demo shop, the same for the same seed: a catalog of fashion and
/// outdoor products (twelve categories, forty brands, twelve colours, log-normal prices, a long
/// tail of popularity, a few items sold out) and months of shopper history across web, app and
/// email, driven by each shopper's hidden tastes.
///
/// ```swift
/// let shop = DemoShopGenerator(seed: 42, now: Date()).generate()
/// // shop.items: 2,000 items; shop.events: ~200k events, oldest first
/// ```
struct DemoShopGenerator: Sendable {
    /// Everything random follows from it.
    let seed: UInt64
    /// How many catalog items.
    let products: Int
    /// How many people visit.
    let shoppers: Int
    /// How far back the history goes.
    let days: Int
    /// The end of the history.
    let now: Date

    /// Configures a demo shop.
    ///
    /// - Parameters:
    ///   - seed: Everything random follows from it.
    ///   - products: How many catalog items.
    ///   - shoppers: How many people visit.
    ///   - days: How far back the history goes.
    ///   - now: The end of the history; no event is later.
    init(seed: UInt64, products: Int = 2000, shoppers: Int = 5000, days: Int = 90, now: Date) {
        self.seed = seed
        self.products = max(1, products)
        self.shoppers = max(0, shoppers)
        self.days = max(1, days)
        self.now = now
    }

    /// Builds the catalog and plays every shopper's history.
    ///
    /// Each shopper has an independent random stream, so a shopper's history does not depend on
    /// the others'. Events come out sorted by time (ties in generation order), each with a unique
    /// message id `demo-<seed>-<shopper>-<n>`.
    func generate() -> DemoShop {
        let end = now.timeIntervalSince1970.rounded(.down)
        let start = end - Double(days) * 86_400
        var catalogRNG = SplitMix64(seed: seed, stream: 0)
        let catalog = DemoCatalog(count: products, rng: &catalogRNG, now: end, days: days)
        let newsletters = DemoNewsletter.schedule(start: start, now: end)

        var events: [DemoEvent] = []
        events.reserveCapacity(shoppers * 45)
        for index in 0..<shoppers {
            var rng = SplitMix64(seed: seed, stream: UInt64(index) + 1)
            let shopper = DemoShopper(index: index, catalog: catalog, rng: &rng, start: start, now: end)
            var simulation = DemoShopperSimulation(shopper: shopper, catalog: catalog, seed: seed, rng: rng, now: end)
            events += simulation.run(newsletters: newsletters)
        }
        let order = events.indices.filter { events[$0].time <= end }.sorted {
            events[$0].time != events[$1].time ? events[$0].time < events[$1].time : $0 < $1
        }
        return DemoShop(items: catalog.products.map(\.json), events: order.map { events[$0].value })
    }
}
