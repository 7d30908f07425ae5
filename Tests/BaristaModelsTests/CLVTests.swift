import Foundation
import Testing
@testable import BaristaModels

@Suite struct CLVTests {
    /// `shared/data/cdnow/<name>` beside the first ancestor of this file that has one.
    static func cdnow(_ name: String) -> String {
        var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("shared/data/cdnow/\(name)").path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return "/nonexistent/\(name)"
    }

    static let summaryFile = cdnow("cdnow_customers_summary.csv")
    static let spendFile = cdnow("cdnow_customers_summary_with_transactions.csv")
    static let sampleFile = cdnow("CDNOW_sample.txt")
    static let hasCDNOW = [summaryFile, spendFile, sampleFile].allSatisfy { FileManager.default.fileExists(atPath: $0) }

    static func summary(_ path: String) throws -> CLVSummary {
        try CLVSummary(csv: String(contentsOfFile: path, encoding: .utf8))
    }

    static func close(_ value: Double, _ expected: Double, relative: Double) -> Bool {
        abs(value - expected) <= relative * abs(expected)
    }

    /// The published full-precision fit (Fader, Hardie & Lee 2005; `lifetimes`).
    static let published = BGNBD(r: 0.24259, alpha: 4.41360, a: 0.79292, b: 2.42589)

    @Test(.enabled(if: hasCDNOW))
    func bgnbdFitOnCDNOWReproducesThePublishedEstimates() throws {
        let customers = try Self.summary(Self.summaryFile).customers
        #expect(customers.count == 2357)
        let model = BGNBD.fit(customers: customers)
        #expect(Self.close(model.r, 0.24259, relative: 0.005), "r = \(model.r)")
        #expect(Self.close(model.alpha, 4.41360, relative: 0.005), "α = \(model.alpha)")
        #expect(Self.close(model.a, 0.79292, relative: 0.005), "a = \(model.a)")
        #expect(Self.close(model.b, 2.42589, relative: 0.005), "b = \(model.b)")
        #expect(abs(model.logLikelihood - -9582.429) < 0.01, "LL = \(model.logLikelihood)")
        // The optimum is no worse than the published point.
        #expect(model.logLikelihood >= Self.published.logLikelihood(of: customers) - 1e-6)
    }

    @Test(.enabled(if: hasCDNOW))
    func holdoutExpectationSumsToThePublished1653Purchases() throws {
        let customers = try Self.summary(Self.summaryFile).customers
        let total = customers.reduce(0.0) {
            $0 + Self.published.conditionalExpectedPurchases(t: 39, x: $1.frequency, tx: $1.recency, T: $1.age)
        }
        #expect(Self.close(total, 1653.4, relative: 0.01), "Σ E[Y(39)] = \(total)")
    }

    @Test(.enabled(if: hasCDNOW))
    func gammaGammaFitOnCDNOWReproducesThePublishedEstimates() throws {
        let summary = try Self.summary(Self.spendFile)
        #expect(summary.hasMonetaryValue)
        let model = GammaGamma.fit(customers: summary.customers)
        #expect(Self.close(model.p, 6.25, relative: 0.005), "p = \(model.p)")
        #expect(Self.close(model.q, 3.74, relative: 0.005), "q = \(model.q)")
        #expect(Self.close(model.gamma, 15.44, relative: 0.005), "γ = \(model.gamma)")
        #expect(abs(model.logLikelihood - -4055.92) < 0.01, "LL = \(model.logLikelihood)")
    }

    @Test(.enabled(if: hasCDNOW))
    func summaryBuiltFromTheSampleTransactionsMatchesThePublishedSummary() throws {
        // Given the raw CDNOW sample and the 39-week calibration period ending 1997-09-30
        let text = try String(contentsOfFile: Self.sampleFile, encoding: .utf8)
        // When it is summarised
        let built = try CLVSummary(transactions: text, calibrationEnd: "1997-09-30").customers
        // Then it is the published summary, customer by customer, to its two decimals
        let published = try Self.summary(Self.spendFile).customers
        #expect(built.count == published.count)
        for (mine, theirs) in zip(built, published) {
            #expect(mine.frequency == theirs.frequency)
            #expect(abs(mine.recency - theirs.recency) < 0.006)
            #expect(abs(mine.age - theirs.age) < 0.006)
            #expect(abs((mine.monetaryValue ?? 0) - (theirs.monetaryValue ?? 0)) < 0.006)
        }
    }

    @Test func aCustomerWhoNeverBoughtAgainIsCertainlyAlive() {
        #expect(Self.published.probabilityAlive(x: 0, tx: 0, T: 38.86) == 1)
        #expect(Self.published.probabilityAlive(x: 0, tx: 0, T: 1_000) == 1)
    }

    @Test func probabilityAliveMatchesTheClosedFormByHand() {
        // Given a = 1, b = 2, r = 1, α = 1 and x = 1, tₓ = 1, T = 3
        let model = BGNBD(r: 1, alpha: 1, a: 1, b: 2)
        // Then the odds of being dead are a/(b+x−1)·((α+T)/(α+tₓ))^(r+x) = 1/2 · 2² = 2
        #expect(abs(model.probabilityAlive(x: 1, tx: 1, T: 3) - 1.0 / 3.0) < 1e-12)
    }

