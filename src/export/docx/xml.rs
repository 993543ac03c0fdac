//! A small XML tree over quick-xml, used to normalise docx-rs's parts: put every property
//! element in ECMA-376 schema order, drop paragraph ids and empty property elements, and add
//! the elements docx-rs cannot write (`w:tblHeader`).
//!
//! Text and attribute values stay exactly as docx-rs escaped them (they are copied, never
//! unescaped), so the pass cannot change content.

use std::borrow::Cow;

use quick_xml::events::Event;
use quick_xml::Reader;

/// An attribute: qualified name and escaped value.
pub type Attr = (Vec<u8>, Vec<u8>);

/// A parsed element. The start tag is kept as written (borrowed from the source part, so
/// parsing allocates little); attributes are parsed only for the few elements the pass edits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Elem<'a> {
    /// The start tag's content: the qualified name, then the attributes as written.
    tag: Cow<'a, [u8]>,
    name_len: usize,
    pub children: Vec<Node<'a>>,
}

/// A child of an element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node<'a> {
    Elem(Elem<'a>),
    /// Character data, escaped as in the source (entity references included).
    Text(Cow<'a, [u8]>),
}

/// Why a part could not be normalised (docx-rs wrote something that is not well-formed XML).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError(pub String);

impl<'a> Elem<'a> {
    /// A new element without attributes or children.
    pub fn new(name: &'a str) -> Elem<'a> {
        Elem {
            tag: Cow::Borrowed(name.as_bytes()),
            name_len: name.len(),
            children: Vec::new(),
        }
    }

    /// The qualified name.
    pub fn name(&self) -> &[u8] {
        &self.tag[..self.name_len]
    }

    pub fn is(&self, name: &str) -> bool {
        self.name() == name.as_bytes()
    }

    /// Whether the start tag has any attribute.
    pub fn has_attrs(&self) -> bool {
        self.tag[self.name_len..].iter().any(|b| !b.is_ascii_whitespace())
    }

    /// Whether the start tag mentions `needle` (a cheap test before parsing attributes).
    pub fn tag_contains(&self, needle: &[u8]) -> bool {
        self.tag.windows(needle.len()).any(|w| w == needle)
    }

    /// The attributes, values still escaped.
    pub fn attrs(&self) -> Result<Vec<Attr>, XmlError> {
        let content =
            std::str::from_utf8(&self.tag).map_err(|e| XmlError(format!("a start tag is not UTF-8 ({e})")))?;
        let start = quick_xml::events::BytesStart::from_content(content, self.name_len);
        let mut out = Vec::new();
        for a in start.attributes().with_checks(false) {
            let a = a.map_err(|e| XmlError(format!("malformed XML attribute from docx-rs ({e})")))?;
            out.push((a.key.as_ref().to_vec(), a.value.into_owned()));
        }
        Ok(out)
    }

    /// Replaces the attributes.
    pub fn set_attrs(&mut self, attrs: &[Attr]) {
        let mut tag = self.name().to_vec();
        for (k, v) in attrs {
            tag.push(b' ');
            tag.extend_from_slice(k);
            tag.extend_from_slice(b"=\"");
            tag.extend_from_slice(v);
            tag.push(b'"');
        }
        self.tag = Cow::Owned(tag);
    }

    /// Keeps the attributes `keep` accepts (key, escaped value).
    pub fn retain_attrs(&mut self, keep: impl Fn(&[u8], &[u8]) -> bool) -> Result<(), XmlError> {
        let attrs = self.attrs()?;
        let kept: Vec<Attr> = attrs.iter().filter(|(k, v)| keep(k, v)).cloned().collect();
        if kept.len() != attrs.len() {
            self.set_attrs(&kept);
        }
        Ok(())
    }

    /// The element children with this name.
    pub fn elems_mut<'s>(&'s mut self, name: &'s str) -> impl Iterator<Item = &'s mut Elem<'a>> + 's {
        self.children.iter_mut().filter_map(move |c| match c {
            Node::Elem(e) if e.is(name) => Some(e),
            _ => None,
        })
    }

    /// The first element child with this name, created when missing (first or last).
    pub fn child_or_insert(&mut self, name: &'a str, at_front: bool) -> &mut Elem<'a> {
        let pos = self
            .children
            .iter()
            .position(|c| matches!(c, Node::Elem(e) if e.is(name)));
        let i = match pos {
            Some(i) => i,
            None if at_front => {
                self.children.insert(0, Node::Elem(Elem::new(name)));
                0
            }
            None => {
                self.children.push(Node::Elem(Elem::new(name)));
                self.children.len() - 1
            }
        };
        match &mut self.children[i] {
            Node::Elem(e) => e,
            Node::Text(_) => unreachable!("position() matched an element"),
        }
    }

    pub fn has_child(&self, name: &str) -> bool {
        self.children.iter().any(|c| matches!(c, Node::Elem(e) if e.is(name)))
    }

    /// Writes the element (empty elements self-closed) to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.push(b'<');
        out.extend_from_slice(&self.tag);
        if self.children.is_empty() {
            out.extend_from_slice(b"/>");
            return;
        }
        out.push(b'>');
        for c in &self.children {
            match c {
                Node::Elem(e) => e.write(out),
                Node::Text(t) => out.extend_from_slice(t),
            }
        }
        out.extend_from_slice(b"</");
        out.extend_from_slice(self.name());
        out.push(b'>');
    }
}

/// Parses one XML part. The declaration is dropped (the writer adds a standard one);
/// comments and processing instructions are dropped; whitespace-only text between elements is
/// kept as it is.
pub fn parse(src: &[u8]) -> Result<Elem<'_>, XmlError> {
    let mut reader = Reader::from_reader(src);
    reader.config_mut().trim_text(false);
    let mut stack: Vec<Elem<'_>> = Vec::new();
    let mut root: Option<Elem<'_>> = None;
    let err = |e: &dyn std::fmt::Display| XmlError(format!("malformed XML from docx-rs ({e})"));
    loop {
        let ev = reader.read_event().map_err(|e| err(&e))?;
        match ev {
            Event::Start(s) | Event::Empty(s) if root.is_some() => {
                return Err(err(&format!(
                    "content after the root element <{}>",
                    lossy(s.name().as_ref())
                )));
            }
            Event::Start(s) => {
                stack.push(start(src, &s));
            }
            Event::Empty(s) => {
                let e = start(src, &s);
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Elem(e)),
                    None => root = Some(e),
                }
            }
            Event::End(end) => {
                let e = stack.pop().ok_or_else(|| err(&"unbalanced end tag"))?;
                if e.name() != end.name().as_ref() {
                    return Err(err(&format!(
                        "<{}> closed by </{}>",
                        lossy(e.name()),
                        lossy(end.name().as_ref())
                    )));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Node::Elem(e)),
                    None => root = Some(e),
                }
            }
            Event::Text(t) => {
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Node::Text(t.into_inner()));
                }
            }
            Event::GeneralRef(r) => {
                if let Some(parent) = stack.last_mut() {
                    let mut v = Vec::with_capacity(r.len() + 2);
                    v.push(b'&');
                    v.extend_from_slice(&r);
                    v.push(b';');
                    parent.children.push(Node::Text(Cow::Owned(v)));
                }
            }
            Event::CData(c) => {
                if let Some(parent) = stack.last_mut() {
                    let mut v = Vec::new();
                    escape_into(&String::from_utf8_lossy(&c), &mut v);
                    parent.children.push(Node::Text(Cow::Owned(v)));
                }
            }
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(err(&"unclosed element"));
    }
    root.ok_or_else(|| err(&"no root element"))
}

