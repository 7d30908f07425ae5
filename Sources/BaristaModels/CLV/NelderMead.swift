/// A derivative-free minimizer: the Nelder–Mead downhill simplex, restarted until it stops improving.
///
/// Each run starts from a fresh simplex around the best point so far and stops when the simplex
/// has collapsed: the spread of its values and of its coordinates both fall below
/// ``tolerance``. Restarting guards against the method's known habit of stalling on a
/// degenerate simplex. Non-finite objective values count as `+∞`, so the objective may simply
/// return `.nan` outside its domain.
public struct NelderMead: Sendable {
    /// The outcome of a minimization.
    public struct Result: Sendable, Equatable {
        /// The best point found.
        public var point: [Double]
        /// The objective at ``point``.
        public var value: Double
        /// How many times the objective was evaluated.
        public var evaluations: Int
    }

    /// The convergence threshold on the simplex's value and coordinate spreads (relative to
    /// `1 + |value|` for values).
    public var tolerance: Double
    /// The most objective evaluations one run may use.
    public var maxEvaluations: Int
    /// The most restarts after the first run.
    public var restarts: Int
    /// The distance from the start point to the other vertices of a fresh simplex.
    public var initialStep: Double

    /// Creates a minimizer.
    ///
    /// - Parameters:
    ///   - tolerance: The convergence threshold on value and coordinate spreads.
    ///   - maxEvaluations: The most objective evaluations per run.
    ///   - restarts: The most restarts after the first run.
    ///   - initialStep: The edge of a fresh simplex.
    public init(tolerance: Double = 1e-10, maxEvaluations: Int = 5_000, restarts: Int = 4, initialStep: Double = 0.5) {
        self.tolerance = tolerance
        self.maxEvaluations = maxEvaluations
        self.restarts = restarts
        self.initialStep = initialStep
    }

    /// Minimizes `objective` starting from `start`.
    ///
    /// - Parameters:
    ///   - start: The first guess; its count is the problem's dimension.
    ///   - objective: The function to minimize.
    /// - Returns: The best point, its value and the evaluations used.
    public func minimize(from start: [Double], _ objective: ([Double]) -> Double) -> Result {
        let f: ([Double]) -> Double = { point in
            let value = objective(point)
            return value.isFinite ? value : .infinity
        }
        var best = run(from: start, f)
        var step = initialStep
        for _ in 0..<restarts {
            step = max(step / 2, 1e-3)
            let next = run(from: best.point, f, step: step, evaluations: best.evaluations)
            let improved = best.value - next.value
            if next.value < best.value { best = next } else { best.evaluations = next.evaluations }
            if improved <= tolerance * (1 + abs(best.value)) { break }
        }
        return best
    }

    private func run(from start: [Double], _ f: ([Double]) -> Double, step: Double? = nil, evaluations: Int = 0) -> Result {
        let n = start.count
        var used = evaluations
        func eval(_ point: [Double]) -> Double {
            used += 1
            return f(point)
        }
        var simplex = [start]
        for i in 0..<n {
            var vertex = start
            vertex[i] += step ?? initialStep
            simplex.append(vertex)
        }
        var values = simplex.map(eval)
        let budget = used + maxEvaluations
        while used < budget {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if converged(simplex, values) { break }
            var centroid = [Double](repeating: 0, count: n)
            for vertex in simplex.dropLast() {
                for i in 0..<n { centroid[i] += vertex[i] / Double(n) }
            }
            func along(_ t: Double) -> [Double] {
                (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) }
            }
            let reflected = along(-1)
            let fr = eval(reflected)
            if fr < values[0] {
                let expanded = along(-2)
                let fe = eval(expanded)
                (simplex[n], values[n]) = fe < fr ? (expanded, fe) : (reflected, fr)
            } else if fr < values[n - 1] {
                (simplex[n], values[n]) = (reflected, fr)
            } else {
                let contracted = fr < values[n] ? along(-0.5) : along(0.5)
                let fc = eval(contracted)
                if fc < min(fr, values[n]) {
                    (simplex[n], values[n]) = (contracted, fc)
                } else {
                    for j in 1...n {
                        simplex[j] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[j][$0] - simplex[0][$0]) }
                        values[j] = eval(simplex[j])
                    }
                }
            }
        }
        let bestIndex = values.indices.min { values[$0] < values[$1] }!
        return Result(point: simplex[bestIndex], value: values[bestIndex], evaluations: used)
    }

    private func converged(_ simplex: [[Double]], _ values: [Double]) -> Bool {
        guard let first = values.first, let last = values.last, first.isFinite, last.isFinite else { return false }
        guard last - first <= tolerance * (1 + abs(first)) else { return false }
        var spread = 0.0
        for vertex in simplex.dropFirst() {
            for (a, b) in zip(vertex, simplex[0]) { spread = max(spread, abs(a - b)) }
        }
        return spread <= max(tolerance, 1e-9) * 1e3
    }
}
