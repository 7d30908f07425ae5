#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CadenceModel {
    /// The learned cadence with its estimates and explanation (the three steps of ``CadenceModel``).
    ///
    /// - Parameter history: The person's weekly history and stated preference.
    /// - Returns: The decision.
    public func decision(for history: EmailHistory) -> CadenceDecision {
        if history.unsubscribedWeek != nil {
            return CadenceDecision(
                cadencePerWeek: 0, clickRate: 0, saturationSlope: 0, tolerance: 0,
                explanation: "0/week: unsubscribed")
        }
        let posterior = TolerancePosterior(history: history, model: self)
        let clickRate = clickRate(history, posterior)
        let best = Double(bestCount(clickRate: clickRate, posterior))
        var cadence = best
        var capped = ""
        if let stated = history.statedFrequencyPerWeek, stated < best {
            cadence = max(stated, 0)
            capped = ", capped by the stated \(Self.format(stated))/week"
        }
        let top = Double(posterior.levels.last?.sends ?? 0)
        let slope = top > 0 ? posterior.expectation { openElasticity(sends: top, tolerance: $0) } : 0
        let explanation = "\(Self.format(cadence))/week: clicks \(Self.percent(clickRate)) of sends "
            + "(site \(Self.percent(engagement.click.mean))), \(Self.reason(posterior))\(capped)"
        return CadenceDecision(
            cadencePerWeek: cadence, clickRate: clickRate, saturationSlope: slope,
            tolerance: Int(posterior.median.rounded()), explanation: explanation)
    }

    /// The tolerance for the explanation, and whether it was seen in falling opens.
    static func reason(_ posterior: TolerancePosterior) -> String {
        let tolerance = Int(posterior.median.rounded())
        guard let top = posterior.levels.last?.sends else { return "no history yet, tolerance about \(tolerance)/week" }
        return posterior.median < Double(top) ? "opens fall above \(tolerance)/week" : "tolerates about \(tolerance)/week"
    }

    /// The whole weekly count in `0…cap` with the highest expected value.
    func bestCount(clickRate: Double, _ posterior: TolerancePosterior) -> Int {
        let values = expectedValues(clickRate: clickRate, posterior)
        var best = 0
        for sends in values.indices where values[sends] > values[best] { best = sends }
        return best
    }

    /// The Beta posterior mean of clicks per email sent within the tolerance: the person's
    /// clicks over their sends, each counted at its expected open factor under the posterior.
    func clickRate(_ history: EmailHistory, _ posterior: TolerancePosterior) -> Double {
        var clicks = 0.0
        var sends = 0.0
        for week in history.weeks where week.sends > 0 {
            clicks += Double(min(max(week.clicks, 0), week.sends))
        }
        for level in posterior.levels {
            let s = Double(level.sends)
            sends += level.emails * posterior.expectation { openFactor(sends: s, tolerance: $0) }
        }
        let prior = engagement.click
        return (prior.alpha + clicks) / (prior.strength + max(sends, clicks))
    }

    /// For each weekly count `s` in `0…cap`, the posterior expectation of
    /// `clicks(s) − h(s) · (unsubscribeWeight + horizonWeeks · clicks(s))`.
    func expectedValues(clickRate: Double, _ posterior: TolerancePosterior) -> [Double] {
        var values = [Double](repeating: 0, count: max(cap, 0) + 1)
        for i in posterior.weights.indices where posterior.weights[i] > 1e-9 {
            let t = posterior.tolerances[i]
            for sends in values.indices.dropFirst() {
                let s = Double(sends)
                let clicks = clickRate * s * openFactor(sends: s, tolerance: t)
                let value = clicks - hazard(sends: s, tolerance: t) * (unsubscribeWeight + horizonWeeks * clicks)
                values[sends] += posterior.weights[i] * value
            }
        }
        return values
    }

    /// The factor `min(1, T / s)^saturationExponent` on each email's open chance at `s` weekly sends.
    func openFactor(sends: Double, tolerance: Double) -> Double {
        sends <= tolerance ? 1 : pow(tolerance / sends, saturationExponent)
    }

    /// The elasticity of the open rate in weekly sends at `s`: 0 within the tolerance, else
    /// `−saturationExponent`.
    func openElasticity(sends: Double, tolerance: Double) -> Double {
        sends <= tolerance ? 0 : -saturationExponent
    }

    /// The weekly unsubscribe hazard at `s` sends, below 1.
    func hazard(sends: Double, tolerance: Double) -> Double {
        min(baseHazardPerSend * sends + excessHazardPerSend * max(0, sends - tolerance), 0.999)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String((value * 10).rounded() / 10)
    }

    static func percent(_ rate: Double) -> String {
        String((rate * 1000).rounded() / 10) + "%"
    }
}