/// An element from a start tag, borrowing the tag's bytes from `src` when they lie in it (a
/// slice reader hands out sub-slices of its input), copying them otherwise.
fn start<'a>(src: &'a [u8], s: &quick_xml::events::BytesStart<'_>) -> Elem<'a> {
    let content: &[u8] = s;
    let name_len = s.name().as_ref().len();
    let offset = (content.as_ptr() as usize).wrapping_sub(src.as_ptr() as usize);
    let tag = match src.get(offset..offset.wrapping_add(content.len())) {
        Some(slice) if slice.as_ptr() == content.as_ptr() => Cow::Borrowed(slice),
        _ => Cow::Owned(content.to_vec()),
    };
    Elem {
        tag,
        name_len,
        children: Vec::new(),
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Serialises a part with the standard declaration.
pub fn to_bytes(root: &Elem<'_>) -> Vec<u8> {
    let mut out = Vec::with_capacity(4096);
    out.extend_from_slice(DECL.as_bytes());
    root.write(&mut out);
    out
}

/// The XML declaration every part starts with.
pub const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";

/// Escapes text for element content and attribute values.
pub fn escape_into(s: &str, out: &mut Vec<u8>) {
    for ch in s.chars() {
        match ch {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '"' => out.extend_from_slice(b"&quot;"),
            '\'' => out.extend_from_slice(b"&apos;"),
            // Characters XML 1.0 forbids: drop them rather than write an unreadable part.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
}

/// `escape_into` to a new string.
pub fn escape(s: &str) -> String {
    let mut v = Vec::with_capacity(s.len());
    escape_into(s, &mut v);
    // Only whole UTF-8 sequences and ASCII entities were written.
    String::from_utf8(v).unwrap_or_default()
}

/// The ECMA-376 (transitional, 5th edition) child sequence of the elements whose children
/// docx-rs writes out of order, keyed by the parent's name. Children not listed keep their
/// relative order after the listed ones (none occur in nianbao's documents).
fn sequence(parent: &[u8]) -> Option<&'static [&'static str]> {
    Some(match parent {
        // CT_RPr / CT_ParaRPr (EG_RPrBase), with the revision marks of CT_ParaRPr first.
        b"w:rPr" => &[
            "w:ins",
            "w:del",
            "w:moveFrom",
            "w:moveTo",
            "w:rStyle",
            "w:rFonts",
            "w:b",
            "w:bCs",
            "w:i",
            "w:iCs",
            "w:caps",
            "w:smallCaps",
            "w:strike",
            "w:dstrike",
            "w:outline",
            "w:shadow",
            "w:emboss",
            "w:imprint",
            "w:noProof",
            "w:snapToGrid",
            "w:vanish",
            "w:webHidden",
            "w:color",
            "w:spacing",
            "w:w",
            "w:kern",
            "w:position",
            "w:sz",
            "w:szCs",
            "w:highlight",
            "w:u",
            "w:effect",
            "w:bdr",
            "w:shd",
            "w:fitText",
            "w:vertAlign",
            "w:rtl",
            "w:cs",
            "w:em",
            "w:lang",
            "w:eastAsianLayout",
            "w:specVanish",
            "w:oMath",
            "w:rPrChange",
        ],
        // CT_PPr (CT_PPrBase, then rPr, sectPr, pPrChange).
        b"w:pPr" => &[
            "w:pStyle",
            "w:keepNext",
            "w:keepLines",
            "w:pageBreakBefore",
            "w:framePr",
            "w:widowControl",
            "w:numPr",
            "w:suppressLineNumbers",
            "w:pBdr",
            "w:shd",
            "w:tabs",
            "w:suppressAutoHyphens",
            "w:kinsoku",
            "w:wordWrap",
            "w:overflowPunct",
            "w:topLinePunct",
            "w:autoSpaceDE",
            "w:autoSpaceDN",
            "w:bidi",
            "w:adjustRightInd",
            "w:snapToGrid",
            "w:spacing",
            "w:ind",
            "w:contextualSpacing",
            "w:mirrorIndents",
            "w:suppressOverlap",
            "w:jc",
            "w:textDirection",
            "w:textAlignment",
            "w:textboxTightWrap",
            "w:outlineLvl",
            "w:divId",
            "w:cnfStyle",
            "w:rPr",
            "w:sectPr",
            "w:pPrChange",
        ],
        // CT_TcPr.
        b"w:tcPr" => &[
            "w:cnfStyle",
            "w:tcW",
            "w:gridSpan",
            "w:hMerge",
            "w:vMerge",
            "w:tcBorders",
            "w:shd",
            "w:noWrap",
            "w:tcMar",
            "w:textDirection",
            "w:tcFitText",
            "w:vAlign",
            "w:hideMark",
            "w:headers",
            "w:cellIns",
            "w:cellDel",
            "w:cellMerge",
            "w:tcPrChange",
        ],
        // CT_TrPr: a choice in the schema; Word writes this order.
        b"w:trPr" => &[
            "w:cnfStyle",
            "w:divId",
            "w:gridBefore",
            "w:gridAfter",
            "w:wBefore",
            "w:wAfter",
            "w:cantSplit",
            "w:trHeight",
            "w:tblHeader",
            "w:tblCellSpacing",
            "w:jc",
            "w:hidden",
            "w:ins",
            "w:del",
            "w:trPrChange",
        ],
        // CT_TblPr.
        b"w:tblPr" => &[
            "w:tblStyle",
            "w:tblpPr",
            "w:tblOverlap",
            "w:bidiVisual",
            "w:tblStyleRowBandSize",
            "w:tblStyleColBandSize",
            "w:tblW",
            "w:jc",
            "w:tblCellSpacing",
            "w:tblInd",
            "w:tblBorders",
            "w:shd",
            "w:tblLayout",
            "w:tblCellMar",
            "w:tblLook",
            "w:tblCaption",
            "w:tblDescription",
            "w:tblPrChange",
        ],
        b"w:tblBorders" | b"w:tcBorders" => &[
            "w:top",
            "w:start",
            "w:left",
            "w:bottom",
            "w:end",
            "w:right",
            "w:insideH",
            "w:insideV",
            "w:tl2br",
            "w:tr2bl",
        ],
        b"w:tblCellMar" | b"w:tcMar" => &["w:top", "w:start", "w:left", "w:bottom", "w:end", "w:right"],
        // CT_SectPr.
        b"w:sectPr" => &[
            "w:headerReference",
            "w:footerReference",
            "w:footnotePr",
            "w:endnotePr",
            "w:type",
            "w:pgSz",
            "w:pgMar",
            "w:paperSrc",
            "w:pgBorders",
            "w:lnNumType",
            "w:pgNumType",
            "w:cols",
            "w:formProt",
            "w:vAlign",
            "w:noEndnote",
            "w:titlePg",
            "w:textDirection",
            "w:bidi",
            "w:rtlGutter",
            "w:docGrid",
            "w:printerSettings",
            "w:sectPrChange",
        ],
        // CT_Style.
        b"w:style" => &[
            "w:name",
            "w:aliases",
            "w:basedOn",
            "w:next",
            "w:link",
            "w:autoRedefine",
            "w:hidden",
            "w:uiPriority",
            "w:semiHidden",
            "w:unhideWhenUsed",
            "w:qFormat",
            "w:locked",
            "w:personal",
            "w:personalCompose",
            "w:personalReply",
            "w:rsid",
            "w:pPr",
            "w:rPr",
            "w:tblPr",
            "w:trPr",
            "w:tcPr",
            "w:tblStylePr",
        ],
        _ => return None,
    })
}

fn rank(seq: &[&str], name: &[u8]) -> usize {
    seq.iter().position(|s| s.as_bytes() == name).unwrap_or(seq.len())
}

/// Puts the children of every element named in [`sequence`] into schema order (a stable
/// sort, so repeated elements keep their order), recursively.
pub fn reorder(e: &mut Elem<'_>) {
    for c in &mut e.children {
        if let Node::Elem(child) = c {
            reorder(child);
        }
    }
    if let Some(seq) = sequence(e.name()) {
        let in_order = e.children.windows(2).all(|w| match (&w[0], &w[1]) {
            (Node::Elem(a), Node::Elem(b)) => rank(seq, a.name()) <= rank(seq, b.name()),
            _ => true,
        });
        if !in_order {
            e.children.sort_by_key(|c| match c {
                Node::Elem(x) => rank(seq, x.name()),
                Node::Text(_) => seq.len(),
            });
        }
    }
}

/// Removes what docx-rs adds that a Word document does not need: `w14:paraId`/`w14:textId`
/// attributes (from a thread-local counter, so they differ between documents made in one
/// process), `w:dirty="false"` on field characters, and empty `w:rPr`/`w:pPr`/`w:trPr`; and
/// the `w:type` attribute docx-rs writes on `w:gridCol`, which the schema does not declare.
pub fn tidy(e: &mut Elem<'_>) -> Result<(), XmlError> {
    if e.is("w:p") && (e.tag_contains(b"w14:paraId") || e.tag_contains(b"w14:textId")) {
        e.retain_attrs(|k, _| k != b"w14:paraId" && k != b"w14:textId")?;
    }
    if e.is("w:gridCol") && e.tag_contains(b"w:type") {
        e.retain_attrs(|k, _| k != b"w:type")?;
    }
    if e.is("w:fldChar") && e.tag_contains(b"w:dirty") {
        e.retain_attrs(|k, v| !(k == b"w:dirty" && v == b"false"))?;
    }
    for c in &mut e.children {
        if let Node::Elem(child) = c {
            tidy(child)?;
        }
    }
    e.children.retain(|c| match c {
        Node::Elem(x) => {
            !(x.children.is_empty() && !x.has_attrs() && (x.is("w:rPr") || x.is("w:pPr") || x.is("w:trPr")))
        }
        Node::Text(_) => true,
    });
    Ok(())
}

/// Visits every element (pre-order) whose name is `name`.
pub fn for_each_named<'a>(e: &mut Elem<'a>, name: &str, f: &mut dyn FnMut(&mut Elem<'a>)) {
    if e.is(name) {
        f(e);
    }
    for c in &mut e.children {
        if let Node::Elem(child) = c {
            for_each_named(child, name, f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(src: &str) -> String {
        let mut root = parse(src.as_bytes()).expect("parses");
        tidy(&mut root).expect("tidy");
        reorder(&mut root);
        let mut out = Vec::new();
        root.write(&mut out);
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn run_properties_go_into_schema_order() {
        let got = roundtrip(
            r#"<w:r><w:rPr><w:sz w:val="32"/><w:szCs w:val="32"/><w:rFonts w:eastAsia="仿宋_GB2312"/><w:b/></w:rPr><w:t>x</w:t></w:r>"#,
        );
        assert_eq!(
            got,
            r#"<w:r><w:rPr><w:rFonts w:eastAsia="仿宋_GB2312"/><w:b/><w:sz w:val="32"/><w:szCs w:val="32"/></w:rPr><w:t>x</w:t></w:r>"#
        );
    }

    #[test]
    fn cell_and_section_properties_go_into_schema_order() {
        let got = roundtrip(
            r#"<w:tcPr><w:tcBorders><w:bottom/><w:top/></w:tcBorders><w:vAlign w:val="center"/><w:gridSpan w:val="2"/><w:tcW w:w="1"/></w:tcPr>"#,
        );
        assert_eq!(
            got,
            r#"<w:tcPr><w:tcW w:w="1"/><w:gridSpan w:val="2"/><w:tcBorders><w:top/><w:bottom/></w:tcBorders><w:vAlign w:val="center"/></w:tcPr>"#
        );
        let got = roundtrip(
            r#"<w:sectPr><w:pgSz/><w:docGrid/><w:footerReference w:type="default"/><w:footerReference w:type="even"/></w:sectPr>"#,
        );
        assert_eq!(
            got,
            r#"<w:sectPr><w:footerReference w:type="default"/><w:footerReference w:type="even"/><w:pgSz/><w:docGrid/></w:sectPr>"#
        );
    }

    #[test]
    fn ids_and_empty_properties_are_dropped_and_text_is_kept_verbatim() {
        let got = roundtrip(
            r#"<?xml version="1.0"?><w:p w14:paraId="0000002A"><w:pPr><w:rPr /></w:pPr><w:r><w:rPr /><w:t xml:space="preserve">a &amp; b &lt;c&gt; “引号”</w:t></w:r></w:p>"#,
        );
        assert_eq!(
            got,
            r#"<w:p><w:r><w:t xml:space="preserve">a &amp; b &lt;c&gt; “引号”</w:t></w:r></w:p>"#
        );
    }

    #[test]
    fn malformed_input_is_an_error_not_a_panic() {
        assert!(parse(b"<a><b></a>").is_err());
        assert!(parse(b"<a>").is_err());
        assert!(parse(b"").is_err());
        assert!(parse(b"<a><b></c></a>").is_err());
    }

    #[test]
    fn escaping_drops_forbidden_controls() {
        assert_eq!(escape("a<b>&\"'\u{1}c"), "a&lt;b&gt;&amp;&quot;&apos;c");
    }
}
