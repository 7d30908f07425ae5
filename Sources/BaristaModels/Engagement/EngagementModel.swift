/// Email engagement rates per person, shrunk towards the population by empirical-Bayes
/// Beta-Binomial priors.
///
/// Both rates are per delivered email: the open rate is `opened / delivered` and the click rate
/// `clicked / delivered`. A person with 2 sends and 2 opens is not a certain opener; their
/// posterior mean stays near the population's until their history grows.
public struct EngagementModel: Sendable, Hashable {
    /// The prior on the open rate per delivered email.
    public var open: BetaPrior
    /// The prior on the click rate per delivered email.
    public var click: BetaPrior
    /// The number of profiles with at least one delivery that the priors were fitted on.
    public var fittedOn: Int

    /// Creates a model from known priors.
    ///
    /// - Parameters:
    ///   - open: The prior on the open rate.
    ///   - click: The prior on the click rate.
    ///   - fittedOn: The profiles the priors were fitted on (0 when built by hand).
    public init(open: BetaPrior, click: BetaPrior, fittedOn: Int = 0) {
        self.open = open
        self.click = click
        self.fittedOn = fittedOn
    }

    /// Fits the open and click priors with ``BetaPrior/fit(_:optimizer:)``.
    ///
    /// Profiles with nothing delivered carry no information and are skipped; opens and clicks
    /// above the deliveries (repeat opens of one email) are clipped to the deliveries. With no
    /// usable profile both priors are ``BetaPrior/uniform``.
    /// - Parameters:
    ///   - profiles: One `(delivered, opened, clicked)` count per person.
    ///   - optimizer: The minimizer used by both fits.
    /// - Returns: The fitted model.
    public static func fit(
        profiles: [(delivered: Int, opened: Int, clicked: Int)], optimizer: NelderMead = NelderMead()
    ) -> EngagementModel {
        let used = profiles.filter { $0.delivered >= 1 }
        let open = BetaPrior.fit(used.map { (successes: $0.opened, trials: $0.delivered) }, optimizer: optimizer)
        let click = BetaPrior.fit(used.map { (successes: $0.clicked, trials: $0.delivered) }, optimizer: optimizer)
        return EngagementModel(open: open, click: click, fittedOn: used.count)
    }

    /// A person's posterior mean open and click rates per delivered email.
    ///
    /// Counts are clipped as in ``BetaPrior/posteriorMean(successes:trials:)``; a person with
    /// nothing delivered gets the prior means.
    /// - Parameters:
    ///   - delivered: The emails delivered to the person.
    ///   - opened: The emails they opened.
    ///   - clicked: The emails they clicked.
    /// - Returns: The shrunk open and click rates.
    public func rates(delivered: Int, opened: Int, clicked: Int) -> (open: Double, click: Double) {
        (open.posteriorMean(successes: opened, trials: delivered),
         click.posteriorMean(successes: clicked, trials: delivered))
    }
}
