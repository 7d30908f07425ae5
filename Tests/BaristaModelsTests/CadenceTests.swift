import BaristaModels
import Testing

struct CadenceTests {
    /// Site priors: a 40% open rate and a 5% click rate per send, each worth 10–20 sends.
    let model = CadenceModel(
        engagement: EngagementModel(open: BetaPrior(alpha: 4, beta: 6), click: BetaPrior(alpha: 1, beta: 19)))

    func weeks(_ count: Int, sends: Int, opens: Int, clicks: Int) -> [EmailWeek] {
        Array(repeating: EmailWeek(sends: sends, opens: opens, clicks: clicks), count: count)
    }

    @Test func anUnsubscribedPersonGetsNoEmail() {
        // Given an engaged person who unsubscribed in their last week
        var history = EmailHistory(weeks: weeks(5, sends: 3, opens: 3, clicks: 2))
        history.weeks.append(EmailWeek(sends: 3, opens: 1, clicks: 0, unsubscribed: true))
        // Then their cadence is 0
        #expect(model.cadencePerWeek(for: history) == 0)
        #expect(model.explanation(for: history).contains("unsubscribed"))
    }

    @Test func aStatedPreferenceCapsTheCadence() {
        // Given an engaged person who would otherwise get several emails a week
        let engaged = EmailHistory(weeks: weeks(6, sends: 3, opens: 3, clicks: 2))
        #expect(model.cadencePerWeek(for: engaged) > 1)
        // When they state one email a week
        let stated = EmailHistory(weeks: engaged.weeks, statedFrequencyPerWeek: 1)
        // Then they get one
        #expect(model.cadencePerWeek(for: stated) == 1)
        #expect(model.explanation(for: stated).contains("stated"))
    }

    @Test func aFrequentClickerWithoutSaturationGetsMoreThanSomeoneWhoNeverOpens() {
        let clicker = EmailHistory(weeks: weeks(6, sends: 3, opens: 2, clicks: 1))
        let silent = EmailHistory(weeks: weeks(6, sends: 3, opens: 0, clicks: 0))
        let more = model.cadencePerWeek(for: clicker)
        let less = model.cadencePerWeek(for: silent)
        #expect(more > less)
        #expect(more <= 7)
    }

    @Test func fallingOpensAfterMoreSendsLowerTheCadence() {
        // Given two people sent 2 a week for 6 weeks, opening half, then 4 a week
        let before = weeks(4, sends: 2, opens: 1, clicks: 0) + weeks(2, sends: 2, opens: 1, clicks: 1)
        // When one keeps opening half and the other almost stops opening
        let steady = EmailHistory(weeks: before + weeks(4, sends: 4, opens: 2, clicks: 1))
        let saturated = EmailHistory(weeks: before + weeks(4, sends: 4, opens: 0, clicks: 0)
            + [EmailWeek(sends: 4, opens: 1, clicks: 0)])
        let steadyDecision = model.decision(for: steady)
        let saturatedDecision = model.decision(for: saturated)
        // Then the saturated one gets fewer, at the level where they still opened
        #expect(saturatedDecision.saturationSlope < -model.saturationThreshold)
        #expect(saturatedDecision.tolerance == 2)
        #expect(saturatedDecision.cadencePerWeek < steadyDecision.cadencePerWeek)
        #expect(saturatedDecision.explanation.contains("opens fall"))
    }

    @Test func theLearnedCadenceBeatsEveryFixedCadenceInTheSimulation() {
        let simulation = CadenceSimulation(shoppers: 5_000, weeks: 26, seed: 2026)
        let outcomes = simulation.runAll()
        print(CadenceSimulation.table(outcomes))
        let learned = outcomes.first { $0.policy == .learned(unsubscribeWeight: 1) }!
        for fixed in outcomes {
            guard case .fixed = fixed.policy else { continue }
            #expect(learned.score(unsubscribeWeight: 1) > fixed.score(unsubscribeWeight: 1), "\(fixed.policy)")
        }
    }
}