    @Test(arguments: [1, 3, 10])
    func probabilityAliveFallsAsTheCustomerStaysSilent(x: Int) {
        let values = stride(from: 10.0, through: 60, by: 5).map { Self.published.probabilityAlive(x: x, tx: 10, T: $0) }
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 > $1 })
        #expect(values.allSatisfy { $0 > 0 && $0 <= 1 })
    }

    @Test func hypergeometricSeriesMatchesClosedForms() {
        // ₂F₁(1, 1; 2; z) = −ln(1 − z)/z and ₂F₁(a, b; b; z) = (1 − z)^(−a)
        for z in [0.1, 0.5, 0.9] {
            #expect(abs(SpecialFunctions.hypergeometric2F1(1, 1, 2, z) - -log(1 - z) / z) < 1e-10)
            #expect(abs(SpecialFunctions.hypergeometric2F1(0.7, 2.5, 2.5, z) - pow(1 - z, -0.7)) < 1e-10)
        }
    }

    @Test func expectedPurchasesOfANewCustomerGrowFromZero() {
        let model = Self.published
        #expect(model.expectedPurchases(t: 0) == 0)
        let values = [1.0, 10, 39, 78].map(model.expectedPurchases(t:))
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 })
        // A customer seen at T = 0 with no purchases is a new customer.
        #expect(abs(model.conditionalExpectedPurchases(t: 39, x: 0, tx: 0, T: 0) - model.expectedPurchases(t: 39)) < 1e-9)
    }

    @Test func conditionalSpendShrinksTowardThePopulationMean() {
        let model = GammaGamma(p: 6.25, q: 3.74, gamma: 15.44)
        let population = model.p * model.gamma / (model.q - 1)
        #expect(abs(model.conditionalExpectedAverageSpend(x: 0, m: 0) - population) < 1e-9)
        let spend = model.conditionalExpectedAverageSpend(x: 5, m: 100)
        #expect(spend > population && spend < 100)
    }

    @Test func lifetimeValueIsDiscountedSpendTimesExpectedPurchases() {
        let spend = GammaGamma(p: 6.25, q: 3.74, gamma: 15.44)
        let customer = CLVCustomer(frequency: 3, recency: 30, age: 38, monetaryValue: 40)
        let undiscounted = spend.customerLifetimeValue(customer: customer, model: Self.published, discountRate: 0)
        let expected = Self.published.conditionalExpectedPurchases(t: 52, x: 3, tx: 30, T: 38)
            * spend.conditionalExpectedAverageSpend(x: 3, m: 40)
        #expect(abs(undiscounted - expected) < 1e-9)
        #expect(spend.customerLifetimeValue(customer: customer, model: Self.published) < undiscounted)
    }

    @Test func summaryCSVAcceptsLifetimesHeadersAndIgnoresExtraColumns() throws {
        let summary = try CLVSummary(csv: "id,frequency,recency,T,monetary_value,note\r\n7,2,5.5,10,12.5,x\r\n8,0,0,10,0,y\r\n")
        #expect(summary.customers == [
            CLVCustomer(frequency: 2, recency: 5.5, age: 10, monetaryValue: 12.5),
            CLVCustomer(frequency: 0, recency: 0, age: 10, monetaryValue: 0),
        ])
        #expect(try CLVSummary(csv: "frequency,recency,T\n1,1,2\n").hasMonetaryValue == false)
    }

    @Test(arguments: [
        ("frequency,recency,T\n1,2,3\n1,x,3\n", CLVSummaryError.badRow(line: 3, reason: "recency 'x' is not a number ≥ 0")),
        ("frequency,recency,T\n1.5,2,3\n", .badRow(line: 2, reason: "frequency 1.5 is not a whole number")),
        ("frequency,recency,T\n1,4,3\n", .badRow(line: 2, reason: "recency 4.0 exceeds T 3.0")),
        ("frequency,T\n1,3\n", .missingColumn("recency")),
    ])
    func summaryCSVRejectsBadRowsNamingTheLine(csv: String, error: CLVSummaryError) {
        #expect(throws: error) { try CLVSummary(csv: csv) }
    }

    @Test func transactionsAreSummarisedPerDayInWeeks() throws {
        // Given two purchases on day one, repeats on days 8 and 15, and one after the end
        let csv = """
            customer_id,date,amount
            a,2024-01-01,5
            a,2024-01-01,5
            a,2024-01-08,20
            a,2024-01-15,30
            a,2024-02-01,99
            b,2024-01-15,7
            """
        // When summarised up to 2024-01-29
        let summary = try CLVSummary(transactions: csv, calibrationEnd: "2024-01-29")
        // Then a made 2 repeat days over 2 weeks, is 4 weeks old, and spent 25 per repeat
        #expect(summary.customers == [
            CLVCustomer(frequency: 2, recency: 2, age: 4, monetaryValue: 25),
            CLVCustomer(frequency: 0, recency: 0, age: 2, monetaryValue: nil),
        ])
        #expect(throws: CLVSummaryError.badRow(line: 3, reason: "date '2024-13-01' is not YYYYMMDD or YYYY-MM-DD")) {
            try CLVSummary(transactions: "a,2024-01-01,1\nb,2024-01-02,2\nc,2024-13-01,3", calibrationEnd: "2024-02-01")
        }
    }
}
