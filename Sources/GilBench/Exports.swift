// `import GilBench` gives the whole library, as swift-nio's `NIO` re-exports `NIOCore` and `NIOPosix`.
@_exported import GilBenchResults
@_exported import GilBenchSimulator
@_exported import GilBenchSystem
