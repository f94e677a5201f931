extension WorkflowExpression {
    /// Evaluates the expression.
    ///
    /// A reference with no value in the context is ``Value/null``. `&&` and `||` take Booleans and evaluate their
    /// right side only when needed; `!` takes a Boolean. `==` and `!=` compare two values of the same kind, or any
    /// value with `null`; `<`, `<=`, `>` and `>=` compare two numbers or two strings. Any other mix, such as a
    /// number with a string, is a type error.
    ///
    /// - Parameter context: Where references are looked up.
    /// - Returns: The value.
    /// - Throws: ``ExpressionError`` naming the operator and the operands of a type error.
    public func evaluate(in context: some EvaluationContext) throws(ExpressionError) -> Value {
        switch self {
        case .literal(let value):
            return value
        case .reference(let path):
            return context.value(at: path) ?? .null
        case .not(let operand):
            return .bool(!(try operand.boolean(in: context, for: "!")))
        case .binary(.and, let left, let right):
            guard try left.boolean(in: context, for: "&&") else { return .bool(false) }
            return .bool(try right.boolean(in: context, for: "&&"))
        case .binary(.or, let left, let right):
            guard try !left.boolean(in: context, for: "||") else { return .bool(true) }
            return .bool(try right.boolean(in: context, for: "||"))
        case .binary(let op, let left, let right):
            return .bool(try Self.compare(left.evaluate(in: context), op, right.evaluate(in: context)))
        }
    }

    /// Evaluates the expression as a condition, such as a step's `if:`.
    ///
    /// - Parameter context: Where references are looked up.
    /// - Returns: The Boolean the expression evaluates to.
    /// - Throws: ``ExpressionError`` when evaluation fails or the value is not a Boolean.
    public func isSatisfied(in context: some EvaluationContext) throws(ExpressionError) -> Bool {
        let value = try evaluate(in: context)
        guard let flag = value.boolValue else {
            throw ExpressionError(message: "the condition \(self) is \(value.phrase), not true or false")
        }
        return flag
    }

    private func boolean(in context: some EvaluationContext, for op: String) throws(ExpressionError) -> Bool {
        let value = try evaluate(in: context)
        guard let flag = value.boolValue else {
            throw ExpressionError(message: "'\(op)' needs true or false, but \(self) is \(value.phrase)")
        }
        return flag
    }

    private static func compare(_ left: Value, _ op: BinaryOperator, _ right: Value) throws(ExpressionError) -> Bool {
        switch (op, left, right) {
        case (.equal, _, _) where left.kind == right.kind || left.isNull || right.isNull:
            return left == right
        case (.notEqual, _, _) where left.kind == right.kind || left.isNull || right.isNull:
            return left != right
        case (_, .number(let a), .number(let b)):
            return ordered(a, op, b)
        case (_, .string(let a), .string(let b)):
            return ordered(a, op, b)
        default:
            throw ExpressionError(message: "cannot compare \(left.phrase) with \(right.phrase) using '\(op.rawValue)'")
        }
    }

    private static func ordered<T: Comparable>(_ a: T, _ op: BinaryOperator, _ b: T) -> Bool {
        switch op {
        case .less: a < b
        case .lessOrEqual: a <= b
        case .greater: a > b
        case .greaterOrEqual: a >= b
        case .equal: a == b
        case .notEqual: a != b
        case .and, .or: false
        }
    }
}
