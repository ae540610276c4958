import Escalation
import Foundation
import Logging
import ServiceLifecycle

/// Reads the team leads from the WeCom directory at start and then every few hours, so that a breach
/// can go up to a lead's own direct leader (`direct_leader`) where escalation.yaml names no manager
/// for the ticket's region: a lead who never writes to the app would otherwise never be read.
struct LeadDirectoryRefresh: Service {
    let directory: DirectoryCache
    let leads: [String]
    let clock: any WallClock
    let logger: Logger
    var interval: Duration = .seconds(6 * 3600)

    func run() async throws {
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            var withLeaders = 0
            for lead in leads {
                if let place = await directory.place(of: lead, now: clock.now()), !place.directLeaders.isEmpty {
                    withLeaders += 1
                }
            }
            logger.info(
                "Team leads read from the directory", metadata: ["leads": "\(leads.count)", "withDirectLeader": "\(withLeaders)"])
            _ = await cancelWhenGracefulShutdown { try? await Task.sleep(for: interval) }
        }
    }
}
