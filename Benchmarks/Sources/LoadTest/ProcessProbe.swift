import Foundation

/// CPU time and memory of a server under test and the processes it forked (gunicorn's workers), from /proc.
struct ProcessProbe: Sendable {
    let roots: [Int32]

    private static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// The roots and every descendant still alive.
    func pids() -> [Int32] {
        var parents: [Int32: [Int32]] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry), let stat = Self.stat(pid) else { continue }
            parents[stat.ppid, default: []].append(pid)
        }
        var result: [Int32] = []
        var queue = roots
        while let pid = queue.popLast() {
            result.append(pid)
            queue.append(contentsOf: parents[pid] ?? [])
        }
        return result
    }

    /// User and system CPU seconds used so far by the process tree.
    func cpuSeconds() -> (user: Double, system: Double) {
        var user = 0
        var system = 0
        for pid in pids() {
            guard let stat = Self.stat(pid) else { continue }
            user += stat.utime
            system += stat.stime
        }
        return (Double(user) / Self.ticksPerSecond, Double(system) / Self.ticksPerSecond)
    }

    /// Resident memory now, summed over the tree (shared pages of forked workers counted in each).
    func residentBytes() -> Int {
        pids().reduce(0) { $0 + Self.statusField($1, "VmRSS:") }
    }

    /// The largest resident memory each process has had (VmHWM), summed over the tree.
    func highWaterMark() -> Int {
        pids().reduce(0) { $0 + Self.statusField($1, "VmHWM:") }
    }

    /// CPU seconds per thread name (digits folded, so NIO-ELT-0-#1 and #2 add up), over the tree.
    func threadCPU() -> [String: Double] {
        var result: [String: Double] = [:]
        for pid in pids() {
            let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
            for task in tasks {
                guard let text = try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/stat", encoding: .utf8),
                    let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")")
                else { continue }
                let name = String(text[text.index(after: open)..<close]).replacing(/[0-9]+/, with: "#")
                let fields = text[text.index(close, offsetBy: 2)...].split(separator: " ")
                guard fields.count > 12, let utime = Int(fields[11]), let stime = Int(fields[12]) else { continue }
                result[name, default: 0] += Double(utime + stime) / Self.ticksPerSecond
            }
        }
        return result
    }

    private static func stat(_ pid: Int32) -> (ppid: Int32, utime: Int, stime: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        // After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        let fields = text[text.index(close, offsetBy: 2)...].split(separator: " ")
        guard fields.count > 12, let ppid = Int32(fields[1]), let utime = Int(fields[11]), let stime = Int(fields[12])
        else { return nil }
        return (ppid, utime, stime)
    }

    private static func statusField(_ pid: Int32, _ field: String) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            let number = line.dropFirst(field.count).split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 0
            return number * 1024
        }
        return 0
    }

    /// CPU seconds the whole machine has been busy (every process), from /proc/stat.
    static func machineBusySeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first
        else { return 0 }
        // cpu user nice system idle iowait irq softirq steal …
        let fields = line.split(separator: " ").dropFirst().compactMap { Int($0) }
        guard fields.count >= 8 else { return 0 }
        let busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + fields[7]
        return Double(busy) / ticksPerSecond
    }

    /// This process's own CPU seconds (the generator and the fake API).
    static func selfCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }
}
