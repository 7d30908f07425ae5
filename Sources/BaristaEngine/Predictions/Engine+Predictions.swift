import BaristaCore
import BaristaModels
import Dispatch
import Foundation

extension Engine {
    /// Where the fitted population models are kept: a definition of this kind, under ``profileModelsKey``.
    static let modelKind = "model", profileModelsKey = "profile_models"

    /// Refits a site's population models (BG/NBD, Gamma-Gamma, email engagement priors) from its
    /// profiles, serves them at once and stores them. The trainer calls it with every training;
    /// `barista train` too.
    @discardableResult
    public func refreshPredictions(site: SiteID) async throws -> ProfileModels {
        let runtime = try await runtime(site)
        let now = now()
        // Copy-on-write: the fit reads the profiles as of now, outside the lock.
        let profiles = runtime.state.withLock { $0.profiles }
        let models = await withCheckedContinuation { (continuation: CheckedContinuation<ProfileModels, Never>) in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: ProfileModels.fit(profiles.values, now: now))
            }
        }
        let (keys, people) = runtime.state.withLock { state in
            state.profileModels = models
            state.servingGeneration += 1
            return (state.segments.predictionSegments, Array(state.profiles.keys))
        }
        await Self.reevaluate(people, keys: keys, in: runtime, now: now)
        try await store.saveDefinition(
            StoredDefinition(kind: Self.modelKind, key: Self.profileModelsKey, body: JSON.string(models.json), createdAt: now, updatedAt: now),
            site: site)
        logger.info("profile models fitted", metadata: [
            "site.id": "\(site)", "customers": "\(models.customers)", "bgnbd": "\(models.bgnbd != nil)",
            "gamma_gamma": "\(models.gammaGamma != nil)", "email": "\(models.engagement != nil)",
        ])
        return models
    }

    /// The site's fitted population models, nil before the first fit.
    public func profileModels(site: SiteID) async throws -> ProfileModels? {
        try await runtime(site).state.withLock { $0.profileModels }
    }

    /// The stored population models of a site, read when it loads.
    static func loadProfileModels(site: SiteID, store: any BaristaStore) async throws -> ProfileModels? {
        guard let stored = try await store.definitions(kind: modelKind, site: site).first(where: { $0.key == profileModelsKey }) else { return nil }
        return ProfileModels(json: try JSON.parse(stored.body))
    }
}
