import BaristaCore
import BaristaEngine
import Hummingbird

/// `/health`, `/ready`, `/metrics`, `/openapi.json`: no key needed.
struct OperationsController {
    let engine: Engine
    let metrics: ServerMetrics

    func register(on routes: RouteTable) {
        routes.on(.get, "/health", "The process is up; with several nodes, its name and whether it leads", access: .open) { _, _ in
            var body: [String: JSONValue] = ["status": "ok", "leader": .bool(engine.isLeader)]
            if let node = engine.nodeName { body["node"] = .string(node) }
            return JSONIO.response(.object(body))
        }
        routes.on(.get, "/ready", "The store is open, answering and has room to write", access: .open) { _, _ in
            if let reason = await engine.store.notReadyReason() { throw BaristaError.unavailable(reason) }
            return JSONIO.response(["status": "ready"])
        }
        routes.on(.get, "/metrics", "Prometheus metrics", access: .open) { _, _ in
            var profiles = 0
            var items = 0
            for site in try await engine.sites() {
                profiles += (try? await engine.profileCount(site: site.id)) ?? 0
                items += (try? await engine.itemCount(site: site.id)) ?? 0
            }
            metrics.profiles.set(to: Double(profiles))
            metrics.items.set(to: Double(items))
            var buffer: [UInt8] = []
            metrics.registry.emit(into: &buffer)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        routes.on(.get, "/openapi.json", "This document", access: .open) { _, _ in
            JSONIO.response(OpenAPIDocument.current)
        }
    }
}
