import ArgumentParser
import BaristaModels
import Foundation

extension BenchCommand {
    /// `barista bench cadence`: the learned email cadence against every fixed cadence, over seeds.
    ///
    /// For each seed and each unsubscribe weight `w`, runs ``CadenceSimulation`` (shoppers with
    /// hidden email tolerances) with the learned policy for that `w` and the fixed cadences
    /// 1…7 a week, and prints one row: the learned score (clicks − w · unsubscribes), the best
    /// fixed one and the margin between them. Build in release: `swift run -c release barista
    /// bench cadence --seeds 1-10,2026`.
    struct Cadence: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cadence",
            abstract: "Simulate the learned email cadence against fixed cadences over seeds and print a table."
        )

        @Option(help: "Seeds: comma-separated numbers and ranges, such as 1-10,2026.")
        var seeds = "1-10,2026"

        @Option(help: "Unsubscribe weights w of the score clicks − w · unsubscribes, comma-separated.")
        var weights = "1,10"

        @Option(help: "Shoppers per simulation.")
        var shoppers = 5_000

        @Option(help: "Weeks per simulation.")
        var weeks = 26

        func validate() throws {
            guard (try? Self.parseSeeds(seeds)) != nil else { throw ValidationError("--seeds must look like 1-10,2026.") }
            guard (try? Self.parseWeights(weights)) != nil else { throw ValidationError("--weights must look like 1,10.") }
            guard shoppers > 0, weeks > 0 else { throw ValidationError("--shoppers and --weeks must be positive.") }
        }

        func run() async throws {
            let runs = try Self.parseSeeds(seeds).flatMap { seed in try Self.parseWeights(weights).map { (seed, $0) } }
            let (shoppers, weeks) = (shoppers, weeks)
            let clock = ContinuousClock()
            let start = clock.now
            let rows = await withTaskGroup(of: (Int, UInt64, CadenceSimulation.Comparison).self) { group in
                for (index, (seed, weight)) in runs.enumerated() {
                    group.addTask {
                        let simulation = CadenceSimulation(shoppers: shoppers, weeks: weeks, seed: seed)
                        return (index, seed, simulation.compare(unsubscribeWeight: weight))
                    }
                }
                var rows: [(Int, UInt64, CadenceSimulation.Comparison)] = []
                for await row in group { rows.append(row) }
                return rows.sorted { $0.0 < $1.0 }.map { ($0.1, $0.2) }
            }
            print(Self.table(rows))
            let losses = rows.filter { $0.1.margin <= 0 }.count
            print("\(rows.count - losses) of \(rows.count) runs: learned beats every fixed cadence "
                + "(\(shoppers) shoppers, \(weeks) weeks, \(String(format: "%.1f", (clock.now - start) / .seconds(1))) s)")
        }

        /// One row per seed and weight: learned score, best fixed score and policy, margin.
        static func table(_ rows: [(seed: UInt64, comparison: CadenceSimulation.Comparison)]) -> String {
            func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(n - s.count, 0)) + s }
            var lines = ["  seed     w   learned  best fixed               margin"]
            for (seed, c) in rows {
                let w = c.unsubscribeWeight
                let best = c.bestFixed
                lines.append(pad(String(seed), 6) + pad(String(format: "%g", w), 6)
                    + pad(String(Int(c.learned.score(unsubscribeWeight: w))), 10)
                    + pad(String(Int(best.score(unsubscribeWeight: w))), 12) + "  " + best.policy.description
                    + pad(String(format: "%+.1f%%", 100 * c.margin), 21 - best.policy.description.count))
            }
            return lines.joined(separator: "\n")
        }

        /// Parses `1-10,2026` into the seeds 1…10 and 2026.
        static func parseSeeds(_ text: String) throws -> [UInt64] {
            let seeds = try text.split(separator: ",").flatMap { part -> [UInt64] in
                let bounds = part.split(separator: "-").map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
                switch bounds.count {
                case 1: if let seed = bounds[0] { return [seed] }
                case 2: if let low = bounds[0], let high = bounds[1], low <= high { return Array(low...high) }
                default: break
                }
                throw ValidationError("not a seed or range: \(part)")
            }
            guard !seeds.isEmpty else { throw ValidationError("no seeds") }
            return seeds
        }

        /// Parses `1,10` into the weights 1 and 10.
        static func parseWeights(_ text: String) throws -> [Double] {
            let weights = try text.split(separator: ",").map { part -> Double in
                guard let weight = Double(part.trimmingCharacters(in: .whitespaces)), weight >= 0 else {
                    throw ValidationError("not a weight: \(part)")
                }
                return weight
            }
            guard !weights.isEmpty else { throw ValidationError("no weights") }
            return weights
        }
    }
}
