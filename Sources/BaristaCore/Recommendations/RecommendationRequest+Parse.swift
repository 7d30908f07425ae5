extension RecommendationRequest {
    /// Validates a `POST /v1/recommendations` body, collecting every problem with its JSON Pointer.
    ///
    /// Unknown members of `filters`, `exclude` and `diversity` are errors (a misspelt exclusion would
    /// otherwise be silently ignored); `context` may carry anything else the caller wants logged.
    ///
    /// - Parameters:
    ///   - body: The JSON body.
    ///   - contextLater: Whether the context item or cart is filled in when the request is answered
    ///     (a trigger's message supplies the items that triggered it), so a strategy that needs one
    ///     is not refused for its absence here.
    public static func parse(_ body: JSONValue, contextLater: Bool = false) -> Result<RecommendationRequest, ValidationErrors> {
        guard case .object(let object) = body else {
            return .failure(ValidationErrors([FieldError(field: "", message: "must be a JSON object")]))
        }
        var errors: [FieldError] = []
        func fail(_ field: String, _ message: String) { errors.append(FieldError(field: field, message: message)) }

        guard let name = object["strategy"]?.stringValue, let strategy = RecommendationStrategy(rawValue: name) else {
            let known = RecommendationStrategy.allCases.map(\.rawValue).joined(separator: ", ")
            return .failure(ValidationErrors([FieldError(field: "/strategy", message: "is required: one of \(known)")]))
        }
        var request = RecommendationRequest(strategy: strategy)
        for key in object.keys where !["user", "strategy", "limit", "context", "filters", "exclude", "diversity"].contains(key) {
            fail(JSONPointer().appending(key).description, "is not a field of a recommendation request")
        }
        if let user = object["user"], !user.isNull {
            switch UserReference.parse(user, at: JSONPointer("/user")) {
            case .success(let reference): request.user = reference
            case .failure(let problems): errors += problems.errors
            }
        }
        if let limit = object["limit"], !limit.isNull {
            if let n = limit.doubleValue, n == n.rounded(), n >= 1, n <= Double(maximumLimit) { request.limit = Int(n) } else {
                fail("/limit", "must be a whole number from 1 to \(maximumLimit)")
            }
        }
        if let context = object["context"], !context.isNull {
            parseContext(context, into: &request, fail: fail)
        }
        if let filters = object["filters"], !filters.isNull {
            request.filters = parseFilters(filters, fail: fail)
        }
        if let exclude = object["exclude"], !exclude.isNull {
            parseExclusions(exclude, into: &request.exclude, fail: fail)
        }
        if let diversity = object["diversity"], !diversity.isNull {
            request.diversity = parseDiversity(diversity, fail: fail)
        }
        switch strategy {
        case _ where contextLater:
            break
        case .similar, .next:
            if request.contextItem == nil, errors.isEmpty { fail("/context/item_id", "is required by the \(strategy.rawValue) strategy") }
        case .boughtTogether:
            if request.contextItem == nil, request.contextCart.isEmpty, errors.isEmpty {
                fail("/context", "needs item_id or cart for the bought_together strategy")
            }
        case .forYou, .trending, .recentlyViewed, .becauseYouViewed:
            break
        }
        return errors.isEmpty ? .success(request) : .failure(ValidationErrors(errors))
    }

    private static func parseContext(_ value: JSONValue, into request: inout RecommendationRequest, fail: (String, String) -> Void) {
        guard case .object(let context) = value else { return fail("/context", "must be an object") }
        if let item = context["item_id"] ?? context["itemId"], !item.isNull {
            if let id = itemID(item) { request.contextItem = id } else { fail("/context/item_id", "must be an item id: a string of 1 to 256 characters") }
        }
        if let cart = context["cart"], !cart.isNull {
            request.contextCart = itemIDs(cart, at: "/context/cart", fail: fail)
        }
        if let channel = context["channel"], !channel.isNull {
            if let text = channel.stringValue, (1...64).contains(text.count) { request.channel = text } else {
                fail("/context/channel", "must be a string of 1 to 64 characters")
            }
        }
    }

    private static func parseFilters(_ value: JSONValue, fail: (String, String) -> Void) -> RecommendationFilters {
        var filters = RecommendationFilters()
        guard case .object(let object) = value else {
            fail("/filters", "must be an object")
            return filters
        }
        for (key, value) in object {
            let pointer = "/filters" + JSONPointer().appending(key).description
            switch key {
            case "category":
                filters.categories = strings(value, at: pointer, fail: fail).map { $0.lowercased() }
            case "price":
                guard case .object(let price) = value else {
                    fail(pointer, "must be an object with min and/or max")
                    continue
                }
                for (bound, number) in price {
                    guard bound == "min" || bound == "max" else {
                        fail(pointer + "/" + bound, "is not a price bound: use min or max")
                        continue
                    }
                    guard let amount = number.doubleValue, amount >= 0, amount.isFinite else {
                        fail(pointer + "/" + bound, "must be a number ≥ 0")
                        continue
                    }
                    if bound == "min" { filters.minimumPrice = amount } else { filters.maximumPrice = amount }
                }
                if let low = filters.minimumPrice, let high = filters.maximumPrice, low > high {
                    fail(pointer, "min must not exceed max")
                }
            case "in_stock":
                if let flag = value.boolValue { filters.inStock = flag } else { fail(pointer, "must be true or false") }
            case "attributes":
                guard case .object(let attributes) = value else {
                    fail(pointer, "must be an object of attribute names to lists of values")
                    continue
                }
                for (name, allowed) in attributes {
                    let values = strings(allowed, at: pointer + JSONPointer().appending(name).description, fail: fail)
                    filters.attributes[name] = values.map { $0.lowercased() }
                }
            default:
                fail(pointer, "is not a filter: use category, price, in_stock or attributes")
            }
        }
        return filters
    }

    private static func parseExclusions(_ value: JSONValue, into exclude: inout RecommendationExclusions, fail: (String, String) -> Void) {
        guard case .object(let object) = value else { return fail("/exclude", "must be an object") }
        for (key, value) in object {
            let pointer = "/exclude" + JSONPointer().appending(key).description
            switch key {
            case "purchased", "viewed", "cart":
                guard let flag = value.boolValue else {
                    fail(pointer, "must be true or false")
                    continue
                }
                if key == "purchased" { exclude.purchased = flag } else if key == "viewed" { exclude.viewed = flag } else { exclude.cart = flag }
            case "items":
                exclude.items = itemIDs(value, at: pointer, fail: fail)
            default:
                fail(pointer, "is not an exclusion: use purchased, viewed, cart or items")
            }
        }
    }

    private static func parseDiversity(_ value: JSONValue, fail: (String, String) -> Void) -> Diversity? {
        guard case .object(let object) = value else {
            fail("/diversity", "must be an object {\"max_per\",\"value\"}")
            return nil
        }
        for key in object.keys where key != "max_per" && key != "value" {
            fail("/diversity" + JSONPointer().appending(key).description, "is not a field of diversity: use max_per and value")
        }
        guard let attribute = object["max_per"]?.stringValue, diversityAttributes.contains(attribute) else {
            fail("/diversity/max_per", "must be one of \(diversityAttributes.joined(separator: ", "))")
            return nil
        }
        guard let n = object["value"]?.doubleValue, n == n.rounded(), n >= 1, n <= Double(maximumLimit) else {
            fail("/diversity/value", "must be a whole number from 1 to \(maximumLimit)")
            return nil
        }
        return Diversity(attribute: attribute, value: Int(n))
    }

    private static func itemID(_ value: JSONValue) -> ItemID? {
        guard let text = value.stringValue, (1...256).contains(text.count) else { return nil }
        return ItemID(text)
    }

    private static func itemIDs(_ value: JSONValue, at pointer: String, fail: (String, String) -> Void) -> [ItemID] {
        guard let array = value.arrayValue, array.count <= 1000 else {
            fail(pointer, "must be an array of at most 1000 item ids")
            return []
        }
        var ids: [ItemID] = []
        for (index, element) in array.enumerated() {
            if let id = itemID(element) { ids.append(id) } else { fail(pointer + "/\(index)", "must be an item id: a string of 1 to 256 characters") }
        }
        return ids
    }

    /// A string or an array of strings (a single category may be given without brackets).
    private static func strings(_ value: JSONValue, at pointer: String, fail: (String, String) -> Void) -> [String] {
        if let text = value.stringValue { return [text] }
        guard let array = value.arrayValue, array.count <= 1000, array.allSatisfy({ $0.stringValue != nil }) else {
            fail(pointer, "must be a string or an array of at most 1000 strings")
            return []
        }
        return array.compactMap(\.stringValue)
    }
}
