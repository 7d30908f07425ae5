import BaristaCore
import BaristaModels
import Foundation

/// One placement's answer in `POST /v1/decide`.
public struct PlacementDecision: Sendable {
    /// `placement`.
    public var placement: String
    /// `experience` that decided; nil when nothing running was eligible.
    public var experience: String?
    /// `variant` shown; nil for control, holdout or nothing eligible.
    public var variant: String?
    /// `payload` of the variant; null otherwise.
    public var payload: JSONValue
    /// `recommendations`: the answer of the variant's recommendation request, when it has one.
    public var recommendations: JSONValue
    /// `decision_id`; nil when nothing decided.
    public var decisionID: String?
    /// `control`: the person is held out (the experience's control group or the global holdout).
    public var control: Bool
    /// The probability the outcome was chosen with (also in the log).
    public var probability: Double?
    /// `message_id` of the triggered in-app message shown, when one answered the `in_app` placement.
    public var messageID: String?
    /// `trigger` of that message.
    public var trigger: String?

    /// The API form; a triggered in-app message adds its `message_id` and `trigger`.
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "placement": .string(placement), "experience": experience.map(JSONValue.string) ?? .null,
            "variant": variant.map(JSONValue.string) ?? .null, "payload": payload, "recommendations": recommendations,
            "decision_id": decisionID.map(JSONValue.string) ?? .null, "control": .bool(control),
        ]
        if let messageID {
            object["message_id"] = .string(messageID)
            object["trigger"] = trigger.map(JSONValue.string) ?? .null
        }
        return .object(object)
    }
}

extension Engine {
    /// Answers each placement with its eligible running experience of highest priority.
    ///
    /// Eligibility: running and inside the schedule, and in the audience segment (an audience needs
    /// `personalization` consent: without it only experiences for everyone decide). Then, in order:
    /// the site's global holdout and the experience's control group (stable hashes of the profile,
    /// so the same on every node and after a restart) answer `control: true`; otherwise the
    /// allocation picks a variant: `ab` by a stable hash over the weights (sticky), `bandit` and
    /// `contextual_bandit` by sampling (see ``ExperienceIndex``). Every answer with an experience
    /// is logged with the probability it was chosen with. An unknown person becomes a profile
    /// (an `identify` without traits), so their conversions can be attributed.
    public func decide(_ request: DecideRequest, site: SiteID) async throws -> [PlacementDecision] {
        let runtime = try await runtime(site)
        var profileID = runtime.state.withLock { state in request.user.flatMap { state.resolve($0) } }
        if profileID == nil, let user = request.user {
            let time = now()
            let event = Event(
                kind: .identify, userID: user.userID, anonymousID: user.anonymousID, messageID: "decide-" + RandomID.string(length: 24),
                timestamp: time, receivedAt: time, context: ["channel": .string(request.context["channel"]?.stringValue ?? "api")])
            profileID = try await ingest([IngestItem(event: event, fixedProfile: nil)], runtime: runtime).first?.profileID
        }
        let now = now()
        var answers = runtime.state.withLock { state in
            request.placements.map { state.decide(placement: $0, profile: profileID, now: now) }
        }
        // Variants that carry a recommendation request are answered for the person now.
        for index in answers.indices {
            guard let experience = answers[index].experience, let variant = answers[index].variant,
                let config = runtime.state.withLock({ $0.experiences.experiences[experience]?.variants.first { $0.key == variant }?.recommendations })
            else { continue }
            var recommendation = config
            recommendation.user = request.user
            if recommendation.channel == nil { recommendation.channel = request.context["channel"]?.stringValue }
            let result = try await recommend(recommendation, site: site)
            answers[index].recommendations = try JSON.parse(RecommendationResult.answerText(result))
        }
        return answers
    }
}

extension SiteState {
    /// The profile a `user` names, if it exists.
    func resolve(_ user: UserReference) -> ProfileID? {
        user.userID.flatMap { identities.profile(.user, $0) } ?? user.anonymousID.flatMap { identities.profile(.anonymous, $0) }
    }

