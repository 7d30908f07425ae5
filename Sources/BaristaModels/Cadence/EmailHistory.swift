/// One week of email to one person: what was sent, opened and clicked, and whether they
/// unsubscribed that week.
public struct EmailWeek: Sendable, Hashable {
    /// The emails delivered to the person that week.
    public var sends: Int
    /// The emails they opened (repeat opens of one email count once; extra opens are clipped).
    public var opens: Int
    /// The emails they clicked through.
    public var clicks: Int
    /// Whether they unsubscribed during the week.
    public var unsubscribed: Bool

    /// Creates a week.
    ///
    /// - Parameters:
    ///   - sends: The emails delivered.
    ///   - opens: The emails opened.
    ///   - clicks: The emails clicked.
    ///   - unsubscribed: Whether the person unsubscribed that week.
    public init(sends: Int, opens: Int, clicks: Int, unsubscribed: Bool = false) {
        self.sends = sends
        self.opens = opens
        self.clicks = clicks
        self.unsubscribed = unsubscribed
    }
}

/// A person's email history in weekly buckets, oldest first, with their stated preference.
///
/// This is everything ``CadenceModel`` reads: the engine must keep, per person, one
/// ``EmailWeek`` per week since their first send (a bounded window, such as the last 26 weeks,
/// is enough) and the `email_frequency_per_week` profile attribute if they set one.
public struct EmailHistory: Sendable, Hashable {
    /// The weekly buckets, oldest first.
    public var weeks: [EmailWeek]
    /// The person's stated `email_frequency_per_week`, if any: a ceiling on their cadence.
    public var statedFrequencyPerWeek: Double?

    /// Creates a history.
    ///
    /// - Parameters:
    ///   - weeks: The weekly buckets, oldest first.
    ///   - statedFrequencyPerWeek: The stated `email_frequency_per_week`, if any.
    public init(weeks: [EmailWeek] = [], statedFrequencyPerWeek: Double? = nil) {
        self.weeks = weeks
        self.statedFrequencyPerWeek = statedFrequencyPerWeek
    }

    /// The index in ``weeks`` of the week the person unsubscribed, if they did.
    public var unsubscribedWeek: Int? { weeks.firstIndex { $0.unsubscribed } }

    /// The totals `(delivered, opened, clicked)` over all weeks, in the shape
    /// ``EngagementModel/fit(profiles:optimizer:)`` takes.
    public var totals: (delivered: Int, opened: Int, clicked: Int) {
        weeks.reduce((0, 0, 0)) { ($0.0 + max($1.sends, 0), $0.1 + max($1.opens, 0), $0.2 + max($1.clicks, 0)) }
    }
}
