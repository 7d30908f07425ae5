#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The likelihood of a person's opens when each email sent in a week of `s` sends is opened
/// with chance `o · g(s)`, averaged over their unknown open propensity `o`.
///
/// The average is over a grid of 12 propensities weighted by the site's Beta open prior; the
/// weeks are grouped by send level, which is all the likelihood needs.
struct OpenLikelihood {
    /// One weekly send level: its weeks, emails and opens.
    struct Level {
        /// The emails sent in each of these weeks.
        var sends: Int
        /// The weeks at this level.
        var weeks = 0
        /// The emails sent over those weeks.
        var emails = 0.0
        /// The emails opened over those weeks.
        var opens = 0.0
    }

    /// The weeks with sends, grouped by send level, ascending.
    let levels: [Level]
    /// `partial[k][j]`: the log prior weight of the propensity `o_j`, plus `log o_j` times all
    /// opens, plus the log-likelihood of the misses at the `k` lowest levels taken as unsaturated.
    let partial: [[Double]]

    /// The grid of open propensities.
    static let propensities = (0..<12).map { (Double($0) + 0.5) / 12 }

    /// Groups `weeks` by send level and lays the propensity grid under `prior`.
    ///
    /// - Parameters:
    ///   - weeks: The person's weeks.
    ///   - prior: The site's open prior.
    init(weeks: [EmailWeek], prior: BetaPrior) {
        var bySends: [Int: Level] = [:]
        for week in weeks where week.sends > 0 {
            var level = bySends[week.sends] ?? Level(sends: week.sends)
            level.weeks += 1
            level.emails += Double(week.sends)
            level.opens += Double(min(max(week.opens, 0), week.sends))
            bySends[week.sends] = level
        }
        levels = bySends.values.sorted { $0.sends < $1.sends }
        let opens = levels.reduce(0) { $0 + $1.opens }
        var terms = Self.propensities.map { o in
            (prior.alpha - 1 + opens) * log(o) + (prior.beta - 1) * log(1 - o)
        }
        var partial = [terms]
        for level in levels {
            for j in terms.indices {
                terms[j] += (level.emails - level.opens) * log(1 - Self.propensities[j])
            }
            partial.append(terms)
        }
        self.partial = partial
    }

    /// The log-likelihood of the opens (up to a constant) when `factors[i]` scales the open
    /// chance at the send level `levels[i]`.
    ///
    /// - Parameter factors: The factor `g(s)` in `0…1` of each level, non-increasing.
    /// - Returns: `log Σ_o w(o) · Π_s (o g(s))^k_s (1 − o g(s))^(n_s − k_s)`.
    func logLikelihood(factors: [Double]) -> Double {
        let first = factors.firstIndex { $0 < 1 } ?? levels.count
        var shared = 0.0
        var terms = partial[first]
        for i in first..<levels.count {
            let g = factors[i]
            shared += levels[i].opens * log(g)
            let misses = levels[i].emails - levels[i].opens
            for j in terms.indices {
                terms[j] += misses * log(1 - Self.propensities[j] * g)
            }
        }
        var peak = -Double.infinity
        for term in terms where term > peak { peak = term }
        var sum = 0.0
        for term in terms { sum += exp(term - peak) }
        return shared + peak + log(sum)
    }
}
