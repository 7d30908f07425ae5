import BaristaCore
import BaristaEngine
@testable import BaristaServer
import BaristaTesting
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The dashboard's sign-in, sessions, CSRF and roles, and that every page renders, through the
/// router. (`Tests/browser/test_dashboard.py` drives the same pages in Chromium.)
struct DashboardRouteTests {
    static let password = "a long password"

    /// A client that keeps cookies, as a browser does.
    final class Browser: @unchecked Sendable {
        let client: any TestClientProtocol
        var cookies: [String: String] = [:]
        init(_ client: any TestClientProtocol) { self.client = client }

        struct Page { let status: HTTPResponse.Status; let headers: HTTPFields; let text: String; let setCookies: [String] }

        func send(_ method: HTTPRequest.Method, _ uri: String, form: [String: String]? = nil, json: String? = nil, headers extra: HTTPFields = [:]) async throws -> Page {
            var headers = extra
            if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
            var body: ByteBuffer?
            if let form {
                headers[.contentType] = "application/x-www-form-urlencoded"
                var allowed = CharacterSet.alphanumerics
                allowed.insert(charactersIn: "-._~")
                body = ByteBuffer(string: form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
            } else if let json {
                headers[.contentType] = "application/json"
                body = ByteBuffer(string: json)
            }
            let page = try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
                Page(status: response.status, headers: response.headers, text: String(buffer: response.body),
                    setCookies: response.headers[values: .setCookie])
            }
            for line in page.setCookies {
                let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
                if pair.count == 2 { cookies[pair[0]] = pair[1].isEmpty ? nil : pair[1] }
                if line.contains("Max-Age=0") { cookies[pair[0]] = nil }
            }
            return page
        }

        /// The CSRF token a page carries.
        static func csrf(_ text: String) -> String? {
            guard let range = text.range(of: #"name="csrf" (value|content)="[0-9a-f]+""#, options: .regularExpression) else { return nil }
            return String(text[range].split(separator: "\"")[3])
        }

        func signIn(_ email: String, _ password: String, headers: HTTPFields = [:]) async throws -> Page {
            let login = try await send(.get, "/dashboard/login")
            return try await send(.post, "/dashboard/login", form: ["email": email, "password": password, "csrf": Self.csrf(login.text) ?? "", "next": "/dashboard/segments"], headers: headers)
        }
    }

