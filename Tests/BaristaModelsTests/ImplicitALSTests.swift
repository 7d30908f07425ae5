import Testing
@testable import BaristaModels

@Suite struct ImplicitALSTests {
    /// Users 0..<8 like items 0..<6 and users 8..<16 like items 6..<12, each user all but one item
    /// of their group (user u skips item u % 6 of it).
    static let blocks: InteractionMatrix = {
        var entries: [(user: Int, item: Int, value: Float)] = []
        for user in 0..<16 {
            let first = user < 8 ? 0 : 6
            for item in first..<first + 6 where item - first != user % 6 { entries.append((user, item, 1)) }
        }
        return InteractionMatrix(userCount: 16, itemCount: 12, entries: entries)
    }()

    @Test func aUserOfOneGroupScoresTheGroupsUnseenItemAboveEveryItemOfTheOtherGroup() {
        // Given a low-rank, regularised model trained on two disjoint groups (too few factors to
        // memorise the holes)
        let model = ImplicitALS(training: Self.blocks, factors: 2, regularization: 1, iterations: 10)
        // When user 0 (group A, who never took item 0) is scored
        var scores = [Float](repeating: 0, count: 12)
        model.score(user: 0, into: &scores)
        // Then the unseen group-A item beats every group-B item
        for item in 6..<12 { #expect(scores[0] > scores[item], "item \(item)") }
    }

    @Test func trainingTwiceWithTheSameSeedGivesTheSameFactors() {
        // Given two trainings with one seed, and one with another
        let first = ImplicitALS(training: Self.blocks, factors: 8, iterations: 3, seed: 7)
        let second = ImplicitALS(training: Self.blocks, factors: 8, iterations: 3, seed: 7)
        let other = ImplicitALS(training: Self.blocks, factors: 8, iterations: 3, seed: 8)
        // Then the same seed gives identical factors, another seed different ones
        #expect(first.userFactors == second.userFactors && first.itemFactors == second.itemFactors)
        #expect(first.itemFactors != other.itemFactors)
    }

    @Test func theLossFallsAsIterationsAreAdded() {
        // Given the same start trained for 0, 1 and 5 iterations
        let losses = [0, 1, 5].map { ImplicitALS(training: Self.blocks, factors: 4, iterations: $0).loss(on: Self.blocks) }
        // Then every further iteration lowers the objective
        #expect(losses[1] < losses[0])
        #expect(losses[2] < losses[1])
    }

    @Test func theConfigNamesTheHyperParameters() {
        let model = ImplicitALS(training: Self.blocks, factors: 4, regularization: 0.5, alpha: 2, iterations: 1)
        #expect(model.name == "ials")
        #expect(model.config == ["factors": 4, "regularization": 0.5, "alpha": 2, "iterations": 1])
        #expect(model.rowStride == 8)
    }
}
