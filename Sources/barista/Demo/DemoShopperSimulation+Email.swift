import BaristaCore

extension DemoShopperSimulation {
    /// A newsletter reaches a subscribed, identified shopper: delivered, perhaps opened, perhaps
    /// clicked (which brings a visit to the product it shows), rarely an unsubscribe.
    mutating func receive(_ letter: DemoNewsletter) {
        guard identified, subscribed else { return }
        emailCount += 1
        let emailID = "email-" + String(shopper.index + 1) + "-" + String(emailCount)
        var t = letter.sentAt + rng.double(0...1_800)
        let base: [String: JSONValue] = ["email_id": .string(emailID), "campaign_id": .string(letter.id)]
        var delivered = base
        delivered["campaign_name"] = .string("Weekly newsletter")
        delivered["email_subject"] = .string(letter.subject)
        emit("track", "Email Delivered", at: t, channel: "email", properties: delivered)
        guard rng.chance(shopper.openRate) else { return }
        t += rng.double(60...(20 * 3_600))
        guard t < now - 600 else { return }
        emit("track", "Email Opened", at: t, channel: "email", properties: base)
        if rng.chance(0.01) {
            subscribed = false
            emit("track", "Unsubscribed", at: later(t), channel: "email", properties: base)
            return
        }
        guard rng.chance(shopper.clickRate) else { return }
        let shopper = self.shopper
        let product = catalog.sample(category: letter.category, at: letter.sentAt, rng: &rng, appeal: shopper.appeal)
        t += rng.double(5...120)
        var clicked = base
        clicked["link_url"] = .string(product.map { "/products/" + $0.id } ?? "/")
        if let product { clicked["product_id"] = .string(product.id) }
        emit("track", "Email Link Clicked", at: t, channel: "email", properties: clicked)
        if t < now - 3_600 { visit(at: later(t), entry: .email(campaign: letter.id, product: product)) }
    }

    /// The "your basket is waiting" email an hour after an abandoned cart; a click brings the
    /// shopper back to the cart, where buying is likelier.
    mutating func remindOfCart(at time: Double) {
        guard time < now - 600 else { return }
        emailCount += 1
        let emailID = "email-" + String(shopper.index + 1) + "-" + String(emailCount)
        let base: [String: JSONValue] = ["email_id": .string(emailID), "campaign_id": "abandoned-cart"]
        var delivered = base
        delivered["campaign_name"] = "Abandoned cart"
        delivered["email_subject"] = "Your basket is waiting"
        emit("track", "Email Delivered", at: time, channel: "email", properties: delivered)
        guard rng.chance(min(0.9, shopper.openRate * 1.5)) else { return }
        var t = time + rng.double(60...(6 * 3_600))
        guard t < now - 600 else { return }
        emit("track", "Email Opened", at: t, channel: "email", properties: base)
        guard rng.chance(min(0.9, shopper.clickRate * 2)) else { return }
        t += rng.double(5...60)
        var clicked = base
        clicked["link_url"] = "/cart"
        emit("track", "Email Link Clicked", at: t, channel: "email", properties: clicked)
        if t < now - 3_600 { visit(at: later(t), entry: .cartReminder(campaign: "abandoned-cart")) }
    }
}
