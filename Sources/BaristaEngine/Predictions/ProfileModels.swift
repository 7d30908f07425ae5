import BaristaCore
import BaristaModels
import Foundation

/// A site's fitted population models, from which every profile's predictions are computed when
/// read: BG/NBD (will they buy again, how often), Gamma-Gamma (how much per order) and the
/// empirical-Bayes email engagement priors.
///
/// Refit by the trainer (``Engine/refreshPredictions(site:)``), stored with the site, and read under
/// the site lock: a profile's predictions follow its own latest orders and emails at once, while
/// the population parameters move only when refit.
public struct ProfileModels: Sendable, Hashable {
    /// Purchases per person over time; nil while the site has too few customers to fit one.
    public var bgnbd: BGNBD?
    /// Spend per order; nil while too few customers ordered twice.
    public var gammaGamma: GammaGamma?
    /// Open and click priors; nil while no one has been sent an email.
    public var engagement: EngagementModel?
    /// How many customers (people with an order) and repeat customers the purchase models saw.
    public var customers: Int, repeatCustomers: Int
    /// When they were fitted.
    public var fittedAt: Date

    /// The fewest customers the purchase models are fitted on (BG/NBD), and the fewest repeat
    /// customers Gamma-Gamma needs: below these the estimates would be noise.
    public static let minimumCustomers = 50, minimumRepeatCustomers = 20
    /// At most this many customers are fitted on (an even sample of the rest): the estimates of
    /// four parameters barely move past it, and fitting time grows with every customer.
    public static let maximumFittedCustomers = 20_000
    /// The models' time unit, in days: weeks, as in the papers and `barista clv fit`.
    public static let periodDays = 7.0

    /// Fits the models from a site's profiles as of `now`.
    public static func fit(_ profiles: some Collection<Profile>, now: Date) -> ProfileModels {
        var customers: [CLVCustomer] = []
        var email: [(delivered: Int, opened: Int, clicked: Int)] = []
        for profile in profiles {
            if let customer = customer(profile, now: now) { customers.append(customer) }
            let delivered = profile.eventCounts[EventName.emailDelivered] ?? 0
            if delivered > 0 {
                email.append((delivered, profile.eventCounts[EventName.emailOpened] ?? 0, profile.eventCounts[EventName.emailLinkClicked] ?? 0))
            }
        }
        let repeatCustomers = customers.filter { $0.frequency > 0 }.count
        var sample = customers
        if sample.count > maximumFittedCustomers {
            let step = Double(sample.count) / Double(maximumFittedCustomers)
            sample = (0..<maximumFittedCustomers).map { customers[Int(Double($0) * step)] }
        }
        var models = ProfileModels(customers: customers.count, repeatCustomers: repeatCustomers, fittedAt: now)
        if customers.count >= minimumCustomers, repeatCustomers > 0 {
            models.bgnbd = BGNBD.fit(customers: sample)
        }
        if repeatCustomers >= minimumRepeatCustomers {
            let fitted = GammaGamma.fit(customers: sample)
            if fitted.q > 1 { models.gammaGamma = fitted }
        }
        if !email.isEmpty { models.engagement = EngagementModel.fit(profiles: email) }
        return models
    }

    /// A profile as the purchase models see it, in weeks from its first order; nil before any order.
    ///
    /// Repeat purchases are counted in distinct order days (several orders on one day are one
    /// purchase occasion, as lifetimes counts them); spend is the mean revenue per order.
    static func customer(_ profile: Profile, now: Date) -> CLVCustomer? {
        guard profile.orders > 0, let first = profile.orderDays.first, let last = profile.orderDays.last else { return nil }
        let day = 86_400.0, period = periodDays * day
        let firstTime = Double(first) * day, lastTime = Double(last) * day
        let age = max((now.timeIntervalSince1970 - firstTime) / period, (lastTime - firstTime) / period)
        return CLVCustomer(
            frequency: profile.orderDays.count - 1, recency: (lastTime - firstTime) / period, age: age,
            monetaryValue: profile.revenue > 0 ? profile.revenue / Double(profile.orders) : nil)
    }

    /// One profile's predictions as of `now`.
    func predictions(for profile: Profile, now: Date) -> ProfilePredictions {
        var result = ProfilePredictions()
        if let bgnbd, let customer = Self.customer(profile, now: now) {
            let prediction = CustomerPrediction.predict(bgnbd: bgnbd, gammaGamma: gammaGamma, customer: customer, periodDays: Self.periodDays)
            result.pAlive = prediction.pAlive
            result.expectedOrders90d = prediction.expectedPurchases90d
            result.clv12m = prediction.clv12m
        }
        if let engagement {
            let rates = engagement.rates(
                delivered: profile.eventCounts[EventName.emailDelivered] ?? 0, opened: profile.eventCounts[EventName.emailOpened] ?? 0,
                clicked: profile.eventCounts[EventName.emailLinkClicked] ?? 0)
            result.emailOpenRate = rates.open
            result.emailClickRate = rates.click
        }
        return result
    }

