/// A store and region set by hand for someone the WeCom directory places wrongly or not at all (a
/// relief manager, a store whose department is not under its region yet). A nil field keeps the
/// directory's value.
public struct PlaceOverride: Sendable, Equatable {
    public var store: String?
    public var region: String?

    public init(store: String? = nil, region: String? = nil) {
        self.store = store
        self.region = region
    }
}