    @Test func accountsValidateAndHashPasswords() async throws {
        let harness = try await ServerHarness()
        let engine = harness.engine
        await #expect(throws: BaristaError.invalid([FieldError(field: "/email", message: "must be an email address"),
                                                    FieldError(field: "/password", message: "must have at least 10 characters")])) {
            try await engine.createDashboardUser(email: "nobody", password: "short", role: .admin, site: harness.site)
        }
        let user = try await engine.createDashboardUser(email: "Ana@Shop.example", password: Self.password, role: .marketer, site: harness.site)
        #expect(user.email == "ana@shop.example")
        await #expect(throws: BaristaError.self) {
            try await engine.createDashboardUser(email: "ana@shop.example", password: Self.password, role: .admin, site: harness.site)
        }
        let stored = try await engine.store.definitions(kind: "dashboard_user", site: harness.site)
        #expect(stored.count == 1 && stored[0].body.contains("scrypt$16384$8$1$") && !stored[0].body.contains(Self.password))
        let (token, session) = try await engine.signIn(email: "ANA@shop.example", password: Self.password)
        #expect(session.role == .marketer && session.site == harness.site)
        #expect(try await engine.dashboardSession(token: token) == session)
        // Sessions are stored under the token's hash, so another node (or a restart) finds them, and a database copy holds no token.
        let sessions = try await engine.store.definitions(kind: "dashboard_session", site: harness.site)
        #expect(sessions.count == 1 && sessions[0].key != token && !sessions[0].body.contains(token))
        try await engine.signOut(token: token)
        #expect(try await engine.dashboardSession(token: token) == nil)
    }

    @Test func fiveFailuresLockAnEmailOutButNotOthers() async throws {
        let harness = try await ServerHarness()
        let engine = harness.engine
        try await engine.createDashboardUser(email: "ana@shop.example", password: Self.password, role: .admin, site: harness.site)
        try await engine.createDashboardUser(email: "bo@shop.example", password: Self.password, role: .admin, site: harness.site)
        for _ in 0..<4 {
            await #expect(throws: SignInError.invalidCredentials) { _ = try await engine.signIn(email: "ana@shop.example", password: "wrong one!") }
        }
        await #expect(throws: SignInError.lockedOut(until: Fixtures.now.addingTimeInterval(15 * 60))) {
            _ = try await engine.signIn(email: "ana@shop.example", password: "wrong one!")
        }
        await #expect(throws: SignInError.lockedOut(until: Fixtures.now.addingTimeInterval(15 * 60))) {
            _ = try await engine.signIn(email: "ana@shop.example", password: Self.password)
        }
        _ = try await engine.signIn(email: "bo@shop.example", password: Self.password)
        await #expect(throws: SignInError.invalidCredentials) { _ = try await engine.signIn(email: "nobody@shop.example", password: Self.password) }
    }

    @Test func signInSetsASafeSessionCookieAndEveryPageRenders() async throws {
        let harness = try await ServerHarness()
        try await harness.engine.createDashboardUser(email: "ana@shop.example", password: Self.password, role: .admin, site: harness.site)
        try await harness.app.test(.router) { client in
            let browser = Browser(client)
            let away = try await browser.send(.get, "/dashboard/profiles")
            #expect(away.status == .seeOther && away.headers[.location] == "/dashboard/login?next=/dashboard/profiles")
            // The login form's own CSRF check: no cookie, no sign-in.
            let forged = try await browser.send(.post, "/dashboard/login", form: ["email": "ana@shop.example", "password": Self.password, "csrf": "00"])
            #expect(forged.status == .forbidden && browser.cookies["barista_session"] == nil)
            let wrong = try await browser.signIn("ana@shop.example", "not the password")
            #expect(wrong.status == .unauthorized && wrong.text.contains("do not match"))
            let signed = try await browser.signIn("ana@shop.example", Self.password, headers: [HTTPField.Name("X-Forwarded-Proto")!: "https"])
            #expect(signed.status == .seeOther && signed.headers[.location] == "/dashboard/segments")
            let cookie = try #require(signed.setCookies.first { $0.hasPrefix("barista_session=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/dashboard") && cookie.contains("Secure"))

            for path in ["/dashboard", "/dashboard/profiles", "/dashboard/segments", "/dashboard/experiences", "/dashboard/recommendations",
                         "/dashboard/recommendations?who=user&id=u1", "/dashboard/triggers", "/dashboard/catalog", "/dashboard/rewards", "/dashboard/settings"] {
                let page = try await browser.send(.get, path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8", "\(path)")
                #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") ?? false, "\(path)")
                #expect(page.text.contains("<main id=\"main\">") && !page.text.contains("{{"), "\(path) renders its template")
            }
            let logout = try await browser.send(.post, "/dashboard/logout", form: ["csrf": Browser.csrf(try await browser.send(.get, "/dashboard").text) ?? ""])
            #expect(logout.status == .seeOther)
            #expect(try await browser.send(.get, "/dashboard").status == .seeOther)
        }
    }

    @Test func formsNeedTheSessionsTokenAndTheRightRole() async throws {
        let harness = try await ServerHarness()
        let engine = harness.engine
        try await engine.createDashboardUser(email: "mia@shop.example", password: Self.password, role: .marketer, site: harness.site)
        try await engine.createDashboardUser(email: "vic@shop.example", password: Self.password, role: .viewer, site: harness.site)
        try await harness.app.test(.router) { client in
            let marketer = Browser(client)
            _ = try await marketer.signIn("mia@shop.example", Self.password)
            let page = try await marketer.send(.get, "/dashboard/segments")
            let token = try #require(Browser.csrf(page.text))
            let rule = #"{"trait":"city","op":"eq","value":"Paris"}"#
            let refused = try await marketer.send(.post, "/dashboard/segments", form: ["key": "paris", "rule": rule])
            #expect(refused.status == .forbidden)
            let wrongToken = try await marketer.send(.post, "/dashboard/segments", form: ["key": "paris", "rule": rule, "csrf": String(token.reversed())])
            #expect(wrongToken.status == .forbidden)
            #expect(try await engine.segment("paris", site: harness.site) == nil)
            let saved = try await marketer.send(.post, "/dashboard/segments", form: ["key": "paris", "rule": rule, "csrf": token, "name": "Paris"])
            #expect(saved.status == .seeOther)
            #expect(try await engine.segment("paris", site: harness.site)?.definition.name == "Paris")
            // A bad rule comes back on the page with its pointer, the typed values kept.
            let bad = try await marketer.send(.post, "/dashboard/segments", form: ["key": "bad", "rule": #"{"trait":"city","op":"near"}"#, "csrf": token])
            #expect(bad.status == .unprocessableContent && bad.text.contains("/rule/op") && bad.text.contains("value=\"bad\""))
            // The builder's live size answers JSON, with the header token.
            let preview = try await marketer.send(.post, "/dashboard/segments/preview", json: #"{"rule":{"trait":"city","op":"eq","value":"Paris"}}"#,
                headers: [HTTPField.Name("X-CSRF-Token")!: token])
            #expect(preview.status == .ok && (try? JSON.parse(preview.text))?["size"] == .number(0))
            let badPreview = try await marketer.send(.post, "/dashboard/segments/preview", json: #"{"rule":{"nope":1}}"#,
                headers: [HTTPField.Name("X-CSRF-Token")!: token])
            #expect(badPreview.status == .unprocessableContent && badPreview.text.contains("/rule"))
            // Settings are an admin's.
            let settings = try await marketer.send(.post, "/dashboard/settings", form: ["csrf": token, "action": "settings", "holdout": "9"])
            #expect(settings.status == .forbidden)
            #expect(try await engine.settings(site: harness.site).globalHoldoutPercent == 0)

            let viewer = Browser(client)
            _ = try await viewer.signIn("vic@shop.example", Self.password)
            let viewerToken = try #require(Browser.csrf(try await viewer.send(.get, "/dashboard/segments").text))
            let viewerPost = try await viewer.send(.post, "/dashboard/segments", form: ["key": "v", "rule": rule, "csrf": viewerToken])
            #expect(viewerPost.status == .forbidden)
            #expect(!(try await viewer.send(.get, "/dashboard/segments").text.contains("Save segment")), "a viewer sees no edit forms")

            let stranger = Browser(client)
            let noSession = try await stranger.send(.post, "/dashboard/segments", form: ["key": "s", "rule": rule, "csrf": token])
            #expect(noSession.status == .seeOther && noSession.headers[.location]?.hasPrefix("/dashboard/login") == true)
        }
    }

    @Test func profilesAreEscapedAndErasedOnlyWhenConfirmed() async throws {
        let harness = try await ServerHarness()
        let engine = harness.engine
        try await engine.createDashboardUser(email: "ana@shop.example", password: Self.password, role: .admin, site: harness.site)
        _ = try await engine.ingest([Fixtures.identify(user: "u1", traits: ["name": "<script>alert(1)</script>"])], site: harness.site)
        let profile = try #require(try await engine.profile("u1", by: .userID, site: harness.site)).profile.id.rawValue
        try await harness.app.test(.router) { client in
            let browser = Browser(client)
            _ = try await browser.signIn("ana@shop.example", Self.password)
            let page = try await browser.send(.get, "/dashboard/profiles/u1")
            #expect(page.status == .ok && page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.text.contains("<script>alert"))
            let token = try #require(Browser.csrf(page.text))
            let unconfirmed = try await browser.send(.post, "/dashboard/profiles/\(profile)", form: ["csrf": token, "action": "erase", "confirm": "someone else"])
            #expect(unconfirmed.status == .unprocessableContent)
            #expect(try await engine.profile(profile, site: harness.site) != nil)
            let export = try await browser.send(.get, "/dashboard/profiles/\(profile)/export")
            #expect(export.status == .ok && export.headers[.contentDisposition]?.contains("attachment") == true
                && (try? JSON.parse(export.text))?["events"]?.arrayValue?.count == 1)
            let erased = try await browser.send(.post, "/dashboard/profiles/\(profile)", form: ["csrf": token, "action": "erase", "confirm": profile])
            #expect(erased.status == .ok && erased.text.contains("Profile erased"))
            #expect(try await engine.profile(profile, site: harness.site) == nil)
        }
    }

    @Test func theRewardsPageSavesTheProgrammeAndShowsWhatItOwes() async throws {
        let harness = try await ServerHarness()
        let engine = harness.engine
        try await engine.createDashboardUser(email: "mia@shop.example", password: Self.password, role: .marketer, site: harness.site)
        try await harness.app.test(.router) { client in
            let browser = Browser(client)
            _ = try await browser.signIn("mia@shop.example", Self.password)
            let token = try #require(Browser.csrf(try await browser.send(.get, "/dashboard/rewards").text))
            let bad = try await browser.send(.post, "/dashboard/rewards", form: ["csrf": token, "program": #"{"earn":[{"event":"Order Completed","points_per_unit":-1}]}"#])
            #expect(bad.status == .unprocessableContent && bad.text.contains("/earn/0/points_per_unit"))
            let program = #"{"earn":[{"event":"Order Completed","points_per_unit":10,"unit":"revenue"}],"tiers":[{"key":"gold","min_points":100,"window":"365d","benefits":{"free_shipping":true}}],"rewards":[{"key":"free-drink","points":150,"title":"A free drink"}]}"#
            let saved = try await browser.send(.post, "/dashboard/rewards", form: ["csrf": token, "program": program])
            #expect(saved.status == .ok && saved.text.contains("Programme saved"))
            #expect(try await engine.rewardsProgram(site: harness.site).rewards.map(\.key) == ["free-drink"])
            _ = try await engine.ingest([Fixtures.track("Order Completed", user: "u1", properties: ["order_id": "o1", "revenue": "12.50"])], site: harness.site)
            let liability = try await engine.rewardsLiability(site: harness.site)
            #expect(liability.outstanding == 125 && liability.holders == 1 && liability.tiers["gold"] == 1 && liability.canRedeem["free-drink"] == nil)
            let page = try await browser.send(.get, "/dashboard/rewards")
            #expect(page.text.contains(">125<") && page.text.contains("A free drink"))
        }
    }

    @Test func signInNeverRedirectsOffTheDashboard() {
        #expect(Dashboard.safeNext("//evil.example/x") == "/dashboard")
        #expect(Dashboard.safeNext("https://evil.example") == "/dashboard")
        #expect(Dashboard.safeNext("/dashboard\\@evil") == "/dashboard")
        #expect(Dashboard.safeNext("/dashboard/segments?edit=vip") == "/dashboard/segments?edit=vip")
    }
}
