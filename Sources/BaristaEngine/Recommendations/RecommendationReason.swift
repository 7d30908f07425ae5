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

    /// The reason in words, naming source items by title.
    func text(title: (Int32) -> String, personalizationOff: Bool) -> String {
        let words: String
        switch self {
        case .forYou(let source?): words = "Because you liked \(title(source))"
        case .forYou(nil): words = "Picked for you from your history"
        case .becauseYouViewed(let source): words = "Because you viewed \(title(source))"
        case .similarTo(let source): words = "Similar to \(title(source))"
        case .sharesAttributes(let source): words = "Like \(title(source)): same kind of item"
        case .boughtWith(let source): words = "Often bought with \(title(source))"
        case .next(let source): words = "Often comes next after \(title(source))"
        case .preference(let attribute, let value): words = "Matches your preferred \(attribute) \(value)"
        case .popularIn(let category): words = "Popular in \(category)"
        case .trending: words = "Trending now"
        case .recentlyViewed: words = "You viewed this recently"
        }
        return personalizationOff ? words + " (not personalized: no personalization consent)" : words
    }
}
