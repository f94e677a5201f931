import Snapstep
import Testing

@Suite struct WorkflowTemplateTests {
    static let context = DictionaryContext([
        "inputs": ["keep": 3, "ratio": 2.5, "flag": true, "none": nil],
        "target": ["volume_id": "vol-01234567", "tags": ["Env": "dev"]],
        "steps": ["r": ["deleted": ["snap-1", "snap-2"]]],
        "run": ["id": "run-1"],
    ])

    @Test(
        arguments: [
            // A template that is exactly one expression keeps the value's type.
            ("${{ inputs.keep }}", 3), ("${{inputs.ratio}}", 2.5), ("${{ inputs.flag }}", true),
            ("${{ target.tags }}", ["Env": "dev"]), ("${{ inputs.none }}", nil), ("${{ 1 == 1 }}", true),
            ("${{ steps.r.deleted }}", ["snap-1", "snap-2"]),
            // Anything else is text, with each value written in.
            ("plain text", "plain text"), ("", ""), (" ${{ inputs.keep }}", " 3"),
            ("keep ${{ inputs.keep }}", "keep 3"),
            ("r=${{ inputs.ratio }}", "r=2.5"), ("${{ inputs.keep }}${{ inputs.keep }}", "33"),
            ("backup-${{ target.volume_id }}-${{ run.id }}", "backup-vol-01234567-run-1"),
            ("x${{ inputs.none }}y", "xy"), ("dry: ${{ inputs.flag }}", "dry: true"),
            ("deleted ${{ steps.r.deleted }}", #"deleted ["snap-1","snap-2"]"#),
            ("tags ${{ target.tags }}", #"tags {"Env":"dev"}"#),
            ("${{ 'a}}b' }}", "a}}b"), ("cost: $5 {not an expression}", "cost: $5 {not an expression}"),
        ] as [(String, Value)])
    func renders(_ text: String, value: Value) throws {
        #expect(try Template.parse(text).render(in: Self.context) == value)
    }

    @Test(arguments: [
        ("${{ inputs.keep", 0, "'${{' is not closed by '}}'"),
        ("x ${{ }}", 2, "'${{ }}' holds no expression"),
        ("ab ${{ 'abc }}", 7, "unterminated string"),
        ("${{ a = 1 }}", 6, "'=' is not an operator"),
        ("${{ a }} and ${{ b c }}", 19, "unexpected 'c'"),
    ])
    func reportsSyntaxErrorsWithTheirOffsetInTheString(_ text: String, offset: Int, message: String) throws {
        let error = try #require(throws: ExpressionError.self) { try Template.parse(text) }

        #expect(error.offset == offset, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func splitsIntoTextAndExpressions() throws {
        let template = try Template.parse("backup-${{ target.volume_id }}!")

        #expect(template.parts == [.text("backup-"), .expression(.reference(["target", "volume_id"])), .text("!")])
        #expect(template.description == "backup-${{ target.volume_id }}!")
        #expect(template.singleExpression == nil)
        #expect(template.literalText == nil)
        #expect(template.references == [["target", "volume_id"]])
        #expect(try Template.parse("no expressions").literalText == "no expressions")
    }

    @Test func reportsAnEvaluationErrorWhenRendering() throws {
        let template = try Template.parse("${{ inputs.keep < 'x' }}")

        #expect(throws: ExpressionError(message: #"cannot compare number 3 with string "x" using '<'"#)) {
            try template.render(in: Self.context)
        }
    }

    @Test func resolvesNestedValues() throws {
        let value = TemplateValue.map([
            "keep_newest": .template(try Template.parse("${{ inputs.keep }}")),
            "tags": .map(["Name": .template(try Template.parse("b-${{ target.volume_id }}")), "Fixed": "yes"]),
            "list": .list([1, true, .null, "${{ not parsed }}"]),
        ])

        #expect(
            try value.resolve(in: Self.context)
                == [
                    "keep_newest": 3, "tags": ["Name": "b-vol-01234567", "Fixed": "yes"],
                    "list": [1, true, nil, "${{ not parsed }}"],
                ])
        #expect(value.literalValue == nil)
        #expect(value.references == [["inputs", "keep"], ["target", "volume_id"]])
        #expect(TemplateValue.list([1, "a"]).literalValue == [1, "a"])
    }
}
