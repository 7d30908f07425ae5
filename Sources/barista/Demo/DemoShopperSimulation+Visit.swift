import BaristaCore

extension DemoShopperSimulation {
    /// One visit: a landing page, a search or a category list, a few product views steered by
    /// the shopper's tastes, perhaps adds to cart, and perhaps a checkout, or an abandoned cart.
    mutating func visit(at start: Double, entry: Entry) {
        visitCount += 1
        var t = start
        var campaign: String?
        var landing: DemoProduct?
        var reminder = false
        switch entry {
        case .organic: break
        case .email(let name, let product): (campaign, landing) = (name, product)
        case .cartReminder(let name): (campaign, reminder) = (name, true)
        }
        let channel = identified && shopper.deviceID != nil && campaign == nil && rng.chance(0.45) ? "app" : "web"

        if shopper.identity == .registered, !identified {
            identify(at: t, channel: channel)  // logs in on the first visit
            t = later(t)
        }
        let landingName = reminder ? "Cart" : landing != nil ? "Product" : "Home"
        let path = reminder ? "/cart" : landing.map { "/products/" + $0.id } ?? "/"
        emit(
            channel == "app" ? "screen" : "page", landingName, at: t, channel: channel,
            properties: ["path": .string(path), "title": .string(landingName)], campaign: campaign)
        if shopper.identity == .identifiedLater, !identified, visitCount > 1, rng.chance(0.3) {
            t = later(t)
            identify(at: t, channel: channel)  // signs up
        }

        if reminder {
            t = later(t)
            viewCart(at: t, channel: channel, campaign: campaign)
        } else {
            t = browse(from: t, channel: channel, campaign: campaign, landing: landing)
        }
        if !cart.isEmpty {
            t = checkout(from: t, channel: channel, campaign: campaign, boost: reminder ? 0.25 : 0)
        }
        if !cart.isEmpty {
            if identified, subscribed, remindedCart != cartNumber, rng.chance(0.6) {
                remindedCart = cartNumber
                remindOfCart(at: t + 3_600)
            } else if rng.chance(0.3) {
                cart.removeAll()  // the cart expires before the next visit
                cartNumber += 1
            }
        }
    }

    /// A list (search results or a category), then product views, clicks and adds.
    /// - Returns: The time of the last event.
    private mutating func browse(from start: Double, channel: String, campaign: String?, landing: DemoProduct?) -> Double {
        var t = start
        var focus = rng.weightedIndex(shopper.categoryWeights)
        if let landing {
            focus = landing.category
            t = later(t)
            view(landing, at: &t, channel: channel, campaign: campaign, list: nil, position: 0)
        }
        t = later(t)
        let listID: String
        if rng.chance(0.3) {
            let query = searchQuery(category: focus)
            emit("track", "Products Searched", at: t, channel: channel, properties: ["query": .string(query)], campaign: campaign)
            t = later(t)
            listID = "search"
            emit(
                "track", "Product List Viewed", at: t, channel: channel,
                properties: ["list_id": "search", "query": .string(query)], campaign: campaign)
        } else {
            listID = "category/" + DemoCategory.all[focus].name
            emit(
                "track", "Product List Viewed", at: t, channel: channel,
                properties: ["list_id": .string(listID), "category": .string(DemoCategory.all[focus].name)],
                campaign: campaign)
        }
        let views = 1 + rng.geometric(mean: 2.2)
        for position in 1...views {
            let category = rng.chance(0.7) ? focus : rng.weightedIndex(shopper.categoryWeights)
            let shopper = self.shopper
            guard let product = catalog.sample(category: category, at: t, rng: &rng, appeal: shopper.appeal) else { continue }
            t = later(t)
            view(product, at: &t, channel: channel, campaign: campaign, list: listID, position: position)
        }
        return t
    }

