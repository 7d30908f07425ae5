import BaristaCore
import BaristaEngine
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The marketer's dashboard: server-rendered pages under `/dashboard` (API.md's routes), signed in
/// with a session cookie, every form carrying the session's CSRF token.
///
/// Each page is a small controller (`Dashboard+Profiles.swift`, …) that reads the engine and renders
/// a swift-mustache template (`DashboardTemplates`), inside the shared layout. Errors a person can
/// fix are shown on the page they came from; anything else renders an error page with its status.
struct Dashboard: Sendable {
    let engine: Engine
    let templates: MustacheLibrary

    static let sessionCookie = "barista_session"
    static let loginCookie = "barista_login"

    init(engine: Engine) {
        self.engine = engine
        var library = MustacheLibrary()
        for (name, text) in DashboardTemplates.all {
            do { try library.register(text, named: name) } catch { preconditionFailure("dashboard template \(name) does not parse: \(error)") }
        }
        templates = library
    }

    func register(on router: Router<BaristaRequestContext>) {
        registerAssets(on: router)
        registerSignIn(on: router)
        registerOverview(on: router)
        registerProfiles(on: router)
        registerSegments(on: router)
        registerExperiences(on: router)
        registerRecommendations(on: router)
        registerTriggers(on: router)
        registerCatalog(on: router)
        registerRewards(on: router)
        registerSettings(on: router)
    }
}

// MARK: - Sessions, forms and CSRF

/// A signed-in request: who is asking, and (for a POST) the form they sent.
struct DashboardRequest: Sendable {
    let session: DashboardSession
    let form: FormData
    let request: Request

    var site: SiteID { session.site }
    /// The query string's fields.
    var query: FormData { FormData(encoded: request.uri.query ?? "") }
}

/// A failure shown to the person as a page with a status.
struct DashboardFailure: Error {
    var status: HTTPResponse.Status
    var title: String
    var detail: String
}

