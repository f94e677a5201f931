/// Checks the trail's events one by one, in sequence order, and then against the chain head.
///
/// It stops caring after the first problem: once a link is broken, every later event's place is in doubt.
struct ChainWalker {
    /// The number of events found sound so far.
    private(set) var checked = 0

    private var lastSeq = 0
    private var lastHash = AuditRecord.genesisHash

    /// Checks the next event.
    ///
    /// - Parameter record: The event, in ascending sequence order.
    /// - Returns: The problem this event shows, or `nil` when it is sound.
    mutating func check(_ record: AuditRecord) -> AuditVerification.Problem? {
        let expected = lastSeq + 1
        if record.seq > expected {
            let gap =
                record.seq - 1 == expected ? "Event \(expected) is" : "Events \(expected) to \(record.seq - 1) are"
            return problem(
                expected, .missingRow,
                "\(gap) missing: the trail goes from event \(lastSeq) to event \(record.seq), so events were deleted")
        }
        if record.seq < expected || record.expectedHash != record.hash {
            return problem(
                record.seq, .editedRow,
                "Event \(record.seq) of run \(record.runID) was changed after it was written: its contents no longer "
                    + "match its hash")
        }
        if record.previousHash != lastHash {
            return problem(
                record.seq, .brokenLink,
                "Event \(record.seq) does not follow event \(lastSeq): its previous hash differs, so event "
                    + "\(lastSeq) was rewritten with a new hash or replaced")
        }

        checked += 1
        lastSeq = record.seq
        lastHash = record.hash
        return nil
    }

    /// Compares the last event checked with the chain head.
    ///
    /// - Parameter head: The chain head, or `nil` when its row is missing.
    /// - Returns: The problem, or `nil` when the head records exactly the last event.
    func finish(head: AuditVerification.Head?) -> AuditVerification.Problem? {
        guard let head else {
            return problem(
                lastSeq, .headMismatch,
                "The chain head is missing, so events deleted from the end of the trail cannot be ruled out")
        }
        if head.seq > lastSeq {
            let gap = head.seq == lastSeq + 1 ? "Event \(head.seq) is" : "Events \(lastSeq + 1) to \(head.seq) are"
            return problem(
                lastSeq + 1, .truncatedTail,
                "\(gap) missing from the end of the trail: the chain head records \(head.seq) events but the last one "
                    + "present is \(lastSeq)")
        }
        if head.seq < lastSeq {
            return problem(
                head.seq + 1, .headMismatch,
                "Events \(head.seq + 1) to \(lastSeq) follow the chain head (\(head.seq)), so they were written "
                    + "behind snapstep's back")
        }
        if head.hash != lastHash {
            return problem(
                lastSeq, .headMismatch,
                "Event \(lastSeq) does not match the chain head: the last event or the head was rewritten")
        }
        return nil
    }

    private func problem(
        _ seq: Int, _ kind: AuditVerification.Kind, _ finding: String
    ) -> AuditVerification.Problem {
        let advice = "; compare the database with a backup or an earlier export before trusting it."
        return AuditVerification.Problem(seq: seq, kind: kind, message: finding + advice)
    }
}
