extension ForYouModel {
    /// Picks the hyper-parameters on a validation split carved from `training`, then trains on all
    /// of `training`.
    ///
    /// Every person with two or more entries holds out their newest one; candidate models train on
    /// the rest and rank the held-out items through ``score(history:into:)`` exactly as
    /// ``ForYouRecommender`` ranks test items (NDCG@10). Nothing else is read: a leave-last-out
    /// split's test items are never seen. The search starts from
    /// ``ForYouConfig/defaults(itemCount:)``: for EASE, λ on a log scale from the mean number of
    /// people per item (steps of ×4, then ×2), around coordinate-wise searches over the scoring
    /// parameters (recency, sequence links, links kept), which reuse the trained tables; for
    /// implicit ALS (large catalogs), one factorization and both factor similarities, then the
    /// same scoring search. A change is kept only when it gains more than 0.0002.
    /// - Parameters:
    ///   - training: Every person's ordered history.
    ///   - progress: Called with the fraction done, from 0 to 1.
    /// - Returns: The model trained on all of `training`, its configuration, and the validation
    ///   NDCG@10 that chose it.
    public static func tuned(training: ForYouTrainingData, progress: (@Sendable (Double) -> Void)? = nil)
        -> (model: ForYouModel, config: ForYouConfig, validationNDCG: Double)
    {
        tuned(training: training, from: .defaults(itemCount: training.itemCount), progress: progress)
    }

    /// ``tuned(training:progress:)`` from a given starting configuration (its base is kept).
    static func tuned(training: ForYouTrainingData, from start: ForYouConfig, progress: (@Sendable (Double) -> Void)? = nil)
        -> (model: ForYouModel, config: ForYouConfig, validationNDCG: Double)
    {
        progress?(0)
        var tuner = ForYouTuner(validation: ForYouValidation(training: training))
        var config = start
        switch config.base {
        case .ease:
            let perItem = Double(training.entryCount) / Double(max(training.itemCount, 1))
            config.lambda = Float(max(1, perItem).rounded())
            config = tuner.searchScoring(from: config)
            progress?(0.2)
            config = tuner.searchLambda(from: config)
            progress?(0.6)
            config = tuner.searchScoring(from: config)
        case .ials:
            config = tuner.best(of: ForYouConfig.FactorSimilarity.allCases.map { var c = config; c.factorSimilarity = $0; return c })
            progress?(0.4)
            config = tuner.searchScoring(from: config)
            config = tuner.searchScoring(from: config)
        }
        progress?(0.8)
        let score = tuner.ndcg(config)
        let model = ForYouModel(training: training, config: config) { progress?(0.8 + 0.2 * $0) }
        return (model, config, score)
    }
}

