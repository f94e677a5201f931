import Snapstep
import Testing

@Suite struct WorkflowExpressionTests {
    static let context = DictionaryContext([
        "inputs": ["keep": 3, "name": "web", "flag": true, "ratio": 2.5],
        "target": [
            "volume_id": "vol-01234567", "size": 8, "instance_id": nil,
            "tags": ["Env": "dev", "kubernetes.io/cluster": "c1"],
        ],
        "steps": ["snap": ["wait_time": 31, "state": "completed", "snapshot_id": "snap-0123abcd"]],
        "run": ["id": "run-1", "dry_run": false],
    ])

    /// An expression and the value it must evaluate to in ``context``.
    struct Case: Sendable, CustomTestStringConvertible {
        var expression: String
        var value: Value

        var testDescription: String { expression }

        init(_ expression: String, _ value: Value) {
            self.expression = expression
            self.value = value
        }
    }

    static let cases: [Case] = [
        // Literals.
        Case("3", 3), Case("-1.5", -1.5), Case("1e3", 1000), Case("'it''s'", "it's"),
        Case(#""say \"hi\"""#, #"say "hi""#),
        Case("true", true), Case("false", false), Case("null", nil),
        // References.
        Case("inputs.keep", 3), Case("inputs.name", "web"), Case("target.tags.Env", "dev"),
        Case("target.tags['kubernetes.io/cluster']", "c1"),
        Case("target.tags", ["Env": "dev", "kubernetes.io/cluster": "c1"]),
        Case("steps.snap.snapshot_id", "snap-0123abcd"), Case("run.id", "run-1"),
        Case("steps.skipped.approved", nil), Case("target.instance_id == null", true),
        // Precedence: && binds tighter than ||, comparisons tighter than &&, ! tightest.
        Case("true || false && false", true), Case("(true || false) && false", false),
        Case("!false && false", false), Case("!(false && false)", true), Case("!!true", true),
        Case("1 < 2 == true", true), Case("2 == 2 && 3 != 4", true),
        Case("steps.snap.wait_time < 3600 && target.size >= 1", true),
        Case("steps.snap.state == 'completed' || inputs.keep > 100", true),
        // Comparisons.
        Case("2 >= 2", true), Case("2 > 2", false), Case("1 <= 0.5", false), Case("inputs.ratio < 3", true),
        Case("'a' < 'b'", true), Case("'b' <= 'a'", false), Case("inputs.name != 'db'", true),
        Case("inputs.flag == true", true), Case("null == null", true), Case("inputs.keep == null", false),
        Case("inputs.keep == 3.0", true),
        // && and || evaluate their right side only when needed.
        Case("false && inputs.keep", false), Case("true || inputs.keep", true),
    ]

    @Test(arguments: cases)
    func evaluates(_ testCase: Case) throws {
        let expression = try WorkflowExpression.parse(testCase.expression)

        #expect(try expression.evaluate(in: Self.context) == testCase.value)
    }

    /// An expression whose evaluation is a type error, and what the message must say.
    static let typeErrors: [(expression: String, message: String)] = [
        ("inputs.keep < 'a'", #"cannot compare number 3 with string "a" using '<'"#),
        ("inputs.keep == '3'", #"cannot compare number 3 with string "3" using '=='"#),
        ("inputs.name != 3", #"cannot compare string "web" with number 3 using '!='"#),
        ("null < 1", "cannot compare null with number 1 using '<'"),
        ("true > false", "cannot compare boolean true with boolean false using '>'"),
        ("target.tags == 'dev'", "cannot compare map"),
        ("!inputs.keep", "'!' needs true or false, but inputs.keep is number 3"),
        ("inputs.keep && true", "'&&' needs true or false, but inputs.keep is number 3"),
        ("false || inputs.name", #"'||' needs true or false, but inputs.name is string "web""#),
        ("true && steps.skipped.approved", "'&&' needs true or false, but steps.skipped.approved is null"),
    ]

    @Test(arguments: typeErrors)
    func reportsTypeErrorsWhenEvaluating(_ expression: String, message: String) throws {
        let parsed = try WorkflowExpression.parse(expression)
        let error = try #require(throws: ExpressionError.self) { try parsed.evaluate(in: Self.context) }

        #expect(error.message.contains(message), "\(error)")
        #expect(error.offset == nil)
    }

    /// A malformed expression, where its error is, and what the message must say.
    static let syntaxErrors: [(expression: String, offset: Int, message: String)] = [
        ("", 0, "the expression is empty"),
        ("a ==", 4, "expected an operand after '=='"),
        ("(a", 2, "missing ')' to close the '(' at character 1"),
        ("(a b)", 3, "unexpected 'b' where ')' should close the '('"),
        ("a = b", 2, "'=' is not an operator; compare with '=='"),
        ("a & b", 2, "'&' is not an operator; use '&&'"),
        ("a | b", 2, "'|' is not an operator; use '||'"),
        ("'abc", 0, "unterminated string"),
        ("1 2", 2, "unexpected 2 after the expression 1"),
        ("true.x", 4, "after true, which is a value and has no members"),
        ("a.1", 2, "after '.'; expected a name"),
        ("a[b]", 2, "expected a quoted key such as ['Name']"),
        ("a['b'", 5, "expected ']'"),
        ("3abc", 0, "malformed number"),
        ("a # b", 2, "unexpected character '#'"),
        (#""\q""#, 1, #"unknown escape '\q'"#),
        ("&& a", 0, "unexpected '&&' where an operand should be"),
        ("!", 1, "the expression ends where an operand should be"),
        (String(repeating: "(", count: 65) + "a" + String(repeating: ")", count: 65), 64, "nests deeper than 64"),
    ]

    @Test(arguments: syntaxErrors)
    func reportsSyntaxErrorsWithTheirOffset(_ expression: String, offset: Int, message: String) throws {
        let error = try #require(throws: ExpressionError.self) { try WorkflowExpression.parse(expression) }

        #expect(error.offset == offset, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test(arguments: [
        ("a&&(b||c)", "a && (b || c)"), ("!(a == 1)", "!(a == 1)"), ("a == b == c", "a == b == c"),
        ("a == (b == c)", "a == (b == c)"), ("(a || b) || c", "a || b || c"), ("x.tags['k.8s']", "x.tags['k.8s']"),
        ("'it''s' != null", "'it''s' != null"), ("-2 < 1.5", "-2 < 1.5"),
    ])
    func writesItselfBackWithTheParenthesesPrecedenceNeeds(_ text: String, written: String) throws {
        let expression = try WorkflowExpression.parse(text)

        #expect(expression.description == written)
        #expect(try WorkflowExpression.parse(written) == expression)
    }

    @Test func listsItsReferencesInOrder() throws {
        let expression = try WorkflowExpression.parse("steps.a.x < 1 && !(target.tags['k'] == inputs.v)")

        #expect(expression.references == [["steps", "a", "x"], ["target", "tags", "k"], ["inputs", "v"]])
    }

    @Test func parsesIntoTheTreePrecedenceGives() throws {
        #expect(
            try WorkflowExpression.parse("a || b && !c")
                == .binary(.or, .reference(["a"]), .binary(.and, .reference(["b"]), .not(.reference(["c"])))))
    }

    @Test func evaluatesConditionsOnlyToBooleans() throws {
        #expect(try WorkflowExpression.parse("inputs.flag").isSatisfied(in: Self.context))
        let error = try #require(throws: ExpressionError.self) {
            try WorkflowExpression.parse("inputs.name").isSatisfied(in: Self.context)
        }
        #expect(error.message == #"the condition inputs.name is string "web", not true or false"#)
    }
}
