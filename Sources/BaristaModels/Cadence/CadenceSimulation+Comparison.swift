extension CadenceSimulation {
    /// The learned policy against every fixed cadence on one score.
    public struct Comparison: Sendable, Hashable {
        /// The cost of one unsubscribe in clicks, in the score and in the learned model.
        public var unsubscribeWeight: Double
        /// The learned policy's totals.
        public var learned: Outcome
        /// The totals of the fixed cadences `1…cap`, in order.
        public var fixed: [Outcome]

        /// The fixed cadence with the highest score.
        public var bestFixed: Outcome {
            fixed.max { $0.score(unsubscribeWeight: unsubscribeWeight) < $1.score(unsubscribeWeight: unsubscribeWeight) }
                ?? learned
        }

        /// The learned score's excess over the best fixed one, as a fraction of the latter's size.
        public var margin: Double {
            let best = bestFixed.score(unsubscribeWeight: unsubscribeWeight)
            return (learned.score(unsubscribeWeight: unsubscribeWeight) - best) / max(abs(best), 1)
        }
    }

    /// Simulates the learned policy with `unsubscribeWeight` and every fixed cadence `1…cap`.
    ///
    /// - Parameter unsubscribeWeight: The cost of one unsubscribe in clicks.
    /// - Returns: The comparison on clicks − `unsubscribeWeight` · unsubscribes.
    public func compare(unsubscribeWeight: Double) -> Comparison {
        Comparison(
            unsubscribeWeight: unsubscribeWeight,
            learned: run(.learned(unsubscribeWeight: unsubscribeWeight)),
            fixed: (1...max(cap, 1)).map { run(.fixed($0)) })
    }
}