    /// One placement's decision, logged (under the site lock).
    mutating func decide(placement: String, profile: ProfileID?, now: Date) -> PlacementDecision {
        var answer = PlacementDecision(placement: placement, payload: .null, recommendations: .null, control: false)
        if placement == Self.inAppPlacement, let profile, let message = takeInAppMessage(for: profile, now: now) {
            // A triggered message waiting for the person comes first: it was timed for this visit.
            answer.payload = (message.body.flatMap { try? JSON.parse(Array($0.utf8)) }) ?? .null
            answer.recommendations = answer.payload["recommendations"] ?? .null
            answer.messageID = message.id
            answer.trigger = message.trigger
            return answer
        }
        let person = profile.flatMap { profiles[$0] }
        let personalized = person.map { $0.consent.resolved(with: site.settings.defaultConsent).personalization ?? true } ?? false
        let memberships = profile.flatMap { segments.memberships[$0] } ?? []
        guard let experience = experiences.byPlacement[placement]?.first(where: { experience in
            guard experience.isLive(at: now) else { return false }
            guard let audience = experience.audienceSegment else { return true }
            return personalized && memberships.contains(audience)
        }) else { return answer }
        answer.experience = experience.key
        let subject = profile?.rawValue ?? "nobody"
        let holdout = profile.map(inGlobalHoldout) ?? false
        let controlShare = experience.controlPercent / 100
        let inControl = holdout || StableHash.unit("control", experience.key, subject) < controlShare
        var probability = holdout ? 1 : controlShare
        var features: [Double] = []
        if !inControl {
            let choice = chooseVariant(experience, subject: subject, person: person, personalized: personalized, memberships: memberships)
            answer.variant = choice.variant
            probability = (1 - controlShare) * choice.probability
            features = choice.features
            if let variant = experience.variants.first(where: { $0.key == choice.variant }) { answer.payload = variant.payload }
        }
        answer.control = inControl
        answer.probability = probability
        let id = RandomID.timeOrdered(prefix: "dec_")
        answer.decisionID = id
        guard let profile else { return answer }
        experiences.pendingDecisions.append(Decision(
            id: id, experience: experience.key, placement: placement, variant: answer.variant, control: inControl, holdout: holdout,
            probability: probability, profileID: profile, at: now, features: features))
        experiences.exposures[profile, default: [:]][experience.key] = ExperienceIndex.Exposure(
            decisionID: id, variant: answer.variant, control: inControl, holdout: holdout, at: now, features: features)
        if let variant = answer.variant { experiences.arms[experience.key, default: [:]][variant, default: ExperienceIndex.ArmCounts()].exposures += 1 }
        return answer
    }

    /// A variant for someone not held out, and the probability it had among the variants.
    mutating func chooseVariant(
        _ experience: Experience, subject: String, person: Profile?, personalized: Bool, memberships: Set<String>
    ) -> (variant: String, probability: Double, features: [Double]) {
        switch experience.allocation {
        case .ab(let weights):
            let total = experience.variants.reduce(0) { $0 + (weights[$1.key] ?? 0) }
            var point = StableHash.unit("variant", experience.key, subject) * total
            for variant in experience.variants {
                let weight = weights[variant.key] ?? 0
                if point < weight { return (variant.key, weight / total, []) }
                point -= weight
            }
            let last = experience.variants[experience.variants.count - 1].key
            return (last, (weights[last] ?? 0) / total, [])
        case .bandit, .contextualBandit:
            return chooseByBandit(experience, person: person, personalized: personalized, memberships: memberships)
        }
    }
}

extension RecommendationResult {
    /// The answer as `POST /v1/recommendations` writes it: JSON text around the items the engine
    /// wrote once (and cached with them).
    public static func answerText(_ result: RecommendationResult) -> [UInt8] {
        var text = JSONTextBuilder(capacity: 160 + result.itemsJSON.count)
        text.raw(#"{"recommendation_id":"#)
        text.value(.string(result.id))
        text.raw(#","strategy":""# + result.strategy.rawValue + #"","model_version":"#)
        text.value(.string(result.modelVersion))
        text.raw(#","items":"#)
        text.raw(bytes: result.itemsJSON)
        text.raw("}")
        return text.bytes
    }
}
