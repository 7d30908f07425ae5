import Foundation

/// The demo shop's assortment: model families in a few colours each, spread over the twelve
/// categories, with brand price premiums and a long-tailed popularity.
struct DemoCatalog: Sendable {
    /// Every product, `sku-00001` first.
    let products: [DemoProduct]
    /// Which brands sell in each category.
    let brandsByCategory: [[Int]]
    /// Product indices per category.
    private let byCategory: [[Int]]
    /// Running totals of popularity per category, aligned with `byCategory`.
    private let cumulative: [[Double]]

    /// Builds `count` products.
    ///
    /// - Parameters:
    ///   - count: How many products.
    ///   - rng: The generator (the catalog's own stream).
    ///   - now: The present, in Unix seconds.
    ///   - days: The length of the simulated history; products published within it are `new`.
    init(count: Int, rng: inout SplitMix64, now: Double, days: Int) {
        let categories = DemoCategory.all
        // Each brand sells in one to four categories; every category gets at least four brands.
        var brandsByCategory = Array(repeating: [Int](), count: categories.count)
        let premiums = DemoVocabulary.brands.map { _ in rng.logNormal(median: 1, sigma: 0.25) }
        for brand in DemoVocabulary.brands.indices {
            for c in rng.distinctIndices(rng.int(1...4), weights: categories.map(\.share)) {
                brandsByCategory[c].append(brand)
            }
        }
        for c in categories.indices where brandsByCategory[c].count < 4 {
            while brandsByCategory[c].count < 4 {
                let brand = rng.int(0...(DemoVocabulary.brands.count - 1))
                if !brandsByCategory[c].contains(brand) { brandsByCategory[c].append(brand) }
            }
        }

        var products: [DemoProduct] = []
        products.reserveCapacity(count)
        var families: [Int] = []  // the family of each product
        var familyCount = 0
        while products.count < count {
            let c = rng.weightedIndex(categories.map(\.share))
            let category = categories[c]
            let (style, nouns) = rng.pick(category.styles)
            let brand = rng.pick(brandsByCategory[c])
            var name = rng.pick(DemoVocabulary.models) + " " + rng.pick(nouns)
            if rng.chance(0.3) { name += " " + String(rng.int(2...5)) }
            let raw = rng.logNormal(median: category.medianPrice * premiums[brand], sigma: category.priceSigma)
            let price = raw < 20 ? max(4.99, raw.rounded(.down) + 0.99) : (raw / 5).rounded() * 5 - 0.01
            let isNew = rng.chance(0.12)
            let published = isNew
                ? now - rng.double(1...Double(days)) * 86_400
                : now - rng.double(Double(days)...Double(days + 720)) * 86_400
            var tags = [style] + rng.distinctIndices(rng.int(1...3), weights: category.features.map { _ in 1 })
                .map { category.features[$0] }
            if isNew { tags.append("new") }
            let gender = category.gendered ? rng.pick(["women", "men", "women", "men", "unisex"]) : "unisex"
            let material = rng.pick(category.materials)
            let colours = rng.distinctIndices(
                min(count - products.count, rng.int(1...4)), weights: DemoVocabulary.colours.map(\.weight))
            for (variant, colour) in colours.enumerated() {
                let id = "sku-" + String(products.count + 1).zeroPadded(to: 5)
                products.append(
                    DemoProduct(
                        id: id, title: name + " (" + DemoVocabulary.colours[colour].name + ")", category: c,
                        brand: brand, colour: colour, style: style, price: price, tags: tags,
                        inStock: !rng.chance(0.04), gender: gender, material: material,
                        publishedAt: (published + Double(variant * rng.int(0...3)) * 86_400).rounded(.down),
                        popularity: variant == 0 ? 1 : rng.double(0.3...0.9)))
                families.append(familyCount)
            }
            familyCount += 1
        }
        // Long tail: each family's demand follows Zipf's law by a random rank.
        var ranks = Array(1...familyCount)
        ranks.shuffle(using: &rng)
        for index in products.indices {
            products[index].popularity /= pow(Double(ranks[families[index]]), 0.9)
            products[index].prepareEventProperties()
        }
        self.products = products
        self.brandsByCategory = brandsByCategory
        byCategory = categories.indices.map { c in products.indices.filter { products[$0].category == c } }
        cumulative = byCategory.map { indices in
            var total = 0.0
            return indices.map { total += products[$0].popularity; return total }
        }
    }

    /// A product of `category` that exists at `time`, drawn by popularity and kept with
    /// probability `appeal(product)` (the shopper's taste); after a few refusals, the last draw.
    func sample(
        category: Int, at time: Double, rng: inout SplitMix64, appeal: (DemoProduct) -> Double
    ) -> DemoProduct? {
        let indices = byCategory[category]
        guard !indices.isEmpty else { return nil }
        var fallback: DemoProduct?
        for _ in 0..<12 {
            let product = products[indices[rng.index(cumulative: cumulative[category])]]
            guard product.publishedAt <= time else { continue }
            fallback = product
            if rng.chance(appeal(product)) { return product }
        }
        return fallback
    }
}
