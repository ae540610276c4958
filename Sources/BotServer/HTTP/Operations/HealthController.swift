import Categories
import GRDB
import Hummingbird
import Logging
import NIOCore

/// `/healthz` (the process serves), `/readyz` (database and workers up) and `/metrics`.
struct HealthController<Context: RequestContext> {
    let database: AppDatabase
    let readiness: Readiness
    let metrics: ServerMetrics
    let knowledge: LiveKnowledge
    /// The teams of escalation.yaml: `storedesk_tickets` reads 0 for each status of a team with no
    /// tickets (teams that have had tickets are read from the database).
    var teams: [String] = []

    func addRoutes(to router: Router<Context>) {
        router.get("healthz", use: health)
        router.get("readyz", use: ready)
        router.get("metrics", use: exposition)
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> String {
        "ok\n"
    }

    @Sendable func ready(_ request: Request, context: Context) async throws -> String {
        do {
            _ = try await database.writer.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        } catch {
            context.logger.error("Readiness: database unavailable", metadata: ["error": "\(error)"])
            throw APIError(.serviceUnavailable, "the database is unavailable")
        }
        if await readiness.storageFailure != nil {
            // A callback could not be stored: ready again once a write that needs new pages succeeds
            // (space freed, permissions mended), with no restart and whether or not callbacks come.
            do {
                try await database.probeWrite()
                await readiness.storageRecovered()
                context.logger.notice("Readiness: the database takes writes again")
            } catch {
                let failure = StorageFailure(error)
                await readiness.storageFailed(failure)
                throw APIError(.serviceUnavailable, "callbacks cannot be stored: \(failure)")
            }
        }
        let missing = await readiness.missing
        guard missing.isEmpty else {
            throw APIError(.serviceUnavailable, "workers not running: " + missing.sorted().joined(separator: ", "))
        }
        // Never unready for it, but say which calibration decides (conservative: no answers until it lands;
        // starting: callbacks are stored and answered once the first engine is calibrated).
        // And what the matcher ranks with: character n-grams, and the sentence model when it was fetched.
        guard let engine = knowledge.engineIfBuilt else { return "ready\ncalibration: starting\n" }
        let matching = engine.embedder.map { "character n-grams + sentence model \($0.modelName)" } ?? "character n-grams"
        return "ready\ncalibration: \(engine.calibration.state.rawValue)\nmatching: \(matching)\n"
    }

    @Sendable func exposition(_ request: Request, context: Context) async throws -> Response {
        // Tickets by status and team, as they are now (a count is cheaper than keeping a gauge in step).
        do {
            let (counts, known) = try await database.writer.read { db in
                let rows = try Row.fetchAll(db, sql: "SELECT status, team, COUNT(*) AS n FROM ticket GROUP BY status, team")
                let counts = rows.map { (status: $0["status"] as String, team: $0["team"] as String, count: $0["n"] as Int) }
                // Every team that ever had a ticket, so that one whose tickets all moved on reads 0.
                return (counts, try String.fetchAll(db, sql: "SELECT DISTINCT team FROM ticket"))
            }
            metrics.setTickets(counts, teams: teams + known.filter { !teams.contains($0) })
        } catch {
            context.logger.warning("Metrics: cannot count tickets", metadata: ["error": "\(error)"])
        }
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }
}
