import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Parses SVG text as XML and returns every element, depth first.
func svgElements(_ text: String) throws -> [XMLElement] {
    let document = try XMLDocument(data: Data(text.utf8), options: [])
    var out: [XMLElement] = []
    func walk(_ node: XMLNode) {
        if let e = node as? XMLElement { out.append(e) }
        for child in node.children ?? [] { walk(child) }
    }
    walk(document.rootElement()!)
    return out
}

extension XMLElement {
    /// The attribute's value. (`attribute(forName:)` finds nothing in a document with a default
    /// namespace on Linux's FoundationXML, so the attributes are searched by name.)
    func value(_ name: String) -> String? { attributes?.first { $0.name == name }?.stringValue }
}
