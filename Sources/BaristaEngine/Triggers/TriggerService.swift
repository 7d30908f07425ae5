import BaristaCore
import Foundation
import ServiceLifecycle

/// The trigger scheduler: a pass of ``Engine/runTriggers(transport:policy:)`` every `interval`
/// (1 s by default, so a message that falls due goes out within about that), until graceful
/// shutdown, when the outbox changes still in memory are written.
public struct TriggerService: Service {
    let engine: Engine
    let transport: any WebhookTransport
    let policy: DeliveryPolicy
    let interval: Swift.Duration

    /// A scheduler for `engine`, delivering through `transport` (the process's HTTP client by default).
    public init(
        engine: Engine, transport: any WebhookTransport = HTTPWebhookTransport.shared, policy: DeliveryPolicy = DeliveryPolicy(),
        interval: Swift.Duration = .seconds(1)
    ) {
        self.engine = engine
        self.transport = transport
        self.policy = policy
        self.interval = interval
    }

    /// Runs passes until graceful shutdown.
    public func run() async throws {
        let interval = self.interval
        let ticks = AsyncStream<Void> { continuation in
            let task = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    continuation.yield()
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
        for await _ in ticks.cancelOnGracefulShutdown() {
            do {
                // With several nodes, the leader alone sends; every node writes what its fold scheduled.
                guard engine.isLeader else {
                    try await engine.flushOutboxes()
                    continue
                }
                let report = try await engine.runTriggers(transport: transport, policy: policy)
                if report != TriggerPassReport() {
                    engine.logger.debug("trigger pass", metadata: [
                        "delivered": "\(report.delivered)", "retried": "\(report.retried)", "dead": "\(report.dead)",
                        "suppressed": "\(report.suppressed)", "deferred": "\(report.deferred)", "ready": "\(report.ready)",
                    ])
                }
            } catch {
                engine.logger.error("trigger pass failed", metadata: ["error": "\(error)"])
            }
        }
        try await engine.flushOutboxes()
    }
}

extension Engine {
    /// Writes every loaded site's outbox changes still in memory.
    public func flushOutboxes() async throws {
        for runtime in await directory.all { try await flushOutbox(runtime) }
    }
}
