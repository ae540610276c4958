import Categories
import FakeWeCom
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import WeComAdapter

@testable import BotServer

/// An associate's store and region come from the WeCom directory, and an entry's regional answer
/// reaches the associates of that region.
@Suite("The directory: store, region and regional answers")
struct DirectoryTests {
    let fixture = TestWeCom.fixture

    static let regionalEntry =
        #"{"id":"hours-1","category":"operations","question":"门店营业时间怎么调整","similar":["营业时间能改吗","想延长营业时间怎么申请","调整开关店时间的流程"],"answer":"营业时间按总部统一规定，需调整请在 OA 提交申请。","region_answers":{"华南区":"华南区门店：夏季营业到 23:00，调整请找区域营运经理审批。"}}"#

    @Test("The store is the main department and the region the nearest department named …区 above it")
    func placeFromDepartments() {
        let departments = Dictionary(
            uniqueKeysWithValues: [
                WeComDepartment(id: 1, name: "总公司", parentID: 0), WeComDepartment(id: 2, name: "华东区", parentID: 1),
                WeComDepartment(id: 5, name: "上海城区", parentID: 2), WeComDepartment(id: 21, name: "上海南京路店", parentID: 5),
                WeComDepartment(id: 9, name: "总部客服中心", parentID: 1),
            ].map { ($0.id, $0) })
        let settings = DirectorySettings()
        let now = Date()
        let associate = DirectoryCache.place(
            of: WeComUser(userID: "a", departments: [9, 21], mainDepartment: 21), in: departments, settings: settings, now: now)
        #expect(associate.store == "上海南京路店")
        #expect(associate.region == "上海城区")  // the nearest …区
        var regionsOnly = settings
        regionsOnly.regionNameSuffixes = ["大区", "东区"]
        #expect(
            DirectoryCache.place(
                of: WeComUser(userID: "a", departments: [21], mainDepartment: 21), in: departments, settings: regionsOnly,
                now: now
            ).region == "华东区")
        let headquarters = DirectoryCache.place(
            of: WeComUser(userID: "b", departments: [9]), in: departments, settings: settings, now: now)
        #expect(headquarters.store == "总部客服中心")
        #expect(headquarters.region == nil)
    }

    @Test("An associate of 华南区 gets the regional answer; one of 华东区, which has no variant, a person; the place is cached")
    func regionalAnswer() async throws {
        try await withLiveServer(config: { try TestConfiguration.writeKnowledgeBase(in: $0, adding: [Self.regionalEntry]) }) {
            client, wecom, dataURL in
            try await client.post(try fixture.text(from: "wangwu", "门店营业时间怎么调整", msgID: 30001))
            try await client.post(try fixture.text(from: "zhangsan", "门店营业时间怎么调整", msgID: 30002))
            #expect(await eventually { await wecom.state.texts(to: "wangwu").count == 1 })
            #expect(await eventually { await wecom.state.texts(to: "zhangsan").count == 1 })
            #expect(await wecom.state.texts(to: "wangwu").first?.hasPrefix("华南区门店：夏季营业到 23:00") == true)
            // The answer differs by region and says nothing for 华东区: a regional matter for a person.
            #expect(await wecom.state.texts(to: "zhangsan").first?.hasPrefix("这个问题涉及所在区域或门店的具体安排。") == true)
            #expect(
                await databaseEventually(dataURL, "SELECT reasons FROM ticket WHERE requester = 'zhangsan'", is: #"["regional"]"#)
            )
            #expect(
                databaseValue(
                    dataURL, "SELECT store || '/' || region FROM directory_member WHERE user_id = 'wangwu'", as: String.self)
                    == "广州天河店/华南区")
        }
    }

    @Test("The team leads are read at start, with their direct leaders: the breach ladder's last rung")
    func leadsReadAtStart() async throws {
        try await withLiveServer(prepare: { wecom, _ in
            await wecom.state.addUsers([
                ["userid": "hq_cai", "name": "蔡", "department": [9], "main_department": 9, "direct_leader": ["vp_service"]]
            ])
        }) { _, _, dataURL in
            #expect(
                await databaseEventually(
                    dataURL, "SELECT direct_leaders FROM directory_member WHERE user_id = 'hq_cai'", is: #"["vp_service"]"#,
                    timeout: .seconds(30)))
        }
    }

    @Test("When WeCom's directory cannot be read, an answer that differs by region is not guessed: a person takes it")
    func directoryDown() async throws {
        try await withLiveServer(
            config: { try TestConfiguration.writeKnowledgeBase(in: $0, adding: [Self.regionalEntry]) },
            prepare: { wecom, _ in await wecom.state.inject(.errcode(60111), on: "/cgi-bin/user/get", count: 10) }
        ) { client, wecom, _ in
            try await client.post(try fixture.text(from: "wangwu", "门店营业时间怎么调整", msgID: 31001))
            #expect(await eventually { await wecom.state.texts(to: "wangwu").count == 1 })
            #expect(await wecom.state.texts(to: "wangwu").first?.hasPrefix("这个问题涉及所在区域或门店的具体安排。") == true)
        }
    }

    @Test("The dry run with a user reads their store and region and gives their region's answer")
    func askWithUser() async throws {
        try await withLiveServer(config: { try TestConfiguration.writeKnowledgeBase(in: $0, adding: [Self.regionalEntry]) }) {
            client, _, _ in
            let response = try await client.execute(
                uri: "/api/v1/ask", method: .post, headers: AskTests.auth,
                body: ByteBuffer(string: #"{"text":"门店营业时间怎么调整","user":"wangwu"}"#))
            #expect(response.status == .ok)
            let json = jsonObject(response)
            #expect(json["region"] as? String == "华南区")
            #expect(json["store"] as? String == "广州天河店")
            #expect((json["reply"] as? String)?.hasPrefix("华南区门店") == true)
        }
    }
}
