import BaristaCore

/// The catalog of the Online Retail file: one item per StockCode sold (at a price, or to a known
/// customer), with its most recent description as title and its most recent positive unit price
/// as price.
///
/// Lines at price 0 without a customer are the shop's stock adjustments ("check", "damaged",
/// "Found by jackie"): they neither add products nor rename them. A description from a priced line
/// wins over one from a free line.
struct OnlineRetailCatalog {
    /// What is known of one StockCode so far.
    private struct Product {
        var title = ""
        var titleTime = ""
        var titleFromPricedLine = false
        var price: Double?
        var priceTime = ""

        /// Keeps the line's description and price when they are the most recent.
        mutating func update(with line: OnlineRetailLine) {
            let priced = line.unitPrice > 0
            if !line.description.isEmpty, priced && !titleFromPricedLine || (priced == titleFromPricedLine && line.time >= titleTime) {
                title = line.description
                titleTime = line.time
                titleFromPricedLine = priced
            }
            if line.unitPrice > 0, line.time >= priceTime {
                price = line.unitPrice
                priceTime = line.time
            }
        }
    }

    private var index: [String: Int] = [:]
    private var codes: [String] = []
    private var products: [Product] = []

    /// Takes what `line` says about its product (cancellations and returns are not passed in).
    /// "Most recent" is by invoice time, a later line of the file winning a tie.
    mutating func add(_ line: OnlineRetailLine) {
        guard line.unitPrice > 0 || line.customer != nil else { return }  // a stock adjustment
        if let position = index[line.stockCode] {
            products[position].update(with: line)
        } else {
            index[line.stockCode] = products.count
            codes.append(line.stockCode)
            products.append(Product())
            products[products.count - 1].update(with: line)
        }
    }

    /// The items, shaped like `PUT /v1/items` bodies plus `item_id`, in order of first appearance.
    ///
    /// The category is the product noun of the title (``OnlineRetailCategory``) or absent; all
    /// items are in stock (the file says nothing about stock). Non-product codes (`POST`, `DOT`,
    /// `M`, `BANK CHARGES`…) stay ordinary items, as in the published evaluation.
    func items() -> [JSONValue] {
        zip(codes, products).map { code, product in
            var item: [String: JSONValue] = ["item_id": .string(code), "currency": "GBP", "in_stock": true]
            item["title"] = .string(product.title.isEmpty ? code : product.title)
            if let category = OnlineRetailCategory.of(product.title) { item["category"] = .string(category) }
            if let price = product.price { item["price"] = .number(price) }
            return .object(item)
        }
    }
}
