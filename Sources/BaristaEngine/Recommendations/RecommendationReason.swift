import BaristaCore

/// Why an item was recommended, kept as data until the answer is written, then put in words.
enum RecommendationReason: Sendable, Hashable {
    /// Collaborative filtering from the person's history; the history item that contributed most, when known.
    case forYou(source: Int32?)
    /// Viewed with (or like) a recent view of the person.
    case becauseYouViewed(source: Int32)
    /// Like the context item.
    case similarTo(source: Int32)
    /// Shares catalog attributes with the context item (a new item, or one with little history).
    case sharesAttributes(source: Int32)
    /// Often in the same order or cart as the source.
    case boughtWith(source: Int32)
    /// What people took next after the source.
    case next(after: Int32)
    /// Matches a stated preference.
    case preference(attribute: String, value: String)
    /// Popular in a category the person likes (or asked for).
    case popularIn(category: String)
    /// Popular now across the site.
    case trending
    /// The person viewed it.
    case recentlyViewed

    /// Whether the reason rests on the person's own data.
    var isPersonal: Bool {
        switch self {
        case .forYou, .becauseYouViewed, .preference, .recentlyViewed: true
        case .popularIn, .similarTo, .sharesAttributes, .boughtWith, .next, .trending: false
        }
    }

    /// The item the reason names, if it names one.
    var source: Int32? {
        switch self {
        case .forYou(let source): source
        case .becauseYouViewed(let source), .similarTo(let source), .sharesAttributes(let source), .boughtWith(let source), .next(let source):
            source
        case .preference, .popularIn, .trending, .recentlyViewed: nil
        }
    }

    /// The reason in words, naming its source item by `title`.
    func text(title: String?, personalizationOff: Bool) -> String {
        let name = title ?? "an item"
        let words: String
        switch self {
        case .forYou(.some): words = "Because you liked \(name)"
        case .forYou(nil): words = "Picked for you from your history"
        case .becauseYouViewed: words = "Because you viewed \(name)"
        case .similarTo: words = "Similar to \(name)"
        case .sharesAttributes: words = "Like \(name): same kind of item"
        case .boughtWith: words = "Often bought with \(name)"
        case .next: words = "Often comes next after \(name)"
        case .preference(let attribute, let value): words = "Matches your preferred \(attribute) \(value)"
        case .popularIn(let category): words = "Popular in \(category)"
        case .trending: words = "Trending now"
        case .recentlyViewed: words = "You viewed this recently"
        }
        return personalizationOff ? words + " (not personalized)" : words
    }
}
