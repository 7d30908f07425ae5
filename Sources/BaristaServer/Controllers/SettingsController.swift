import BaristaCore
import BaristaEngine
import Hummingbird

/// `GET/PATCH /v1/settings`.
struct SettingsController {
    let engine: Engine
    let limits: Limits

    func register(on routes: RouteTable) {
        routes.on(.get, "/v1/settings", "The site's settings", access: .secret) { _, context in
            let site = try context.requireSecret()
            return JSONIO.response(try await engine.settings(site: site).json)
        }
        routes.on(.patch, "/v1/settings", "Change some settings", access: .secret, body: ["type": "object"]) { request, context in
            let site = try context.requireSecret()
            let body = try await JSONIO.body(request, limits: limits)
            return JSONIO.response(try await engine.updateSettings(site: site, patch: body).json)
        }
    }
}
