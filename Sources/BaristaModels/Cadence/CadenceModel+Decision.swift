#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CadenceModel {
    /// The learned cadence with its estimates and explanation (the four steps of ``CadenceModel``).
    ///
    /// - Parameter history: The person's weekly history and stated preference.
    /// - Returns: The decision.
    public func decision(for history: EmailHistory) -> CadenceDecision {
        let cap = max(self.cap, 0)
        let site = engagement.click.mean
        if history.unsubscribedWeek != nil {
            return CadenceDecision(
                cadencePerWeek: 0, clickRate: 0, saturationSlope: 0, tolerance: 0,
                explanation: "0/week: unsubscribed")
        }
        let totals = history.totals
        let clickRate = engagement.click.posteriorMean(successes: totals.clicked, trials: totals.delivered)
        let openRate = engagement.open.posteriorMean(successes: totals.opened, trials: totals.delivered)
        let sent = history.weeks.filter { $0.sends > 0 }
        let top = sent.map(\.sends).max() ?? 0
        let slope = saturationSlope(sent, top: top)
        let reason: String
        var tolerance: Int
        if top == 0 {
            tolerance = startingCadence
            reason = "no history yet, starting at \(startingCadence)"
        } else if slope < -saturationThreshold {
            tolerance = sent.map(\.sends).filter { $0 < top }.max() ?? top
            reason = "opens fall above \(tolerance)/week"
        } else {
            let weeksAtTop = sent.count { $0.sends == top }
            let engaged = openRate >= probeEngagement * engagement.open.mean
            if weeksAtTop >= probeWeeks + probeWeeksPerLevel * max(0, top - startingCadence), engaged {
                tolerance = top + 1
                reason = "no saturation up to \(top)/week, probing \(top + 1)"
            } else {
                tolerance = top
                reason = engaged ? "no saturation at \(top)/week so far" : "rarely opens, holding at \(top)/week"
            }
            if tolerance < startingCadence { tolerance = startingCadence }
        }
        tolerance = min(tolerance, cap)
        var best = 0
        var bestValue = 0.0
        if cap >= 1 {
            for sends in 1...cap {
                let value = expectedValue(sends: sends, clickRate: clickRate, tolerance: tolerance)
                if value > bestValue { best = sends; bestValue = value }
            }
        }
        var cadence = Double(best)
        var capped = ""
        if let stated = history.statedFrequencyPerWeek, stated < cadence {
            cadence = max(stated, 0)
            capped = ", capped by the stated \(Self.format(stated))/week"
        }
        let explanation = "\(Self.format(cadence))/week: clicks \(Self.percent(clickRate)) of sends "
            + "(site \(Self.percent(site))), \(reason)\(capped)"
        return CadenceDecision(
            cadencePerWeek: cadence, clickRate: clickRate, saturationSlope: slope, tolerance: tolerance,
            explanation: explanation)
    }

    /// `clicks(s) − h(s) · (unsubscribeWeight + horizonWeeks · clicks(s))`, averaged over the
    /// tolerance's uncertainty.
    func expectedValue(sends: Int, clickRate: Double, tolerance: Int) -> Double {
        let s = Double(sends)
        var total = 0.0
        for z in Self.quantiles {
            let t = Double(tolerance) * exp(toleranceSpread * z)
            let clicks = min(s, t) * clickRate
            let hazard = min(baseHazardPerSend * s + excessHazardPerSend * max(0, s - t), 1)
            total += clicks - hazard * (unsubscribeWeight + horizonWeeks * clicks)
        }
        return total / Double(Self.quantiles.count)
    }

    /// The standard normal's 10th, 30th, 50th, 70th and 90th percentiles.
    static let quantiles = [-1.2816, -0.5244, 0, 0.5244, 1.2816]

    /// The shrunk open-rate elasticity of the weeks at `top` sends against the weeks at fewer.
    func saturationSlope(_ weeks: [EmailWeek], top: Int) -> Double {
        var high = (sends: 0, opens: 0)
        var low = (sends: 0, opens: 0, weeks: 0)
        for week in weeks {
            let opens = min(max(week.opens, 0), week.sends)
            if week.sends == top {
                high.sends += week.sends; high.opens += opens
            } else {
                low.sends += week.sends; low.opens += opens; low.weeks += 1
            }
        }
        guard high.sends > 0, low.weeks > 0 else { return 0 }
        let meanLow = Double(low.sends) / Double(low.weeks)
        guard Double(top) > meanLow else { return 0 }
        let rHigh = engagement.open.posteriorMean(successes: high.opens, trials: high.sends)
        let rLow = engagement.open.posteriorMean(successes: low.opens, trials: low.sends)
        let raw = log(rHigh / rLow) / log(Double(top) / meanLow)
        let n = Double(high.sends)
        return raw * n / (n + saturationShrinkSends)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String((value * 10).rounded() / 10)
    }

    static func percent(_ rate: Double) -> String {
        String((rate * 1000).rounded() / 10) + "%"
    }
}
