extension FakeWeComState {
    /// Makes gettoken take `delay` (a WeCom that does not answer it).
    public func setGettokenDelay(_ delay: Duration) {
        gettokenDelay = delay
    }
}
