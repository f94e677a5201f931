import Snapstep
import Testing

@Suite struct RetryBudgetTests {
    @Test func startsFull() {
        #expect(RetryBudget().available == 500)
        #expect(RetryBudget(capacity: 12).available == 12)
    }

    @Test func withdrawsOnlyWhatIsLeft() {
        let budget = RetryBudget(capacity: 12)

        #expect(budget.withdraw(RetryBudget.retryCost))
        #expect(budget.available == 7)
        #expect(!budget.withdraw(RetryBudget.timeoutRetryCost))
        #expect(budget.available == 7)
        #expect(budget.withdraw(RetryBudget.retryCost))
        #expect(!budget.withdraw(RetryBudget.retryCost))
        #expect(budget.available == 2)
    }

    @Test func depositsUpToTheCapacity() {
        let budget = RetryBudget(capacity: 20)
        _ = budget.withdraw(10)

        budget.deposit(1)
        #expect(budget.available == 11)
        budget.deposit(100)
        #expect(budget.available == 20)
    }
}
