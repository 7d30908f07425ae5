import Testing
import BaristaModels

@Suite struct CustomerPredictionTests {
    /// The published CDNOW BG/NBD and Gamma-Gamma parameters, in weeks and dollars.
    static let bgnbd = BGNBD(r: 0.242593, alpha: 4.41353, a: 0.792886, b: 2.42575)
    static let gammaGamma = GammaGamma(p: 6.2488, q: 3.7446, gamma: 15.4478)

    @Test func aCustomerWhoNeverReturnedIsAliveAndValuedAtThePopulationSpend() throws {
        let customer = CLVCustomer(frequency: 0, recency: 0, age: 38.86)
        let prediction = CustomerPrediction.predict(
            bgnbd: Self.bgnbd, gammaGamma: Self.gammaGamma, customer: customer, periodDays: 7)
        #expect(prediction.pAlive == 1)
        let expected90 = Self.bgnbd.conditionalExpectedPurchases(t: 90.0 / 7, x: 0, tx: 0, T: 38.86)
        #expect(abs(prediction.expectedPurchases90d - expected90) < 1e-12)
        #expect(prediction.expectedPurchases90d > 0 && prediction.expectedPurchases90d < 1)
        let expected12m = Self.bgnbd.conditionalExpectedPurchases(t: 365.25 / 7, x: 0, tx: 0, T: 38.86)
        let populationSpend = 6.2488 * 15.4478 / (3.7446 - 1)
        let clv = try #require(prediction.clv12m)
        #expect(abs(clv - expected12m * populationSpend) < 1e-9 * clv)
    }

    @Test func theTimeUnitOnlyRescalesTheHorizons() {
        // The same customer in weeks and in days, with the purchase-rate scale α converted too.
        let weeks = CLVCustomer(frequency: 2, recency: 30.43, age: 38.86, monetaryValue: 25)
        let days = CLVCustomer(frequency: 2, recency: 30.43 * 7, age: 38.86 * 7, monetaryValue: 25)
        var daily = Self.bgnbd
        daily.alpha *= 7
        let a = CustomerPrediction.predict(bgnbd: Self.bgnbd, gammaGamma: Self.gammaGamma, customer: weeks, periodDays: 7)
        let b = CustomerPrediction.predict(bgnbd: daily, gammaGamma: Self.gammaGamma, customer: days, periodDays: 1)
        #expect(abs(a.pAlive - b.pAlive) < 1e-9)
        #expect(abs(a.expectedPurchases90d - b.expectedPurchases90d) < 1e-9)
        #expect(abs(a.clv12m! - b.clv12m!) < 1e-7)
    }

    @Test func valueRisesWithFrequencyForARecentBuyer() {
        let values = (1...12).map { x in
            CustomerPrediction.predict(
                bgnbd: Self.bgnbd, gammaGamma: Self.gammaGamma,
                customer: CLVCustomer(frequency: x, recency: 36, age: 38.86, monetaryValue: 30), periodDays: 7
            ).clv12m!
        }
        for (lower, higher) in zip(values, values.dropFirst()) { #expect(lower < higher) }
    }

    @Test func aRepeatBuyerIsValuedAtTheirShrunkSpend() {
        let customer = CLVCustomer(frequency: 4, recency: 30, age: 38.86, monetaryValue: 80)
        let prediction = CustomerPrediction.predict(
            bgnbd: Self.bgnbd, gammaGamma: Self.gammaGamma, customer: customer, periodDays: 7)
        let purchases = Self.bgnbd.conditionalExpectedPurchases(t: 365.25 / 7, x: 4, tx: 30, T: 38.86)
        let spend = Self.gammaGamma.conditionalExpectedAverageSpend(x: 4, m: 80)
        #expect(spend < 80 && spend > 6.2488 * 15.4478 / (3.7446 - 1))
        #expect(abs(prediction.clv12m! - purchases * spend) < 1e-9)
        #expect(prediction.pAlive > 0 && prediction.pAlive < 1)
    }

    @Test func withoutASpendModelThereIsNoValue() {
        let customer = CLVCustomer(frequency: 3, recency: 20, age: 38.86, monetaryValue: 40)
        let prediction = CustomerPrediction.predict(bgnbd: Self.bgnbd, gammaGamma: nil, customer: customer, periodDays: 7)
        #expect(prediction.clv12m == nil)
        #expect(prediction.expectedPurchases90d > 0)
        let heavyTailed = GammaGamma(p: 6, q: 0.9, gamma: 15)
        let newcomer = CLVCustomer(frequency: 0, recency: 0, age: 10)
        #expect(CustomerPrediction.predict(
            bgnbd: Self.bgnbd, gammaGamma: heavyTailed, customer: newcomer, periodDays: 7).clv12m == nil)
    }
}
