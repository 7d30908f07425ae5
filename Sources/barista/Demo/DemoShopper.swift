import BaristaCore
import Foundation

/// A simulated shopper: who they are, how they identify themselves, and their hidden tastes
/// (favourite categories, brands, colours and styles, a price level), which steer what they view,
/// add and buy, so that a recommender has something real to find.
struct DemoShopper: Sendable {
    /// When the shop learns who the shopper is.
    enum Identity: Sendable {
        /// Logs in on the first visit.
        case registered
        /// Browses anonymously at first and signs up later (or at a first checkout).
        case identifiedLater
        /// Never tells: anonymous events only, never buys.
        case anonymous
    }

    /// Position among all shoppers (for ids and message ids).
    let index: Int
    /// The shop's customer id, used once identified (`cust-00042`).
    let userID: String
    /// The browser's anonymous id.
    let anonymousID: String
    /// The app's anonymous id, for shoppers who also use the app (only once identified).
    let deviceID: String?
    /// When the shop learns who the shopper is.
    let identity: Identity
    // Tastes are arrays, not sets: a set's iteration order differs from one instance to the next,
    // and the generator must be deterministic.

    /// How likely each category is to be browsed (sums to 1).
    let categoryWeights: [Double]
    /// Favourite brands (indices into ``DemoVocabulary/brands``).
    let brands: [Int]
    /// Favourite colours (indices into ``DemoVocabulary/colours``).
    let colours: [Int]
    /// Favourite styles (`running`, `rain`).
    let styles: [String]
    /// Multiplies a category's median price to give the shopper's comfortable price.
    let priceLevel: Double
    /// 0…1: how readily a full cart becomes an order.
    let buyingPropensity: Double
    /// How many visits over the period.
    let sessions: Int
    /// First visit (Unix seconds).
    let firstVisit: Double
    /// Whether marketing email is sent once identified.
    let subscribed: Bool
    /// The chance of opening a marketing email.
    let openRate: Double
    /// The chance of clicking a link in an opened email.
    let clickRate: Double
    /// Given name.
    let firstName: String
    /// Family name.
    let lastName: String
    /// `YYYY-MM-DD`, when the shopper gives it.
    let birthday: String?
    /// Country of the address.
    let country: String
    /// City of the address.
    let city: String
    /// Browser or app locale (`nl-NL`).
    let locale: String

    /// Draws a shopper.
    ///
    /// - Parameters:
    ///   - index: The shopper's position.
    ///   - catalog: The assortment (for which brands sell in the favourite categories).
    ///   - rng: The shopper's own random stream.
    ///   - start: The start of the simulated period (Unix seconds).
    ///   - now: The end of it.
    init(index: Int, catalog: DemoCatalog, rng: inout SplitMix64, start: Double, now: Double) {
        self.index = index
        userID = "cust-" + String(index + 1).zeroPadded(to: 5)
        anonymousID = rng.uuid()
        let roll = rng.unit()
        identity = roll < 0.4 ? .registered : roll < 0.75 ? .identifiedLater : .anonymous
        deviceID = identity != .anonymous && rng.chance(0.3) ? rng.uuid() : nil

        let categories = DemoCategory.all
        let favourites = rng.distinctIndices(rng.int(1...3), weights: categories.map(\.share))
        var weights = categories.map { $0.share * 0.12 }  // some exploration everywhere
        for c in favourites { weights[c] += rng.double(0.3...1) }
        let total = weights.reduce(0, +)
        categoryWeights = weights.map { $0 / total }
        let candidateBrands = Array(Set(favourites.flatMap { catalog.brandsByCategory[$0] })).sorted()
        brands = rng.distinctIndices(rng.int(2...4), weights: candidateBrands.map { _ in 1 }).map { candidateBrands[$0] }
        colours = rng.distinctIndices(rng.int(1...3), weights: DemoVocabulary.colours.map(\.weight))
        let candidateStyles = favourites.flatMap { categories[$0].styles.map(\.style) }
        styles = rng.distinctIndices(2, weights: candidateStyles.map { _ in 1 }).map { candidateStyles[$0] }
        priceLevel = rng.logNormal(median: 1, sigma: 0.35)
        buyingPropensity = rng.unit()
        sessions = min(60, max(1, Int(rng.logNormal(median: 3, sigma: 0.9).rounded())))
        firstVisit = (start + rng.unit() * (now - start - 7_200)).rounded(.down)
        subscribed = rng.chance(0.7)
        openRate = 0.08 + 0.5 * pow(rng.unit(), 1.5)
        clickRate = 0.05 + 0.3 * rng.unit()

        firstName = rng.pick(DemoVocabulary.firstNames)
        lastName = rng.pick(DemoVocabulary.lastNames)
        birthday = rng.chance(0.7)
            ? String(rng.int(1955...2005)) + "-" + String(rng.int(1...12)).zeroPadded(to: 2) + "-"
                + String(rng.int(1...28)).zeroPadded(to: 2)
            : nil
        let place = DemoVocabulary.countries[rng.weightedIndex(DemoVocabulary.countries.map(\.weight))]
        country = place.name
        city = rng.pick(place.cities)
        locale = place.locale
    }

    /// How much the shopper likes `product`, 0…1: favourite brand, colour and style help; a price
    /// far from the shopper's comfortable level hurts.
    func appeal(_ product: DemoProduct) -> Double {
        var score = 0.12
        if brands.contains(product.brand) { score += 0.4 }
        if colours.contains(product.colour) { score += 0.25 }
        if styles.contains(product.style) { score += 0.2 }
        let distance = log(product.price / (DemoCategory.all[product.category].medianPrice * priceLevel))
        score *= 0.35 + 0.65 * exp(-distance * distance / 0.5)
        return min(1, score)
    }

    /// The traits an `identify` carries: name, email, birthday (when known), address.
    var traits: JSONValue {
        let local = (firstName + "." + lastName).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
            .lowercased().filter { $0.isASCII && ($0.isLetter || $0 == ".") }
        var traits: [String: JSONValue] = [
            "name": .string(firstName + " " + lastName), "first_name": .string(firstName),
            "last_name": .string(lastName),
            "email": .string(local + String(index + 1) + "@example.com"),
            "address": ["country": .string(country), "city": .string(city)],
        ]
        if let birthday { traits["birthday"] = .string(birthday) }
        return .object(traits)
    }
}
