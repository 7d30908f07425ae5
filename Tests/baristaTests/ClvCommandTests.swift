import BaristaCore
import Foundation
import Testing

/// `barista clv fit` through the real binary: API.md's output layout and the published CDNOW fit.
@Suite(.enabled(if: BaristaProcess.isAvailable))
struct ClvCommandTests {
    static let summaryFile: String? = {
        let relative = "../shared/data/cdnow/cdnow_customers_summary_with_transactions.csv"
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return [relative, package.appendingPathComponent(relative).path].first { FileManager.default.fileExists(atPath: $0) }
    }()

    @Test(.enabled(if: ClvCommandTests.summaryFile != nil, "needs ../shared/data/cdnow (absent here)"))
    func fittingTheCDNOWSummaryPrintsBothModelsAsOneJSONLine() throws {
        let run = try BaristaProcess.run(["clv", "fit", "--summary", try #require(Self.summaryFile), "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try JSON.parse(run.stdout.split(separator: "\n").last.map(String.init) ?? "")
        func close(_ value: JSONValue?, _ expected: Double, _ tolerance: Double) -> Bool {
            guard let value = value?.doubleValue else { return false }
            return abs(value - expected) <= tolerance * abs(expected)
        }
        #expect(close(json["bgnbd"]?["r"], 0.24259, 0.005) && close(json["bgnbd"]?["alpha"], 4.41360, 0.005))
        #expect(close(json["bgnbd"]?["a"], 0.79292, 0.005) && close(json["bgnbd"]?["b"], 2.42589, 0.005))
        #expect(close(json["bgnbd"]?["log_likelihood"], -9582.429, 1e-5))
        #expect(close(json["gamma_gamma"]?["p"], 6.25, 0.005) && close(json["gamma_gamma"]?["q"], 3.74, 0.005))
        #expect(close(json["gamma_gamma"]?["gamma"], 15.44, 0.005) && close(json["gamma_gamma"]?["log_likelihood"], -4055.92, 1e-5))
    }

    @Test func aBadRowIsAnErrorNamingItsLine() throws {
        let directory = BaristaProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/summary.csv"
        try "frequency,recency,T\n2,10,20\n1,2,soon\n".write(toFile: file, atomically: true, encoding: .utf8)
        let run = try BaristaProcess.run(["clv", "fit", "--summary", file, "--json"])
        #expect(run.status != 0)
        #expect(run.stderr.contains("line 3"), "\(run.stderr)")
    }
}
