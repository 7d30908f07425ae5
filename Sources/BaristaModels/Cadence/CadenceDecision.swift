/// The learned cadence for one person with the estimates behind it (see ``CadenceModel``).
public struct CadenceDecision: Sendable, Hashable {
    /// The emails per week to send, in `0…cap`.
    public var cadencePerWeek: Double
    /// The posterior mean click rate per send.
    public var clickRate: Double
    /// The shrunk elasticity of the open rate in weekly sends (0: none; negative: saturation).
    public var saturationSlope: Double
    /// The estimated weekly sends the person tolerates (0 after an unsubscribe).
    public var tolerance: Int
    /// A one-line account of the decision.
    public var explanation: String

    /// Creates a decision.
    ///
    /// - Parameters:
    ///   - cadencePerWeek: The emails per week.
    ///   - clickRate: The click rate per send.
    ///   - saturationSlope: The shrunk open-rate slope.
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
