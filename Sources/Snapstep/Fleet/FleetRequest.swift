import FoundationEssentials

/// A snapshot run over many volumes: which volumes (named, or chosen by a selector), in which accounts and regions
/// of one integration, with which tags, and how fast.
public struct FleetRequest: Sendable, Equatable {
    /// A volume named on the command line or in a file, with the region and account it is in when known.
    public struct NamedVolume: Sendable, Equatable, Hashable {
        /// The volume's id.
        public var volumeID: String
        /// The region the volume is in, or `nil` to look for it in every region of the run.
        public var region: String?
        /// The account the volume is in, or `nil` to look for it in every account of the run.
        public var account: String?

        /// Creates a named volume.
        public init(volumeID: String, region: String? = nil, account: String? = nil) {
            self.volumeID = volumeID
            self.region = region
            self.account = account
        }
    }

    /// Volumes chosen by EC2 filters and age rather than by id.
    public struct Selector: Sendable, Equatable {
        /// EC2 DescribeVolumes filters, such as `status=available` or `tag:Env=dev`; all must match.
        public var filters: [EC2Filter]
        /// Only volumes created at least this long ago.
        public var olderThan: Duration?

        /// Creates a selector.
        public init(filters: [EC2Filter] = [], olderThan: Duration? = nil) {
            self.filters = filters
            self.olderThan = olderThan
        }
    }

    /// The volumes named explicitly, each with where it was named, duplicates included.
    ///
    /// A volume named twice is snapshotted once when both entries come to the same id, region and account once the
    /// defaults are filled in, which the run knows only after resolving each account and region.
    public var namedVolumes: [VolumeList.Entry]
    /// The selector, when volumes are chosen by filters rather than named.
    public var selector: Selector?
    /// The accounts to act in; empty means the credentials' own.
    public var accounts: [String]
    /// The regions to act in; empty means the default region.
    public var regions: [String]
    /// The integration, or `nil` for the standard AWS environment.
    public var integration: String?
    /// The user's tags for every snapshot.
    public var tags: [ResourceTag]
    /// The description of every snapshot, or `nil` for one naming the volume and operation.
    public var description: String?
    /// How long the whole run may take, from its start.
    public var timeLimit: Duration
    /// Whether to wait until every snapshot is completed.
    public var waitsForCompletion: Bool
    /// The most CreateSnapshot calls in flight at once per account and region.
    public var concurrency: Int
    /// The client-side token buckets, per account and region.
    public var rateLimits: RateLimits

    /// Creates a request.
    public init(
        volumes: [NamedVolume] = [], selector: Selector? = nil, accounts: [String] = [], regions: [String] = [],
        integration: String? = nil, tags: [ResourceTag] = [], description: String? = nil,
        timeLimit: Duration = .seconds(6 * 3600), waitsForCompletion: Bool = true, concurrency: Int = 32,
        rateLimits: RateLimits = .ec2Defaults
    ) {
        self.namedVolumes = volumes.map { VolumeList.Entry(volume: $0, origin: VolumeList.Origin(source: "--volume")) }
        self.selector = selector
        self.accounts = accounts
        self.regions = regions
        self.integration = integration
        self.tags = tags
        self.description = description
        self.timeLimit = timeLimit
        self.waitsForCompletion = waitsForCompletion
        self.concurrency = concurrency
        self.rateLimits = rateLimits
    }

    /// The volumes named explicitly, in order, duplicates included; setting them names each as a `--volume` option.
    public var volumes: [NamedVolume] {
        get { namedVolumes.map(\.volume) }
        set {
            namedVolumes = newValue.map { VolumeList.Entry(volume: $0, origin: VolumeList.Origin(source: "--volume")) }
        }
    }

    /// Checks every input before anything is sent.
    ///
    /// - Throws: ``SnapshotError/invalidInput(reason:)`` naming the first input at fault, or saying that named
    ///   volumes and a selector were both given.
    public func validate() throws(SnapshotError) {
        guard !volumes.isEmpty || selector != nil else {
            throw .invalidInput(reason: "no volumes given; use --volume, --volumes-from, --filter or --older-than")
        }
        // A union would snapshot volumes the selector leaves out, and an intersection would silently drop named
        // ones: either surprises someone, so the two ways of choosing volumes are not mixed.
        guard volumes.isEmpty || selector == nil else {
            throw .invalidInput(
                reason: "--filter and --older-than choose the volumes themselves and cannot be combined with --volume "
                    + "or --volumes-from; run them as two commands, or filter the list before giving it")
        }
        for volume in volumes {
            try SnapshotRequest(volumeID: volume.volumeID, region: volume.region, account: volume.account).validate()
        }
        for region in regions where !InputValidation.isRegion(region) {
            throw .invalidInput(reason: "\"\(region)\" is not a region name; expected one such as us-east-1")
        }
        for account in accounts where !InputValidation.isAccount(account) {
            throw .invalidInput(reason: "\"\(account)\" is not an account id; expected 12 digits")
        }
        try SnapshotRequest(
            volumeID: "vol-00000000", integration: integration, tags: tags, description: description,
            timeLimit: timeLimit
        ).validate()
        guard (1...1000).contains(concurrency) else {
            throw .invalidInput(reason: "the concurrency must be between 1 and 1000")
        }
        if let olderThan = selector?.olderThan, olderThan < .zero {
            throw .invalidInput(reason: "--older-than must not be negative")
        }
    }

    /// The single-volume request a named volume makes, sharing this run's tags and limits.
    func snapshotRequest(volumeID: String, region: String?, account: String?) -> SnapshotRequest {
        SnapshotRequest(
            volumeID: volumeID, region: region, account: account, integration: integration, tags: tags,
            description: description, timeLimit: timeLimit, waitsForCompletion: waitsForCompletion)
    }
}
