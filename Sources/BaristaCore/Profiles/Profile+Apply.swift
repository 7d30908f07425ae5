import Foundation

extension Profile {
    /// Folds one accepted event into the profile.
    public mutating func apply(_ event: Event, context: ApplyContext) {
        let at = event.timestamp
        if firstSeen.map({ at < $0 }) ?? true { firstSeen = at }
        if lastSeen.map({ at > $0 }) ?? true { lastSeen = at }
        let channel = event.channel
        if event.kind != .consent && event.kind != .preferences && !channels.contains(channel) { channels.append(channel) }
        let countKey = event.kind == .track ? (event.name ?? "track") : event.kind.rawValue
        eventCounts[countKey, default: 0] += 1
        recordRecent(event, channel: channel)

        switch event.kind {
        case .identify:
            traits = JSONValue.object(traits).deepMerging(.object(event.traits)).objectValue ?? traits
        case .consent:
            if case .success(let change) = Consent.parse(.object(event.properties), at: JSONPointer()) {
                consent = consent.updated(with: change)
                // Opting in to email again, after an unsubscribe, lifts it.
                if change.email == true, let unsubscribed = unsubscribedAt, at > unsubscribed { unsubscribedAt = nil }
            }
        case .preferences:
            if case .success(let change) = Preferences.parse(.object(event.properties), at: JSONPointer()) {
                preferences = preferences.updated(with: change)
            }
        case .track:
            if !event.traits.isEmpty {
                traits = JSONValue.object(traits).deepMerging(.object(event.traits)).objectValue ?? traits
            }
            applyTrack(event, context: context)
        case .page, .screen, .alias:
            touchSession(at: at)
        }
    }

    private mutating func recordRecent(_ event: Event, channel: String) {
        // Scalars only: a summary is a line in a timeline, and every profile keeps twenty of them.
        let summary = EventSummary(
            type: event.kind.rawValue, event: event.name, messageID: event.messageID, at: event.timestamp, channel: channel,
            properties: event.properties.filter { (key, value) in
                switch value {
                case .array, .object: false
                case .string(let s): s.utf8.count <= 256
                default: true
                }
            })
        let position = recentEvents.firstIndex { $0.at < summary.at } ?? recentEvents.endIndex
        guard position < Self.recentLimit else { return }
        recentEvents.insert(summary, at: position)
        if recentEvents.count > Self.recentLimit { recentEvents.removeLast() }
    }

    @discardableResult
    private mutating func touchSession(at: Date) -> Bool {
        if var current = session {
            if at < current.startedAt.addingTimeInterval(-Session.timeout) { return false }  // an old event: no session effect
            if at.timeIntervalSince(current.lastActivityAt) > Session.timeout {
                session = Session(startedAt: at, lastActivityAt: at)
            } else {
                current.lastActivityAt = max(current.lastActivityAt, at)
                session = current
            }
        } else {
            session = Session(startedAt: at, lastActivityAt: at)
        }
        return true
    }