extension Dashboard {
    /// Runs `body` for a signed-in person whose role is at least `role`; a POST must carry the
    /// session's CSRF token (form field `csrf` or header `X-CSRF-Token`).
    ///
    /// Without a session, a GET goes to the sign-in page and comes back after; a POST is answered
    /// 303 to the sign-in page and changes nothing. A POST without the right token is a 403.
    func signedIn(
        _ request: Request, role: DashboardRole = .viewer, bodyLimit: Int = 1 << 20,
        _ body: @Sendable (DashboardRequest) async throws -> Response
    ) async throws -> Response {
        guard let token = request.cookies[Self.sessionCookie]?.value,
              let session = try await engine.dashboardSession(token: token) else {
            let back = request.method == .get ? "?next=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_"))) ?? "") : ""
            return Self.redirect("/dashboard/login" + back)
        }
        var form = FormData()
        if request.method == .post {
            let buffer = try await request.body.collect(upTo: bodyLimit)
            let text = String(buffer: buffer)
            let isForm = request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") ?? false
            if isForm { form = FormData(encoded: text) } else { form = FormData(fields: [("body", text)]) }
            let sent = request.headers[HTTPField.Name("X-CSRF-Token")!] ?? form["csrf"] ?? ""
            guard Self.constantTimeEqual(sent, session.csrfToken) else {
                return render(status: .forbidden, page: "error", title: "Refused", session: session, [
                    "heading": "This form was refused",
                    "detail": "It did not carry this session's security token (CSRF). Reload the page and try again.",
                ])
            }
            guard session.role >= role else {
                return render(status: .forbidden, page: "error", title: "Not allowed", session: session, [
                    "heading": "Your role cannot do this",
                    "detail": "You are signed in as a \(session.role.rawValue); this needs a \(role.rawValue). Ask an admin.",
                ])
            }
        }
        do {
            return try await body(DashboardRequest(session: session, form: form, request: request))
        } catch let failure as DashboardFailure {
            return render(status: failure.status, page: "error", title: failure.title, session: session,
                ["heading": failure.title, "detail": failure.detail])
        } catch let error as BaristaError {
            let status: HTTPResponse.Status
            switch error {
            case .notFound: status = .notFound
            case .conflict: status = .conflict
            case .invalid, .malformed, .tooLarge: status = .unprocessableContent
            case .unavailable: status = .serviceUnavailable
            case .storageFull: status = .insufficientStorage
            }
            return render(status: status, page: "error", title: "Could not do that", session: session,
                ["heading": "Could not do that", "detail": Self.describe(error)])
        }
    }

    /// Renders `page` inside the layout, with the navigation, the signed-in person and their CSRF token.
    func render(status: HTTPResponse.Status = .ok, page: String, title: String, session: DashboardSession?, _ values: [String: Any]) -> Response {
        var context = values
        context["title"] = title
        if let errors = values["errors"] as? [Any], !errors.isEmpty { context["has_errors"] = true }
        if let session {
            context["user"] = [
                "email": session.email, "role": session.role.rawValue, "csrf": session.csrfToken,
                "can_edit": session.role.canEdit, "is_admin": session.role.canAdminister,
            ] as [String: Any]
            context["csrf"] = session.csrfToken
            context["nav"] = Self.navigation.map { item in
                ["path": item.path, "label": item.label, "current": item.page == page] as [String: Any]
            }
        }
        let html = templates.render(context, withTemplate: page) ?? "template \(page) is missing"
        return Self.html(html, status: status)
    }

    static let navigation: [(page: String, path: String, label: String)] = [
        ("overview", "/dashboard", "Overview"),
        ("profiles", "/dashboard/profiles", "Profiles"),
        ("segments", "/dashboard/segments", "Segments"),
        ("experiences", "/dashboard/experiences", "Experiences"),
        ("recommendations", "/dashboard/recommendations", "Recommendations"),
        ("triggers", "/dashboard/triggers", "Triggers"),
        ("catalog", "/dashboard/catalog", "Catalog"),
        ("rewards", "/dashboard/rewards", "Rewards"),
        ("settings", "/dashboard/settings", "Settings"),
    ]

    /// An HTML response with the dashboard's security headers: no framing, no inline script,
    /// no referrer beyond this origin, never cached.
    static func html(_ text: String, status: HTTPResponse.Status = .ok, cookies: [Cookie] = []) -> Response {
        var response = Response(status: status, headers: securityHeaders(contentType: "text/html; charset=utf-8"),
            body: .init(byteBuffer: ByteBuffer(string: text)))
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    static func securityHeaders(contentType: String) -> HTTPFields {
        [
            .contentType: contentType,
            .cacheControl: "no-store",
            HTTPField.Name("Content-Security-Policy")!: "default-src 'self'; img-src * data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "same-origin",
        ]
    }

    /// A 303 to `location` (after a form, so a reload does not post it again).
    static func redirect(_ location: String, cookies: [Cookie] = []) -> Response {
        var response = Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }

    /// A JSON answer for the pages' own scripts (live segment sizes, import progress).
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: securityHeaders(contentType: "application/json"),
            body: .init(byteBuffer: ByteBuffer(bytes: JSON.serialize(value))))
    }

    /// Whether a token sent matches the expected one; an empty token never does.
    static func constantTimeEqual(_ sent: String, _ expected: String) -> Bool {
        !expected.isEmpty && ConstantTime.equal(sent.utf8, expected.utf8)
    }

    /// Whether the request came through a TLS-terminating proxy (then cookies are `Secure`).
    static func isSecure(_ request: Request) -> Bool {
        request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    /// A domain error in words, each field problem on its own line.
    static func describe(_ error: BaristaError) -> String {
        switch error {
        case .invalid(let problems): return problems.map { "\($0.field): \($0.message)" }.joined(separator: "\n")
        case .malformed(let text, let field): return (field.map { "\($0): " } ?? "") + text
        case .notFound(let text), .conflict(let text), .unavailable(let text), .storageFull(let text): return text
        case .tooLarge(let text, let field): return (field.map { "\($0): " } ?? "") + text
        }
    }

    /// Field problems as `{field, message}` rows for a form's error list.
    static func problems(_ error: BaristaError) -> [[String: String]] {
        if case .invalid(let problems) = error { return problems.map { ["field": $0.field, "message": $0.message] } }
        return [["field": "", "message": describe(error)]]
    }
}

// MARK: - Values for templates

extension JSONValue {
    /// The value as swift-mustache renders it: objects as dictionaries, whole numbers without `.0`.
    var mustache: Any {
        switch self {
        case .null: return false
        case .bool(let b): return b
        case .number(let n): return SVGChart.number(n)
        case .string(let s): return s
        case .array(let items): return items.map(\.mustache)
        case .object(let fields): return fields.mapValues(\.mustache)
        }
    }
}

/// Dates as the dashboard shows them: `2026-11-23 14:05 UTC`.
enum DashboardTime {
    static func show(_ date: Date?) -> String {
        guard let date else { return "–" }
        let text = Timestamp.format(date)
        return String(text.prefix(16)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    static func show(iso text: String?) -> String {
        show(text.flatMap(Timestamp.parse))
    }
}
