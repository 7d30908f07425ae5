import BaristaCore
import BaristaEngine
import Foundation
import Hummingbird

extension Dashboard {
    /// `/dashboard/catalog`: browse and search items; import a CSV, sent by the page in slices of
    /// rows so it can show a progress bar (each slice is validated like `PUT /v1/items`).
    func registerCatalog(on router: Router<BaristaRequestContext>) {
        router.get("/dashboard/catalog") { request, _ in
            try await signedIn(request) { signed in
                let query = signed.query["q"], category = signed.query["category"]
                let (items, next) = try await engine.items(site: signed.site, query: query, category: category, after: signed.query["cursor"], limit: 48)
                return render(page: "catalog", title: "Catalog", session: signed.session, [
                    "q": query ?? "", "category": category ?? "", "items": items.map(Self.itemCard), "empty": items.isEmpty,
                    "total": try await engine.itemCount(site: signed.site).formatted(),
                    "next": next.map { "/dashboard/catalog?" + Self.queryString(["q": query, "category": category, "cursor": $0]) } ?? false,
                ])
            }
        }

        // One slice of an import: `{"csv": "header\nrow…", "first_line": N}` → counts and the rows' problems.
        router.post("/dashboard/catalog/import") { request, _ in
            try await signedIn(request, role: .marketer, bodyLimit: 8 << 20) { signed in
                let body = (try? JSON.parse(signed.form.raw("body") ?? "")) ?? .null
                guard let csv = body["csv"]?.stringValue else {
                    return Self.json(["detail": "send {\"csv\": …}", "errors": [["field": "/csv", "message": "is required"]]], status: .unprocessableContent)
                }
                let offset = Int(body["first_line"]?.doubleValue ?? 2) - 2
                let report = try await importItems(csv: csv, lineOffset: offset, site: signed.site)
                return Self.json(report)
            }
        }
    }

    /// Validates each row like `PUT /v1/items` and stores the good ones; bad rows are reported by line.
    private func importItems(csv: String, lineOffset: Int, site: SiteID) async throws -> JSONValue {
        var reader: CSVRecordReader
        do {
            reader = try CSVRecordReader(source: MemoryChunkSource(csv), kind: .items)
        } catch {
            return ["imported": 0, "rejected": 0, "errors": [["line": 1, "field": "header", "message": .string("\(error)")]]]
        }
        let validator = ItemValidator()
        let now = engine.currentTime
        var items: [Item] = []
        var errors: [JSONValue] = []
        while let record = try reader.next() {
            let line = JSONValue.number(Double(record.line + lineOffset))
            switch record.result {
            case .failure(let problem):
                errors.append(["line": line, "field": "", "message": .string(problem.description)])
            case .success(let value):
                switch validator.validate(value, id: nil, at: JSONPointer(), now: now) {
                case .success(let item): items.append(item)
                case .failure(let failure):
                    for problem in failure.errors { errors.append(["line": line, "field": .string(problem.field), "message": .string(problem.message)]) }
                }
            }
        }
        if !items.isEmpty { _ = try await engine.upsertItems(items, site: site) }
        let rejected = Set(errors.compactMap { $0["line"]?.doubleValue }).count
        return ["imported": .number(Double(items.count)), "rejected": .number(Double(rejected)), "errors": .array(errors)]
    }
}
