import Testing

extension Tag {
    /// A test that takes a quarter of a minute or more of wall time; it still runs in CI.
    @Tag static var slow: Self
}
