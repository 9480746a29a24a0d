import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
/// Beazley's 2009 figures ("Inside the Python GIL", Chicago, June 2009), copied verbatim from the
/// project's reference table (shared/reference/slides.csv). The report sets each of them beside what
/// gilbench measures on the machine at hand.
public enum SlideReference {
    /// A figure of the table by its slide and a short id of its own (`80:threads`): what a claim names,
    /// whatever the order of the table's rows.
    public struct Key: Sendable, Hashable, CustomStringConvertible {
        public var slide: Int
        public var id: String

        public init(_ slide: Int, _ id: String) {
            self.slide = slide
            self.id = id
        }

        public var description: String { "\(slide):\(id)" }
    }

    /// One row of the reference table.
    public struct Row: Sendable, Equatable {
        /// Index of the row in the table (0-based, header excluded).
        public var index: Int
        /// The figure's key (``figures``); nil for a row no key names yet (the tests refuse one).
        public var key: Key?
        public var slide: Int
        public var experiment: String
        /// What the slide measured.
        public var figure: String
        /// The value as the slide gives it ("24.6", "100s", "-83412 or 1627732 (random; expected 0)").
        public var value: String
        public var unit: String
        /// The machine and software it was measured on.
        public var setting: String

        /// The value with its unit, as the report prints it.
        public var display: String {
            // Whole numbers get thousands separators: 3,300,000 calls.
            let shown = Int(value).map { grouped(Double($0)) } ?? value
            switch unit {
            case "s": return "\(shown) s"
            case "ratio", "count": return shown
            default: return "\(shown) \(unit)"
            }
        }
    }

    /// The reference table as the file holds it.
    public static let csv = #"""
slide,experiment,figure,value,unit,setting
43,race,shared x after x+=1 and x-=1 100000000 times in two threads,-83412 or 1627732 (random; expected 0),count,Python 2.6 threads
80,countdown,sequential count(100000000) twice,24.6,s,Dual-Core 2 GHz MacBook OS X 10.5.6 Python 2.6
80,countdown,two threads each count(100000000),45.5,s,same machine; 1.8x slower than sequential
80,countdown,two threads with one CPU core disabled,38.0,s,same machine
86,countdown,check interval,100,ticks,Python 2.x default (sys.setcheckinterval)
90,long-tick,one tick: -1 in xrange(100000000),6.6,s,a single uninterruptible instruction; Ctrl-C waits for it
96,syscalls,sequential: unix system calls,736,calls,OS X 1 CPU (dtrace)
96,syscalls,sequential: mach system calls,117,calls,OS X 1 CPU
96,syscalls,two threads 1 CPU: unix system calls,1149,calls,OS X
96,syscalls,two threads 1 CPU: mach system calls,3300000,calls,OS X (about 3.3 million)
97,syscalls,two threads 2 CPUs: unix system calls,1149,calls,OS X
97,syscalls,two threads 2 CPUs: mach system calls,9500000,calls,OS X (about 9.5 million)
98,contention,failed GIL acquisitions by the waiting thread before one succeeds,100s,attempts,two CPU-bound threads on two cores
104,extension,speedup of two threads over sequential calling churn(n) 1000000 times each with the GIL released,0 to 2.0 over n = 0..10000,ratio,2 GHz Intel Core Duo; extension call about 4 us
133,countdown,two processes each count(100000000),12.5,s,multiprocessing; sequential 24.6 s
148,hashing,SHA-512 of every file in the Python-3.0 source tree sequentially (8192-byte reads),10,s,about
150,hashing,same with multiprocessing.Pool(2) apply_async,5.6,s,about
"""#

    /// The short id of each figure of the table, by its slide and its `figure` words there (the table
    /// is a verbatim copy of the shared one, so the ids live here). A row is found by its key, never by
    /// its position.
    public static let figures: [(key: Key, figure: String)] = [
        (Key(43, "race"), "shared x after x+=1 and x-=1 100000000 times in two threads"),
        (Key(80, "sequential"), "sequential count(100000000) twice"),
        (Key(80, "threads"), "two threads each count(100000000)"),
        (Key(80, "threads-1cpu"), "two threads with one CPU core disabled"),
        (Key(86, "check-interval"), "check interval"),
        (Key(90, "long-tick"), "one tick: -1 in xrange(100000000)"),
        (Key(96, "sequential-unix"), "sequential: unix system calls"),
        (Key(96, "sequential-mach"), "sequential: mach system calls"),
        (Key(96, "threads-1cpu-unix"), "two threads 1 CPU: unix system calls"),
        (Key(96, "threads-1cpu-mach"), "two threads 1 CPU: mach system calls"),
        (Key(97, "threads-2cpu-unix"), "two threads 2 CPUs: unix system calls"),
        (Key(97, "threads-2cpu-mach"), "two threads 2 CPUs: mach system calls"),
        (Key(98, "failed-acquisitions"), "failed GIL acquisitions by the waiting thread before one succeeds"),
        (Key(104, "speedup"), "speedup of two threads over sequential calling churn(n) 1000000 times each with the GIL released"),
        (Key(133, "processes"), "two processes each count(100000000)"),
        (Key(148, "sequential"), "SHA-512 of every file in the Python-3.0 source tree sequentially (8192-byte reads)"),
        (Key(150, "pool"), "same with multiprocessing.Pool(2) apply_async"),
    ]

    /// The rows of ``csv``.
    public static let rows: [Row] = {
        // The table is a constant of this file; the tests check that it parses.
        let records = try! CSVParser.parse(csv)
        return records.dropFirst().enumerated().map { i, r in
            let slide = Int(r.fields[0])!, figure = r.fields[2]
            let key = figures.first { $0.key.slide == slide && $0.figure == figure }?.key
            return Row(index: i, key: key, slide: slide, experiment: r.fields[1], figure: figure, value: r.fields[3], unit: r.fields[4], setting: r.fields[5])
        }
    }()

    /// The row of the figure `key` names; nil when none does.
    public static func row(_ key: Key) -> Row? { rows.first { $0.key == key } }

    /// The figure's value as a number, when it is one (`24.6`; not `100s`).
    public static func value(_ key: Key) -> Double? { row(key).flatMap { Double($0.value) } }

    /// The 2009 figure of a ratio of the countdown's wall times, from slides 80 and 133:
    /// threads/sequential (45.5 s / 24.6 s), 1 cpu/2 cpus (38.0 s / 45.5 s) and processes/sequential
    /// (12.5 s / 24.6 s); nil for the ratios the slides give no figure for.
    public static func ratio(_ kind: RatioKind) -> Double? {
        func over(_ a: Key, _ b: Key) -> Double? {
            guard let a = value(a), let b = value(b) else { return nil }
            return a / b
        }
        switch kind {
        case .overSequential(.threads): return over(Key(80, "threads"), Key(80, "sequential"))
        case .oneCPUOver(cpus: 2): return over(Key(80, "threads-1cpu"), Key(80, "threads"))
        case .overSequential(.processes): return over(Key(133, "processes"), Key(80, "sequential"))
        default: return nil
        }
    }
}