    private mutating func applyTrack(_ event: Event, context: ApplyContext) {
        let at = event.timestamp
        let name = event.name ?? ""
        let inSession = touchSession(at: at)
        let weight = context.feedbackWeights[name] ?? 0

        switch name {
        case EventName.productViewed, EventName.productClicked:
            guard let itemID = event.productID else { break }
            if name == EventName.productViewed {
                recordView(itemID, at: at)
                if inSession { session?.views += 1 }
            }
            addAffinity(itemID, weight: weight, at: at, context: context)
        case EventName.productAdded:
            guard let itemID = event.productID else { break }
            let quantity = max(event.properties["quantity"]?.doubleValue ?? 1, 0)
            let price = event.properties["price"]?.doubleValue ?? context.item(itemID)?.price
            if let index = cart.firstIndex(where: { $0.itemID == itemID }) {
                cart[index].quantity += quantity
                if let price { cart[index].price = price }
            } else {
                cart.append(CartLine(itemID: itemID, quantity: quantity, price: price, addedAt: at))
            }
            if inSession { session?.adds += 1 }
            addAffinity(itemID, weight: weight, at: at, context: context)
        case EventName.productRemoved:
            guard let itemID = event.productID, let index = cart.firstIndex(where: { $0.itemID == itemID }) else { break }
            let quantity = event.properties["quantity"]?.doubleValue
            if let quantity, quantity < cart[index].quantity {
                cart[index].quantity -= quantity
            } else {
                cart.remove(at: index)
            }
        case EventName.checkoutStarted:
            if inSession { session?.checkoutStarted = true }
        case EventName.orderCompleted:
            orders += 1
            recordOrderDay(at)
            let lines = event.properties["products"]?.arrayValue ?? []
            var lineTotal = 0.0
            for line in lines {
                guard let raw = line["product_id"]?.idString else { continue }
                let itemID = ItemID(raw)
                let quantity = line["quantity"]?.doubleValue ?? 1
                lineTotal += quantity * (line["price"]?.doubleValue ?? 0)
                purchased.insert(itemID)
                Self.record(itemID, at: at, in: &recentPurchases, limit: Self.recentPurchasesLimit)
                addAffinity(itemID, weight: weight, at: at, context: context)
            }
            revenue += event.properties["revenue"]?.doubleValue ?? event.properties["total"]?.doubleValue ?? lineTotal
            cart.removeAll()
            if inSession { session?.ordered = true }
        case EventName.emailDelivered, EventName.emailOpened, EventName.emailLinkClicked:
            recordEmail(name, at: at)
        case EventName.unsubscribed:
            if unsubscribedAt.map({ at > $0 }) ?? true { unsubscribedAt = at }
        default:
            if let itemID = event.productID, weight != 0 { addAffinity(itemID, weight: weight, at: at, context: context) }
        }
    }

    private mutating func recordEmail(_ name: String, at: Date) {
        let week = Int32((at.timeIntervalSince1970 / (7 * 86_400)).rounded(.down))
        var index = emailWeeks.firstIndex { $0.week >= week } ?? emailWeeks.endIndex
        if index == emailWeeks.endIndex || emailWeeks[index].week != week {
            // A week older than every kept one, once the list is full, is not worth keeping.
            if emailWeeks.count >= Self.emailWeeksLimit && index == 0 { return }
            emailWeeks.insert(EmailWeek(week: week), at: index)
            if emailWeeks.count > Self.emailWeeksLimit {
                emailWeeks.removeFirst()
                index -= 1
            }
        }
        switch name {
        case EventName.emailDelivered: emailWeeks[index].sends += 1
        case EventName.emailOpened:
            emailWeeks[index].opens += 1
            if emailOpenHours.count != 24 { emailOpenHours = Array(repeating: 0, count: 24) }
            let secondOfDay = (Int(at.timeIntervalSince1970.rounded(.down)) % 86_400 + 86_400) % 86_400
            emailOpenHours[secondOfDay / 3_600] += 1
        default: emailWeeks[index].clicks += 1
        }
    }

    private mutating func recordOrderDay(_ at: Date) {
        let day = Int32((at.timeIntervalSince1970 / 86_400).rounded(.down))
        Self.insertDay(day, into: &orderDays)
    }

    /// Inserts `day` into an ascending list of distinct days, keeping the first day and the latest
    /// ones when the list is full.
    private static func insertDay(_ day: Int32, into days: inout [Int32]) {
        var low = 0, high = days.count
        while low < high {
            let middle = (low + high) / 2
            if days[middle] < day { low = middle + 1 } else { high = middle }
        }
        guard low == days.count || days[low] != day else { return }
        days.insert(day, at: low)
        if days.count > orderDaysLimit { days.remove(at: 1) }
    }

