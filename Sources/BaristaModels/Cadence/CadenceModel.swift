#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How many emails a week to send one person, learned from their own engagement and shrunk
/// towards the site's by the empirical-Bayes priors of an ``EngagementModel``.
///
/// The model, in three steps (each figure is in the ``CadenceDecision`` it returns):
/// 1. **Tolerance**: a posterior over the weekly sends `T` the person takes before extra emails
///    go unopened, from a log-normal prior around `startingCadence`,
///    the stated preference as a noisy reading of `T`, the open rates at each weekly send
///    level (above `T` each email is opened `(T / s)^saturationExponent` times as often, so
///    opens that fall as sends rise point to a lower `T`, and opens that hold point above it),
///    and the weeks survived without an unsubscribe.
/// 2. **Click rate** `p` per email sent within the tolerance: the Beta posterior mean, under
///    the site's click prior, of the person's clicks over their sends, each send counted at its
///    expected open factor under the posterior of `T` (emails past the tolerance are partly
///    unopened, so they say less about the rate).
/// 3. **Choice**: the whole weekly count `s` in `0…cap` maximising the posterior expectation
///    of `clicks(s) − h(s) · (unsubscribeWeight + horizonWeeks · clicks(s))`, with
///    `clicks(s) = p · s · min(1, T / s)^saturationExponent` and the weekly unsubscribe hazard
///    `h(s) = baseHazardPerSend · s + excessHazardPerSend · max(0, s − T)`: an unsubscribe
///    costs its exchange rate in clicks plus the clicks the person would have given over the
///    horizon. A person who clicks little thus gets fewer emails than their tolerance, and a
///    person the model is unsure of gets fewer than their likeliest tolerance. The choice is
///    greedy: a level above the likely tolerance is tried only when the posterior already
///    makes it worth sending (Thompson sampling over `T` was tried and lost to it, since a
///    week past the tolerance costs far more than a week under it). A stated preference then
///    caps the result.
///
/// Assumptions: weeks are comparable (no seasonality); the person's rates are stable over the
/// history; the hazard's two coefficients and the saturation exponent are site-wide constants,
/// not learned per person (an unsubscribe happens once, so a person's own history cannot
/// estimate their hazard). An unsubscribed person gets 0.
public struct CadenceModel: Sendable, Hashable {
    /// The site's open and click priors (``EngagementModel/fit(profiles:optimizer:)``).
    public var engagement: EngagementModel
    /// The site-wide ceiling on emails per week.
    public var cap: Int
    /// The cost of one unsubscribe in clicks (the exchange rate of the objective).
    public var unsubscribeWeight: Double
    /// The weeks of future clicks an unsubscribe forfeits.
    public var horizonWeeks: Double
    /// The weekly unsubscribe hazard per email sent within the tolerance.
    public var baseHazardPerSend: Double
    /// The extra weekly unsubscribe hazard per email sent beyond the tolerance.
    public var excessHazardPerSend: Double
    /// The prior median of the tolerance, in emails per week.
    public var startingCadence: Int
    /// The prior's spread: the standard deviation of the tolerance's logarithm.
    public var tolerancePriorSpread: Double
    /// How roughly people state their tolerance: the standard deviation of the log of a stated
    /// `email_frequency_per_week` around the log of the tolerance.
    public var statedSpread: Double
    /// How fast opens fall above the tolerance: at `s > T` weekly sends each email is opened
    /// `(T / s)^saturationExponent` times as often (1: the extra emails go unopened).
    public var saturationExponent: Double

    /// Creates a model.
    ///
    /// - Parameters:
    ///   - engagement: The site's open and click priors.
    ///   - cap: The site-wide ceiling on emails per week (default 7).
    ///   - unsubscribeWeight: The cost of one unsubscribe in clicks (default 1).
    ///   - horizonWeeks: The weeks of future clicks an unsubscribe forfeits (default 8).
    ///   - baseHazardPerSend: The weekly unsubscribe hazard per email within the tolerance.
    ///   - excessHazardPerSend: The extra weekly hazard per email beyond the tolerance.
    ///   - startingCadence: The prior median of the tolerance (default 3).
    ///   - tolerancePriorSpread: The prior's log-scale spread (default 0.6).
    ///   - statedSpread: The log-scale noise of a stated preference (default 0.4).
    ///   - saturationExponent: How fast opens fall above the tolerance (default 1).
    public init(
        engagement: EngagementModel, cap: Int = 7, unsubscribeWeight: Double = 1, horizonWeeks: Double = 8,
        baseHazardPerSend: Double = 0.002, excessHazardPerSend: Double = 0.03, startingCadence: Int = 3,
        tolerancePriorSpread: Double = 0.6, statedSpread: Double = 0.4, saturationExponent: Double = 1
    ) {
        self.engagement = engagement
        self.cap = cap
        self.unsubscribeWeight = unsubscribeWeight
        self.horizonWeeks = horizonWeeks
        self.baseHazardPerSend = baseHazardPerSend
        self.excessHazardPerSend = excessHazardPerSend
        self.startingCadence = startingCadence
        self.tolerancePriorSpread = tolerancePriorSpread
        self.statedSpread = statedSpread
        self.saturationExponent = saturationExponent
    }

    /// The emails per week to send the person, in `0…cap`; 0 after an unsubscribe.
    ///
    /// - Parameter history: The person's weekly history and stated preference.
    /// - Returns: The learned cadence.
    public func cadencePerWeek(for history: EmailHistory) -> Double {
        guard history.unsubscribedWeek == nil else { return 0 }
        let posterior = TolerancePosterior(history: history, model: self)
        let best = Double(bestCount(clickRate: clickRate(history, posterior), posterior))
        return history.statedFrequencyPerWeek.map { min(best, max($0, 0)) } ?? best
    }

    /// A one-line account of the learned cadence, for the profile page.
    ///
    /// - Parameter history: The person's weekly history and stated preference.
    /// - Returns: For example "3/week: clicks 6.1% of sends (site 4.0%), tolerates about 3/week".
    public func explanation(for history: EmailHistory) -> String {
        decision(for: history).explanation
    }
}
