/// One placement's answer of `POST /v1/decide`.
public struct Decision: Sendable, Hashable, Decodable {
    /// `placement`, as asked.
    public var placement: String
    /// `experience` that decided; nil when nothing eligible runs on the placement.
    public var experience: String?
    /// `variant` to show; nil for control, holdout, or nothing eligible.
    public var variant: String?
    /// `payload` of the variant (your own JSON: a headline, a colour); `.null` otherwise.
    public var payload: JSONValue
    /// `recommendations`: the answer of the variant's recommendation request, when it has one.
    public var recommendations: Recommendations?
    /// `decision_id`: echo it in `properties.decision_id` of later events; nil when nothing decided.
    public var decisionID: String?
    /// `control`: the person is held out and sees your default (their conversions still count).
    public var control: Bool

    private enum CodingKeys: String, CodingKey {
        case placement, experience, variant, payload, recommendations, decisionID = "decision_id", control
    }

    /// Decodes a decision; a missing payload is `.null` and a missing `control` false.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        placement = try c.decode(String.self, forKey: .placement)
        experience = try c.decodeIfPresent(String.self, forKey: .experience)
        variant = try c.decodeIfPresent(String.self, forKey: .variant)
        payload = try c.decodeIfPresent(JSONValue.self, forKey: .payload) ?? .null
        recommendations = try c.decodeIfPresent(Recommendations.self, forKey: .recommendations)
        decisionID = try c.decodeIfPresent(String.self, forKey: .decisionID)
        control = try c.decodeIfPresent(Bool.self, forKey: .control) ?? false
    }
}