/// The state of one hyper-parameter search: the validation split, the link tables trained so far
/// (keyed by what they depend on) and every configuration's score.
struct ForYouTuner {
    /// The smallest gain that moves the search.
    static let minimumGain = 0.0002
    /// The grids of the scoring parameters: generic scales, the same for every data set.
    static let recencyDecays: [Float] = [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
    static let halfLives: [Double] = [0, 3_600, 86_400, 7 * 86_400, 30 * 86_400, 180 * 86_400]
    static let sequenceWeights: [Float] = [0, 0.25, 0.5, 1, 2, 4]
    static let sequenceDecays: [Float] = [0, 0.3, 0.6, 0.9]
    static let sequenceWindows = [1, 2, 4]
    static let neighbourCounts = [25, 50, 100, 200, 400]

    let validation: ForYouValidation
    let popularity: [Float]
    private var collaborative: [ForYouConfig: ItemNeighbours] = [:]
    private var factorizations: [ForYouConfig: ImplicitALS] = [:]
    private var presence: InteractionMatrix
    private var sequence: [Int: ItemNeighbours] = [:]
    private var scores: [ForYouConfig: Double] = [:]

    init(validation: ForYouValidation) {
        self.validation = validation
        self.popularity = ForYouModel.popularity(validation.fit)
        self.presence = validation.fit.presence()
    }

    /// The validation NDCG@10 of `config`, training only the tables not trained yet.
    mutating func ndcg(_ config: ForYouConfig) -> Double {
        if let known = scores[config] { return known }
        var key = ForYouConfig(base: config.base)
        switch config.base {
        case .ease: key.lambda = config.lambda
        case .ials: (key.factors, key.regularization, key.alpha, key.iterations, key.factorSimilarity) =
            (config.factors, config.regularization, config.alpha, config.iterations, config.factorSimilarity)
        }
        let maxNeighbours = config.base == .ease ? Self.neighbourCounts.last! : 200
        if collaborative[key] == nil {
            switch config.base {
            case .ease:
                collaborative[key] = ForYouModel.easeLinks(presence, lambda: key.lambda, keep: maxNeighbours).normalized()
            case .ials:
                var factorKey = key
                factorKey.factorSimilarity = .cosine
                if factorizations[factorKey] == nil { factorizations[factorKey] = ForYouModel.factorization(presence, key) }
                collaborative[key] = ForYouModel.factorLinks(factorizations[factorKey]!, similarity: key.factorSimilarity,
                                                             keep: maxNeighbours).normalized()
            }
        }
        if sequence[config.sequenceWindow] == nil {
            var build = config
            build.sequenceWeight = 1
            sequence[config.sequenceWindow] = ForYouModel.sequenceLinks(validation.fit, build)
        }
        let links = collaborative[key]!.keepingStrongest(config.neighbours)
        let model = ForYouModel(config: config, collaborative: links, sequence: sequence[config.sequenceWindow]!, popularity: popularity)
        let score = validation.ndcg(model)
        scores[config] = score
        return score
    }

    /// The best of `candidates`; the first one wins unless another gains more than ``minimumGain``.
    mutating func best(of candidates: [ForYouConfig]) -> ForYouConfig {
        var best = candidates[0], bestScore = ndcg(best)
        for candidate in candidates.dropFirst() {
            let score = ndcg(candidate)
            if score > bestScore + Self.minimumGain { (best, bestScore) = (candidate, score) }
        }
        return best
    }

    /// One coordinate-wise pass over the scoring parameters, each over its grid, from `config`.
    mutating func searchScoring(from config: ForYouConfig) -> ForYouConfig {
        var config = config
        func vary<Value>(_ path: WritableKeyPath<ForYouConfig, Value>, _ grid: [Value]) {
            config = best(of: [config] + grid.map { var c = config; c[keyPath: path] = $0; return c })
        }
        vary(\.recencyDecay, Self.recencyDecays)
        vary(\.recencyHalfLife, Self.halfLives)
        vary(\.sequenceWeight, Self.sequenceWeights)
        if config.sequenceWeight > 0 {
            vary(\.sequenceDecay, Self.sequenceDecays)
            vary(\.sequenceWindow, Self.sequenceWindows)
        }
        vary(\.neighbours, config.base == .ease ? Self.neighbourCounts : Self.neighbourCounts.filter { $0 <= 200 })
        vary(\.recencyDecay, Self.recencyDecays)
        return config
    }

    /// EASE's λ: steps of ×4 from `config.lambda` while they gain (at most three each way), then
    /// one step of ×2 towards the better neighbour.
    mutating func searchLambda(from config: ForYouConfig) -> ForYouConfig {
        func with(_ lambda: Float) -> ForYouConfig { var c = config; c.lambda = lambda; return c }
        var lambda = config.lambda
        for factor: Float in [4, 0.25] {
            for _ in 0..<3 {
                guard ndcg(with(lambda * factor)) > ndcg(with(lambda)) + Self.minimumGain else { break }
                lambda *= factor
            }
        }
        let higher = ndcg(with(lambda * 4)), lower = ndcg(with(lambda / 4))
        return best(of: [with(lambda), with(higher >= lower ? lambda * 2 : lambda / 2)])
    }
}
