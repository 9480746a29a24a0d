import GilBenchResults
import GilBenchSimulator
import GilBenchSystem
/// Beazley's 2009 figures ("Inside the Python GIL", Chicago, June 2009), copied verbatim from the
/// project's reference table (shared/reference/slides.csv). The report sets each of them beside what
/// gilbench measures on the machine at hand.
public enum SlideReference {
    /// One row of the reference table.
    public struct Row: Sendable, Equatable {
        /// Index of the row in the table (0-based, header excluded): what the catalogue points at.
        public var index: Int
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

    /// The rows of ``csv``.
    public static let rows: [Row] = {
        // The table is a constant of this file; the tests check that it parses.
        let records = try! CSVParser.parse(csv)
        return records.dropFirst().enumerated().map { i, r in
            Row(index: i, slide: Int(r.fields[0])!, experiment: r.fields[1], figure: r.fields[2], value: r.fields[3], unit: r.fields[4], setting: r.fields[5])
        }
    }()

    /// The row at `index`.
    public static func row(_ index: Int) -> Row { rows[index] }
}