    /// The person's learned email cadence (messages a week, below the site's cap and their own
    /// stated frequency; 0 after an unsubscribe) and why; nil while the site has no email data.
    func cadence(for profile: Profile, cap: Double) -> (perWeek: Double, explanation: String)? {
        guard let engagement else { return nil }
        let model = CadenceModel(engagement: engagement, cap: max(0, Int(cap.rounded(.down))))
        var weeks = profile.emailWeeks.map { BaristaModels.EmailWeek(sends: Int($0.sends), opens: Int($0.opens), clicks: Int($0.clicks)) }
        if let unsubscribed = profile.unsubscribedAt {
            let week = Int32((unsubscribed.timeIntervalSince1970 / (7 * 86_400)).rounded(.down))
            if let index = profile.emailWeeks.firstIndex(where: { $0.week >= week }), profile.emailWeeks[index].week == week {
                weeks[index].unsubscribed = true
            } else {
                weeks.append(BaristaModels.EmailWeek(sends: 0, opens: 0, clicks: 0, unsubscribed: true))
            }
        }
        let history = EmailHistory(weeks: weeks, statedFrequencyPerWeek: profile.preferences.emailFrequencyPerWeek)
        let decision = model.decision(for: history)
        return (decision.cadencePerWeek, decision.explanation)
    }

    /// The stored and API form.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "customers": .number(Double(customers)), "repeat_customers": .number(Double(repeatCustomers)),
            "fitted_at": .string(Timestamp.format(fittedAt)),
            "bgnbd": bgnbd.map { ["r": .number($0.r), "alpha": .number($0.alpha), "a": .number($0.a), "b": .number($0.b),
                "log_likelihood": .number($0.logLikelihood)] } ?? .null,
            "gamma_gamma": gammaGamma.map { ["p": .number($0.p), "q": .number($0.q), "gamma": .number($0.gamma),
                "log_likelihood": .number($0.logLikelihood)] } ?? .null,
        ]
        if let engagement {
            object["email"] = [
                "profiles": .number(Double(engagement.fittedOn)),
                "open_prior": ["alpha": .number(engagement.open.alpha), "beta": .number(engagement.open.beta)],
                "click_prior": ["alpha": .number(engagement.click.alpha), "beta": .number(engagement.click.beta)],
            ]
        } else {
            object["email"] = .null
        }
        object["time_unit"] = "weeks"
        return .object(object)
    }

    /// Reads back ``json``; nil when it is not one.
    init?(json value: JSONValue) {
        guard let customers = value["customers"]?.doubleValue, let fittedAt = value["fitted_at"]?.stringValue.flatMap(Timestamp.parse) else { return nil }
        self.init(customers: Int(customers), repeatCustomers: Int(value["repeat_customers"]?.doubleValue ?? 0), fittedAt: fittedAt)
        if let b = value["bgnbd"], let r = b["r"]?.doubleValue, let alpha = b["alpha"]?.doubleValue, let a = b["a"]?.doubleValue,
            let beta = b["b"]?.doubleValue
        {
            bgnbd = BGNBD(r: r, alpha: alpha, a: a, b: beta, logLikelihood: b["log_likelihood"]?.doubleValue ?? 0)
        }
        if let g = value["gamma_gamma"], let p = g["p"]?.doubleValue, let q = g["q"]?.doubleValue, let gamma = g["gamma"]?.doubleValue {
            gammaGamma = GammaGamma(p: p, q: q, gamma: gamma, logLikelihood: g["log_likelihood"]?.doubleValue ?? 0)
        }
        if let e = value["email"], let open = e["open_prior"], let click = e["click_prior"],
            let oa = open["alpha"]?.doubleValue, let ob = open["beta"]?.doubleValue, let ca = click["alpha"]?.doubleValue,
            let cb = click["beta"]?.doubleValue
        {
            engagement = EngagementModel(
                open: BetaPrior(alpha: oa, beta: ob), click: BetaPrior(alpha: ca, beta: cb), fittedOn: Int(e["profiles"]?.doubleValue ?? 0))
        }
    }

    private init(customers: Int, repeatCustomers: Int, fittedAt: Date) {
        self.customers = customers
        self.repeatCustomers = repeatCustomers
        self.fittedAt = fittedAt
    }
}

/// One profile's `predictions`: each nil until the site's models can say.
public struct ProfilePredictions: Sendable, Hashable {
    /// `clv_12m`: the value of the orders expected in the next 12 months (undiscounted, in the
    /// site's currency as sent, unconverted).
    public var clv12m: Double?
    /// `p_alive`: the probability the person is still a customer.
    public var pAlive: Double?
    /// `expected_orders_90d`: orders (distinct order days) expected in the next 90 days.
    public var expectedOrders90d: Double?
    /// `email_open_rate`: opens per delivered email, shrunk towards the site's typical rate.
    public var emailOpenRate: Double?
    /// `email_click_rate`: clicks per delivered email, shrunk likewise.
    public var emailClickRate: Double?

    /// No predictions.
    public init() {}

    /// The value of one prediction by its API name.
    public subscript(name: String) -> Double? {
        switch name {
        case "clv_12m": clv12m
        case "p_alive": pAlive
        case "expected_orders_90d": expectedOrders90d
        case "email_open_rate": emailOpenRate
        case "email_click_rate": emailClickRate
        default: nil
        }
    }

    /// The API form, rounded to four decimals (money to cents).
    public var json: JSONValue {
        func rounded(_ value: Double?, _ scale: Double = 10_000) -> JSONValue { value.map { .number(($0 * scale).rounded() / scale) } ?? .null }
        return [
            "clv_12m": rounded(clv12m, 100), "p_alive": rounded(pAlive), "expected_orders_90d": rounded(expectedOrders90d),
            "email_open_rate": rounded(emailOpenRate), "email_click_rate": rounded(emailClickRate),
        ]
    }
}
