/// The learned cadence for one person with the estimates behind it (see ``CadenceModel``).
public struct CadenceDecision: Sendable, Hashable {
    /// The emails per week to send, in `0…cap`.
    public var cadencePerWeek: Double
    /// The posterior mean click rate per email sent within the tolerance.
    public var clickRate: Double
    /// The posterior mean elasticity of the open rate in weekly sends at the highest weekly
    /// send level so far (0: opens keep pace with sends; `−saturationExponent`: surely saturated).
    public var saturationSlope: Double
    /// The weekly sends the person tolerates: the posterior median, rounded (0 after an
    /// unsubscribe).
    public var tolerance: Int
    /// A one-line account of the decision.
    public var explanation: String

    /// Creates a decision.
    ///
    /// - Parameters:
    ///   - cadencePerWeek: The emails per week.
    ///   - clickRate: The click rate per send.
    ///   - saturationSlope: The open-rate elasticity at the top send level.
    ///   - tolerance: The estimated tolerance.
    ///   - explanation: The account of the decision.
    public init(cadencePerWeek: Double, clickRate: Double, saturationSlope: Double, tolerance: Int, explanation: String) {
        self.cadencePerWeek = cadencePerWeek
        self.clickRate = clickRate
        self.saturationSlope = saturationSlope
        self.tolerance = tolerance
        self.explanation = explanation
    }
}
