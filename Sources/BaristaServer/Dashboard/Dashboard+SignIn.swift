import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

extension Dashboard {
    /// `/dashboard/login` and `/dashboard/logout`.
    ///
    /// The sign-in form has no session yet, so its CSRF token is a double-submit one: a random value
    /// both in a `SameSite=Strict` cookie and in the form, which another site can neither read nor set.
    func registerSignIn(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard/login") { request, _ in
            if let token = request.cookies[Self.sessionCookie]?.value, try await engine.dashboardSession(token: token) != nil {
                return Self.redirect("/dashboard")
            }
            return loginPage(request, next: request.uri.queryParameters.get("next"), status: .ok, message: nil)
        }

        router.post("/dashboard/login") { request, _ in
            let form = FormData(encoded: String(buffer: try await request.body.collect(upTo: 64 << 10)))
            let next = form["next"]
            guard let cookie = request.cookies[Self.loginCookie]?.value, Self.constantTimeEqual(form["csrf"] ?? "", cookie) else {
                return loginPage(request, next: next, status: .forbidden, message: "The sign-in form expired. Please try again.")
            }
            guard let email = form["email"], let password = form.raw("password"), !password.isEmpty else {
                return loginPage(request, next: next, status: .unprocessableContent, message: "Enter your email and password.", email: form["email"])
            }
            do {
                let (token, _) = try await engine.signIn(email: email, password: password)
                let session = Cookie(name: Self.sessionCookie, value: token, maxAge: 12 * 3600, path: "/dashboard",
                    secure: Self.isSecure(request), httpOnly: true, sameSite: .lax)
                let spent = Cookie(name: Self.loginCookie, value: "", maxAge: 0, path: "/dashboard/login",
                    secure: Self.isSecure(request), httpOnly: true, sameSite: .strict)
                return Self.redirect(Self.safeNext(next), cookies: [session, spent])
            } catch SignInError.invalidCredentials {
                return loginPage(request, next: next, status: .unauthorized, message: "That email and password do not match an account.", email: email)
            } catch SignInError.lockedOut(let until) {
                let minutes = max(1, Int((until.timeIntervalSince(engine.currentTime) / 60).rounded(.up)))
                return loginPage(request, next: next, status: .tooManyRequests,
                    message: "Too many failed sign-ins for this email. Try again in \(minutes) minute\(minutes == 1 ? "" : "s").", email: email)
            }
        }

        router.post("/dashboard/logout") { request, _ in
            try await signedIn(request) { signed in
                if let token = request.cookies[Self.sessionCookie]?.value { try await engine.signOut(token: token) }
                let cleared = Cookie(name: Self.sessionCookie, value: "", maxAge: 0, path: "/dashboard",
                    secure: Self.isSecure(request), httpOnly: true, sameSite: .lax)
                return Self.redirect("/dashboard/login", cookies: [cleared])
            }
        }
    }

    private func loginPage(_ request: Request, next: String?, status: HTTPResponse.Status, message: String?, email: String? = nil) -> Response {
        let csrf = Engine.newToken()
        var response = render(status: status, page: "login", title: "Sign in", session: nil, [
            "csrf": csrf, "next": Self.safeNext(next), "message": message ?? false, "email": email ?? "",
        ])
        response.setCookie(Cookie(name: Self.loginCookie, value: csrf, maxAge: 3600, path: "/dashboard/login",
            secure: Self.isSecure(request), httpOnly: true, sameSite: .strict))
        return response
    }

    /// Where to go after signing in: a dashboard path, never another site.
    static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/dashboard"), !next.hasPrefix("//"), !next.contains("\\"), !next.hasPrefix("/dashboard/login") else { return "/dashboard" }
        return next
    }

    /// The stylesheet and script every page loads (no build step: plain CSS and JavaScript).
    func registerAssets(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard/assets/dashboard.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: DashboardAssets.css)))
        }
        router.get("/dashboard/assets/dashboard.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(string: DashboardAssets.javascript)))
        }
    }
}