    /// A product view (after a click on it in a list), and perhaps an add to cart.
    private mutating func view(
        _ product: DemoProduct, at t: inout Double, channel: String, campaign: String?, list: String?, position: Int
    ) {
        if let list, rng.chance(0.45) {
            emit(
                "track", "Product Clicked", at: t, channel: channel,
                properties: ["product_id": .string(product.id), "list_id": .string(list), "position": .number(Double(position))],
                campaign: campaign)
            t += rng.double(1...3)
        }
        emit("track", "Product Viewed", at: t, channel: channel, properties: product.eventProperties, campaign: campaign)
        let appeal = shopper.appeal(product)
        guard product.inStock, rng.chance(0.04 + 0.3 * appeal) else { return }
        t = later(t)
        let quantity = rng.chance(0.1) ? 2 : 1
        cart.append((product, quantity))
        var properties = product.eventProperties
        properties["quantity"] = .number(Double(quantity))
        properties["cart_id"] = .string(cartID)
        emit("track", "Product Added", at: t, channel: channel, properties: properties, campaign: campaign)
    }

    /// The cart as the shopper sees it.
    mutating func viewCart(at t: Double, channel: String, campaign: String?) {
        emit(
            "track", "Cart Viewed", at: t, channel: channel,
            properties: ["cart_id": .string(cartID), "products": .array(cartLines)], campaign: campaign)
    }

    /// Maybe removes something, maybe looks at the cart, and maybe checks out and pays. Shoppers who
    /// never identify do not buy; others identify at checkout if they have not yet.
    /// - Returns: The time of the last event.
    private mutating func checkout(from start: Double, channel: String, campaign: String?, boost: Double) -> Double {
        var t = later(start)
        if cart.count > 1, rng.chance(0.08) {
            let (product, quantity) = cart.removeLast()
            var properties = product.eventProperties
            properties["quantity"] = .number(Double(quantity))
            properties["cart_id"] = .string(cartID)
            emit("track", "Product Removed", at: t, channel: channel, properties: properties, campaign: campaign)
            t = later(t)
        }
        if rng.chance(0.6) {
            viewCart(at: t, channel: channel, campaign: campaign)
            t = later(t)
        }
        guard shopper.identity != .anonymous, rng.chance(0.2 + 0.45 * shopper.buyingPropensity + boost) else { return t }
        if !identified {
            identify(at: t, channel: channel)
            t = later(t)
        }
        let orderID = "order-" + String(shopper.index + 1) + "-" + String(orderCount + 1)
        let revenue = (cart.reduce(0) { $0 + $1.product.price * Double($1.quantity) } * 100).rounded() / 100
        let lines = cartLines
        emit(
            "track", "Checkout Started", at: t, channel: channel,
            properties: ["order_id": .string(orderID), "value": .number(revenue), "currency": "EUR", "products": .array(lines)],
            campaign: campaign)
        guard rng.chance(0.82) else { return t }  // gives up at payment
        t = later(t) + rng.double(30...240)
        orderCount += 1
        emit(
            "track", "Order Completed", at: t, channel: channel,
            properties: [
                "order_id": .string(orderID), "products": .array(lines), "revenue": .number(revenue), "currency": "EUR",
            ],
            campaign: campaign)
        if rng.chance(0.15), let bought = cart.first?.product {
            let ratedAt = t + rng.double(3...14) * 86_400
            if ratedAt < now {
                let rating = min(5, max(1, Int((2.5 + 2.5 * shopper.appeal(bought) + rng.normal() * 0.7).rounded())))
                emit(
                    "track", "Product Rated", at: ratedAt, channel: "web",
                    properties: ["product_id": .string(bought.id), "rating": .number(Double(rating))])
            }
        }
        cart.removeAll()
        cartNumber += 1
        return t
    }

    /// The current cart's id.
    var cartID: String { "cart-" + String(shopper.index + 1) + "-" + String(cartNumber) }

    /// The cart as `products[]` lines.
    var cartLines: [JSONValue] {
        cart.map { ["product_id": .string($0.product.id), "quantity": .number(Double($0.quantity)), "price": .number($0.product.price)] }
    }

    /// What the shopper types into search: a colour and a category, a style, or a favourite brand.
    private mutating func searchQuery(category: Int) -> String {
        let name = DemoCategory.all[category].name
        switch rng.int(0...2) {
        case 0: return DemoVocabulary.colours[rng.pick(shopper.colours)].name.lowercased() + " " + name
        case 1: return rng.pick(DemoCategory.all[category].styles).style + " " + name
        default: return DemoVocabulary.brands[rng.pick(shopper.brands)].lowercased()
        }
    }
}
