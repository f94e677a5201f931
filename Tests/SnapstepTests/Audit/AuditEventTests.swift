import Snapstep
import Testing

@Suite struct AuditEventTests {
    @Test(arguments: AuditFixtures.runEvents)
    func readsEveryKindBackFromItsStoredPayload(event: AuditEvent) throws {
        let record = AuditRecord(
            seq: 1, runID: "run-1", time: "t", kind: event.kind.rawValue, payload: event.payload.text, previousHash: "",
            hash: "")

        #expect(try record.event() == event)
    }

    @Test func writesAnAWSCallWithItsRetriesAndWholeMilliseconds() {
        let call = CallRecord(
            action: "DeleteVolume", region: "us-east-1", requestID: nil, statusCode: 503, errorCode: "Unavailable",
            latency: .microseconds(1_250_900), attempt: 3)

        let payload = AuditEvent.awsCall(call, target: nil, stepID: "delete").payload.text

        #expect(
            payload
                == #"{"action":"DeleteVolume","attempt":3,"error_code":"Unavailable","latency_ms":1250,"#
                + #""region":"us-east-1","request_id":null,"retries":2,"status":503,"step_id":"delete","target":null}"#)
    }

    @Test func writesCanonicalJSONWithSortedKeysAndMinimalEscapes() throws {
        let value = CanonicalJSON.object([
            "b": .array([.int(-1), .bool(true), .null]), "a": .string("quote \" slash \\ / tab \t bell \u{7} é"),
            "B": .object([:]),
        ])

        #expect(value.text == #"{"B":{},"a":"quote \" slash \\ / tab \t bell \u0007 é","b":[-1,true,null]}"#)
        #expect(try CanonicalJSON.parse(value.text) == value)
    }

    @Test func reportsAPayloadThatDoesNotFitItsKind() {
        let record = AuditRecord(
            seq: 4, runID: "run-1", time: "t", kind: "resource", payload: #"{"resource_id":"snap-1"}"#,
            previousHash: "", hash: "")

        #expect(
            throws: AuditError.undecodableEvent(
                seq: 4, kind: "resource", reason: "the payload lacks a member or has a wrong type")
        ) {
            try record.event()
        }
    }

    @Test func reportsAnUnknownKind() {
        let record = AuditRecord(
            seq: 2, runID: "r", time: "t", kind: "mystery", payload: "{}", previousHash: "", hash: "")

        #expect(
            throws: AuditError.undecodableEvent(seq: 2, kind: "mystery", reason: "the kind is unknown to this snapstep")
        ) {
            try record.event()
        }
    }
}
