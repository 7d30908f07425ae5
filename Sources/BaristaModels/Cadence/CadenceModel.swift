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
/// The model, in four steps (each figure is in the ``CadenceDecision`` it returns):
/// 1. **Click rate per send**: the Beta posterior mean of the person's clicks over sends under
///    the site's click prior.
/// 2. **Saturation**: the weeks at the person's highest weekly send count `M` are compared with
///    the weeks at fewer sends. With `r_hi` and `r_lo` their open rates per send (each a Beta
///    posterior mean under the site's open prior), the slope
///    `ln(r_hi / r_lo) / ln(M / s̄_lo)` is the elasticity of the open rate in weekly sends: 0
///    when opens keep pace with sends, −1 when the extra emails are simply not opened. It is
///    shrunk towards 0 by `n / (n + saturationShrinkSends)`, `n` the sends at `M`.
/// 3. **Tolerance** `T̂`, the weekly sends the person takes without saturating: the level below
///    `M` when the shrunk slope is below `−saturationThreshold`; otherwise `M`, or `M + 1` once
///    `M` has been held for `probeWeeks + probeWeeksPerLevel · (M − startingCadence)` weeks
///    without saturation by a person who opens at least `probeEngagement` × the site's mean
///    open rate (the model probes upward one step at a time, ever more slowly, and only for
///    people whose opens carry enough signal to see saturation). With no history,
///    `startingCadence`; never below it unless saturation was seen.
/// 4. **Choice**: the whole weekly count `s` in `0…cap` maximising the average over tolerances
///    `t = T̂ · exp(toleranceSpread · z)` (five normal quantiles `z`) of
///    `clicks(s) − h(s) · (unsubscribeWeight + horizonWeeks · clicks(s))`, with
///    `clicks(s) = p · min(s, t)` (emails beyond the tolerance are assumed to add no clicks)
///    and the weekly unsubscribe hazard `h(s) = baseHazardPerSend · s + excessHazardPerSend ·
///    max(0, s − t)`: an unsubscribe costs its exchange rate in clicks plus the clicks the
///    person would have given over the horizon. A person who clicks little thus gets fewer
///    emails than their tolerance. A stated preference then caps the result.
///
/// Assumptions: weeks are comparable (no seasonality); the person's rates are stable over the
/// history; the hazard's two coefficients are site-wide constants, not learned per person (an
/// unsubscribe happens once, so a person's own history cannot estimate their hazard).
/// An unsubscribed person gets 0.
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
    /// The tolerance assumed for a person with no history.
    public var startingCadence: Int
    /// The weeks a level must be held without saturation before the model probes one higher.
    public var probeWeeks: Int
    /// The extra weeks of holding needed per level above `startingCadence` before probing higher:
    /// tolerances grow rarer as levels rise, so each further probe waits for more evidence.
    public var probeWeeksPerLevel: Int
    /// The uncertainty of the tolerance estimate, as the standard deviation of its logarithm:
    /// the value of each cadence is averaged over tolerances `T̂ · exp(toleranceSpread · z)` at
    /// five equally likely normal quantiles `z`, so a person who clicks little is not pushed to
    /// the edge of a tolerance the model is unsure of.
    public var toleranceSpread: Double
    /// The fraction of the site's mean open rate a person must reach to be probed upward.
    public var probeEngagement: Double
    /// The shrunk open-rate slope below whose negative the person counts as saturated.
    public var saturationThreshold: Double
    /// The sends at the top level worth half the evidence in the saturation slope's shrinkage.
    public var saturationShrinkSends: Double

    /// Creates a model.
    ///
    /// - Parameters:
    ///   - engagement: The site's open and click priors.
    ///   - cap: The site-wide ceiling on emails per week (default 7).
    ///   - unsubscribeWeight: The cost of one unsubscribe in clicks (default 1).
    ///   - horizonWeeks: The weeks of future clicks an unsubscribe forfeits (default 8).
    ///   - baseHazardPerSend: The weekly unsubscribe hazard per email within the tolerance.
    ///   - excessHazardPerSend: The extra weekly hazard per email beyond the tolerance.
    ///   - startingCadence: The tolerance assumed with no history (default 3).
    ///   - probeWeeks: The weeks a level is held before probing one higher (default 4).
    ///   - probeWeeksPerLevel: The extra weeks held per level above the start (default 1).
    ///   - toleranceSpread: The log-scale uncertainty of the tolerance (default 0.4).
    ///   - probeEngagement: The share of the site's open rate needed to be probed (default 1).
    ///   - saturationThreshold: The open-rate slope that counts as saturation (default 0.15).
    ///   - saturationShrinkSends: The shrinkage constant of that slope, in sends (default 2).
    public init(
        engagement: EngagementModel, cap: Int = 7, unsubscribeWeight: Double = 1, horizonWeeks: Double = 8,
        baseHazardPerSend: Double = 0.002, excessHazardPerSend: Double = 0.03, startingCadence: Int = 3,
        probeWeeks: Int = 4, probeWeeksPerLevel: Int = 1, toleranceSpread: Double = 0.4, probeEngagement: Double = 1, saturationThreshold: Double = 0.15,
        saturationShrinkSends: Double = 2
    ) {
        self.engagement = engagement
        self.cap = cap
        self.unsubscribeWeight = unsubscribeWeight
        self.horizonWeeks = horizonWeeks
        self.baseHazardPerSend = baseHazardPerSend
        self.excessHazardPerSend = excessHazardPerSend
        self.startingCadence = startingCadence
        self.probeWeeks = probeWeeks
        self.probeWeeksPerLevel = probeWeeksPerLevel
        self.toleranceSpread = toleranceSpread
        self.probeEngagement = probeEngagement
        self.saturationThreshold = saturationThreshold
        self.saturationShrinkSends = saturationShrinkSends
    }

    /// The emails per week to send the person, in `0…cap`; 0 after an unsubscribe.
    ///
    /// - Parameter history: The person's weekly history and stated preference.
    /// - Returns: The learned cadence.
    public func cadencePerWeek(for history: EmailHistory) -> Double {
        decision(for: history).cadencePerWeek
    }

    /// A one-line account of the learned cadence, for the profile page.
    ///
    /// - Parameter history: The person's weekly history and stated preference.
    /// - Returns: For example "3/week: clicks 6.1% of sends (site 4.0%), no saturation up to 2/week, probing 3".
    public func explanation(for history: EmailHistory) -> String {
        decision(for: history).explanation
    }
}
