/// The result of checking the audit trail's hash chain from the first event to the chain head.
public struct AuditVerification: Sendable, Equatable {
    /// The number of events checked and found sound before the first problem, or all of them.
    public var checked: Int

    /// The last event according to the chain head, which is what to write down to detect a rewrite of the whole
    /// trail later; `nil` when the head is missing.
    public var head: Head?

    /// The first problem found, or `nil` when the trail is intact.
    public var problem: Problem?

    /// Creates a result.
    public init(checked: Int, head: Head?, problem: Problem?) {
        self.checked = checked
        self.head = head
        self.problem = problem
    }

    /// Whether the trail is intact.
    public var isIntact: Bool { problem == nil }

    /// The last event's sequence number and hash, as the chain head records them.
    public struct Head: Sendable, Equatable {
        /// The sequence number of the last event, 0 for an empty trail.
        public var seq: Int
        /// The hash of the last event, or 64 zeros for an empty trail.
        public var hash: String

        /// Creates a head.
        public init(seq: Int, hash: String) {
            self.seq = seq
            self.hash = hash
        }
    }

    /// The first place where the trail is not what was written.
    public struct Problem: Sendable, Equatable {
        /// The sequence number of the event concerned.
        public var seq: Int
        /// What is wrong.
        public var kind: Kind
        /// One sentence an operator can act on.
        public var message: String

        /// Creates a problem.
        public init(seq: Int, kind: Kind, message: String) {
            self.seq = seq
            self.kind = kind
            self.message = message
        }
    }

    /// The kinds of damage the chain reveals.
    public enum Kind: String, Sendable, CaseIterable {
        /// The event's contents no longer match its own hash.
        case editedRow = "edited_row"
        /// Sequence numbers skip this one: events were deleted from the middle.
        case missingRow = "missing_row"
        /// The event's previous hash is not the hash of the event before: that one was rewritten with a new hash.
        case brokenLink = "broken_link"
        /// The chain head records more events than are present: events were deleted from the end.
        case truncatedTail = "truncated_tail"
        /// The chain head is missing, disagrees with the last event, or events follow it.
        case headMismatch = "head_mismatch"
    }
}
