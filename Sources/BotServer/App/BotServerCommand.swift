import ArgumentParser
import Foundation
import Hummingbird

/// `BotServer`: with no arguments, or `serve`, runs StoreDesk until SIGTERM or SIGINT.
@main
struct BotServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "BotServer",
        abstract: "StoreDesk: store associates ask HQ in WeCom; the bot answers from the knowledge base.",
        subcommands: [Serve.self, Evaluate.self, Benchmark.self],
        defaultSubcommand: Serve.self)
}

/// Runs the server in the foreground and shuts down gracefully on SIGTERM or SIGINT.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server (configuration from STOREDESK_*/WECOM_* variables and Config/storedesk.yaml).")

    func run() async throws {
        let configuration: AppConfiguration
        do {
            configuration = try AppConfiguration.load()
        } catch {
            throw ValidationError("\(error)")
        }
        let app = try await buildApplication(configuration)
        try await app.runService()
    }
}