    private mutating func recordView(_ itemID: ItemID, at: Date) {
        Self.record(itemID, at: at, in: &recentlyViewed, limit: Self.recentlyViewedLimit)
    }

    /// Moves `itemID` to its place (newest first) in a bounded, one-entry-per-item history.
    private static func record(_ itemID: ItemID, at: Date, in history: inout [ViewedItem], limit: Int) {
        if let existing = history.firstIndex(where: { $0.itemID == itemID }) {
            guard history[existing].at < at else { return }
            history.remove(at: existing)
        }
        let position = history.firstIndex { $0.at < at } ?? history.endIndex
        guard position < limit else { return }
        history.insert(ViewedItem(itemID: itemID, at: at), at: position)
        if history.count > limit { history.removeLast() }
    }

    private mutating func addAffinity(_ itemID: ItemID, weight: Double, at: Date, context: ApplyContext) {
        guard weight != 0, let item = context.item(itemID) else { return }
        for dimension in AffinityDimension.allCases {
            for value in item.attributeValues(dimension) {
                affinities.add(weight, to: value, of: dimension, at: at, halfLife: context.halfLife)
            }
        }
    }
}

extension Profile {
    /// Combines `other` (a profile merged away) into this one: both histories, counters, tastes and carts.
    public mutating func merge(_ other: Profile, halfLife: Double) {
        traits = JSONValue.object(other.traits).deepMerging(.object(traits)).objectValue ?? traits
        consent = other.consent.updated(with: consent)
        preferences = other.preferences.updated(with: preferences)
        firstSeen = [firstSeen, other.firstSeen].compactMap { $0 }.min()
        lastSeen = [lastSeen, other.lastSeen].compactMap { $0 }.max()
        for channel in other.channels where !channels.contains(channel) { channels.append(channel) }
        for view in other.recentlyViewed.reversed() { recordView(view.itemID, at: view.at) }
        for line in other.cart {
            if let index = cart.firstIndex(where: { $0.itemID == line.itemID }) {
                cart[index].quantity += line.quantity
                cart[index].addedAt = min(cart[index].addedAt, line.addedAt)
            } else {
                cart.append(line)
            }
        }
        if let theirs = other.session, session.map({ theirs.lastActivityAt > $0.lastActivityAt }) ?? true { session = theirs }
        orders += other.orders
        revenue += other.revenue
        affinities.merge(other.affinities, halfLife: halfLife)
        recentEvents = Array((recentEvents + other.recentEvents).sorted { $0.at > $1.at }.prefix(Self.recentLimit))
        eventCounts.merge(other.eventCounts, uniquingKeysWith: +)
        purchased.formUnion(other.purchased)
        for day in other.orderDays { Self.insertDay(day, into: &orderDays) }
        for theirs in other.emailWeeks {
            if let index = emailWeeks.firstIndex(where: { $0.week == theirs.week }) {
                emailWeeks[index].sends += theirs.sends
                emailWeeks[index].opens += theirs.opens
                emailWeeks[index].clicks += theirs.clicks
            } else {
                emailWeeks.append(theirs)
            }
        }
        emailWeeks.sort { $0.week < $1.week }
        if emailWeeks.count > Self.emailWeeksLimit { emailWeeks.removeFirst(emailWeeks.count - Self.emailWeeksLimit) }
        unsubscribedAt = [unsubscribedAt, other.unsubscribedAt].compactMap { $0 }.max()
        rewards.merge(other.rewards)
        if other.emailOpenHours.count == 24 {
            if emailOpenHours.count != 24 { emailOpenHours = Array(repeating: 0, count: 24) }
            for hour in 0..<24 { emailOpenHours[hour] += other.emailOpenHours[hour] }
        }
        for purchase in other.recentPurchases.reversed() {
            Self.record(purchase.itemID, at: purchase.at, in: &recentPurchases, limit: Self.recentPurchasesLimit)
        }
    }
}
