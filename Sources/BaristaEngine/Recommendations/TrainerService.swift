import BaristaCore
import Foundation
import ServiceLifecycle

/// Retrains each site's `for_you` model in the background: when `minimumNewEvents` events arrived
/// since the served model was trained, or when any arrived and the model is older than `maximumAge`.
/// A site with a stored model and nothing new is not retrained at start.
///
/// One site trains at a time; serving continues on the previous snapshot until the new one is
/// published. Failures are logged and retried at the next check.
public struct TrainerService: Service {
    let engine: Engine
    let checkEvery: Duration
    let minimumNewEvents: Int64
    let maximumAge: Duration
    let minimumInterval: Duration

    /// - Parameters:
    ///   - checkEvery: how often sites are looked at (30 s).
    ///   - minimumNewEvents: new events that trigger a training (10,000).
    ///   - maximumAge: the longest a model serves while newer events exist (1 hour).
    ///   - minimumInterval: the shortest time between two trainings of a site (5 minutes): under
    ///     heavy ingestion back-to-back trainings would hold a core that serving needs.
    public init(
        engine: Engine, checkEvery: Duration = .seconds(30), minimumNewEvents: Int64 = 10_000, maximumAge: Duration = .seconds(3600),
        minimumInterval: Duration = .seconds(300)
    ) {
        self.engine = engine
        self.checkEvery = checkEvery
        self.minimumNewEvents = minimumNewEvents
        self.maximumAge = maximumAge
        self.minimumInterval = minimumInterval
    }

    /// Checks the sites every `checkEvery` until graceful shutdown.
    public func run() async throws {
        var lastTraining: [SiteID: ContinuousClock.Instant] = [:]
        while !Task.isCancelledOrShuttingDown {
            // With several nodes, the leader alone trains; the others load what it stores.
            for site in engine.isLeader ? (try? await engine.sites()) ?? [] : [] {
                guard !Task.isCancelledOrShuttingDown else { break }
                do {
                    let (newEvents, age) = try await engine.trainingLag(site: site.id)
                    guard newEvents > 0 else { continue }
                    guard age == nil || newEvents >= minimumNewEvents || age! >= maximumAge.seconds else { continue }
                    if age != nil, let last = lastTraining[site.id], ContinuousClock.now - last < minimumInterval { continue }
                    lastTraining[site.id] = .now
                    // Cancelled by a graceful shutdown while it reads: a training can take minutes.
                    _ = try await cancelWhenGracefulShutdown { try await engine.train(site: site.id) }
                    ProcessMemory.returnFreedMemory()
                } catch is CancellationError {
                    engine.logger.info("training stopped: shutting down", metadata: ["site.id": "\(site.id)"])
                    break
                } catch {
                    engine.logger.error("training failed", metadata: ["site.id": "\(site.id)", "error": "\(error)"])
                }
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: checkEvery) }
        }
    }
}

extension Task where Success == Never, Failure == Never {
    /// Whether the task is cancelled or its service group is shutting down gracefully.
    static var isCancelledOrShuttingDown: Bool { isCancelled || isShuttingDownGracefully }
}
