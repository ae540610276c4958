/// A member as `user/get` returns it (the fields a self-built app still receives).
public struct WeComUser: Sendable, Equatable, Codable {
    public var userID: String
    public var name: String?
    /// The departments the app may see.
    public var departments: [Int]
    public var mainDepartment: Int?
    public var position: String?
    /// The member's direct leaders (`direct_leader`), where the corp sets them: a ladder 店长 → 区域经理.
    public var directLeaders: [String]

    public init(
        userID: String, name: String? = nil, departments: [Int] = [], mainDepartment: Int? = nil, position: String? = nil,
        directLeaders: [String] = []
    ) {
        self.userID = userID
        self.name = name
        self.departments = departments
        self.mainDepartment = mainDepartment
        self.position = position
        self.directLeaders = directLeaders
    }

    enum CodingKeys: String, CodingKey {
        case userID = "userid"
        case name
        case departments = "department"
        case mainDepartment = "main_department"
        case position
        case directLeaders = "direct_leader"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        userID = try container.decode(String.self, forKey: .userID)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        departments = try container.decodeIfPresent([Int].self, forKey: .departments) ?? []
        mainDepartment = try container.decodeIfPresent(Int.self, forKey: .mainDepartment)
        position = try container.decodeIfPresent(String.self, forKey: .position)
        directLeaders = try container.decodeIfPresent([String].self, forKey: .directLeaders) ?? []
    }
}

/// A department as `department/list` returns it. The root department has id 1.
public struct WeComDepartment: Sendable, Equatable, Codable {
    public var id: Int
    public var name: String
    /// 0 for the root.
    public var parentID: Int
    public var order: Int?

    public init(id: Int, name: String, parentID: Int, order: Int? = nil) {
        self.id = id
        self.name = name
        self.parentID = parentID
        self.order = order
    }

    enum CodingKeys: String, CodingKey {
        case id, name, order
        case parentID = "parentid"
    }
}

/// What `message/send` reports about a sent message.
public struct MessageSendResult: Sendable, Equatable {
    /// WeCom's id of the message (for recall).
    public var messageID: String?
    /// Recipients WeCom did not deliver to (unknown or outside the app's visible range).
    public var invalidUsers: [String]
    /// Single-use code for updating an interactive card.
    public var responseCode: String?

    public init(messageID: String?, invalidUsers: [String], responseCode: String?) {
        self.messageID = messageID
        self.invalidUsers = invalidUsers
        self.responseCode = responseCode
    }
}
