import BaristaCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension AttributeIndex {
    /// The feature tokens of a catalog item, lower-cased and without duplicates.
    ///
    /// `category=…` (and, for a path such as `Shoes > Trail`, each ancestor `category=shoes`),
    /// `brand=…`, `color=…`, `style=…`, `tag=…` per tag, `attr:key=value` per scalar attribute
    /// (one per element of an array of scalars; objects are skipped), and two price bands
    /// `price=a…`/`price=b…` on interleaved log scales (see ``priceBands(_:)``).
    public static func features(of item: Item) -> [String] {
        var tokens: [String] = []
        var seen: Set<String> = []
        func add(_ token: String) { if seen.insert(token).inserted { tokens.append(token) } }
        if let category = item.category {
            let parts = category.split(separator: ">").map { normalise(String($0)) }.filter { !$0.isEmpty }
            if parts.count > 1 {
                for depth in 1..<parts.count { add("category=" + parts[0..<depth].joined(separator: " > ")) }
            }
            if let full = feature(.category, value: category) { add(full) }
        }
        for (dimension, value) in [(AffinityDimension.brand, item.brand), (.color, item.color), (.style, item.style)] {
            if let value, let token = feature(dimension, value: value) { add(token) }
        }
        for tag in item.tags { if let token = feature(.tags, value: tag) { add(token) } }
        if let price = item.price { priceBands(price).forEach(add) }
        for key in item.attributes.keys.sorted() {
            let name = normalise(key)
            guard !name.isEmpty, let value = item.attributes[key] else { continue }
            let values = value.arrayValue ?? [value]
            for element in values {
                if let text = scalarText(element), !text.isEmpty { add("attr:\(name)=\(text)") }
            }
        }
        return tokens
    }

    /// The token for an affinity value, as ``features(of:)`` writes it: `brand=acme`, `tag=trail`.
    ///
    /// Build the taste passed to ``matching(_:limit:where:)`` from a profile's affinities with this.
    /// - Returns: Nil when `value` is empty once trimmed.
    public static func feature(_ dimension: AffinityDimension, value: String) -> String? {
        let text = normalise(value)
        guard !text.isEmpty else { return nil }
        let name = dimension == .tags ? "tag" : dimension.rawValue
        return "\(name)=\(text)"
    }

    /// The two price-band tokens of `price`.
    ///
    /// Bands are half-octaves (each ≈ √2 wide) on two grids offset by a quarter octave, so two
    /// prices within ≈ 19 % (2^¼) of each other always share a token and prices a factor √2 or
    /// more apart never do. A price of 0 is `price=free`.
    public static func priceBands(_ price: Double) -> [String] {
        guard price.isFinite, price >= 0 else { return [] }
        guard price > 0 else { return ["price=free"] }
        let position = 2 * log2(price)
        return ["price=a\(Int(position.rounded(.down)))", "price=b\(Int((position + 0.5).rounded(.down)))"]
    }

    static func normalise(_ text: String) -> String {
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
              let last = text.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return text[first...last].lowercased()
    }

    static func scalarText(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): normalise(text)
        case .bool(let flag): flag ? "true" : "false"
        case .number(let number):
            number.isFinite && number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : "\(number)"
        case .null, .array, .object: nil
        }
    }
}
