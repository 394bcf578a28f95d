//! A filing package: the documents a processor's pathway calls for, and the index (目录) that lists their
//! files, every open item per document, the materials the second-edition guide asks for and which faces stood
//! in. Pure: the caller renders and writes the files and says which could not be written.

use std::fmt::Write as _;

use chujing_law::{Assessment, Lang, MechanismKind, Pathway};

use crate::build::{DocumentKind, filing_checklist};
use crate::model::Document;

/// The documents of a pathway's filing: the PIPIA always (every export of personal information needs one);
/// first the self-assessment report for a security assessment; Annex I and the filing materials for the
/// contract route.
pub fn documents(pathway: Pathway) -> Vec<DocumentKind> {
    match pathway {
        Pathway::SecurityAssessment => vec![DocumentKind::SelfAssessment, DocumentKind::Pipia],
        Pathway::StandardContractOrCertification => vec![
            DocumentKind::Pipia,
            DocumentKind::StandardContractAnnex,
            DocumentKind::StandardContractFiling,
        ],
        _ => vec![DocumentKind::Pipia],
    }
}

/// A document of the package and its files: each file's name and, when it was not written, why.
#[derive(Debug)]
pub struct Packaged {
    /// The document.
    pub doc: Document,
    /// (file name, why it was not written).
    pub files: Vec<(String, Option<String>)>,
}

/// The index of a package (Markdown, in Chinese).
pub fn index(a: &Assessment, packaged: &[Packaged], notes: &[String]) -> String {
    let mut out = format!(
        "# 出境申报（备案）材料 · {}\n\n评估基准日 {}；出境路径：{}。由 chujing 生成，须由个人信息处理者补充“待补充”事项并审核后方可使用。\n\n",
        a.processor.name,
        a.as_of,
        a.pathway.label(Lang::Zh)
    );
    for p in packaged {
        let _ = writeln!(out, "## {}\n", p.doc.title);
        for (name, missing) in &p.files {
            let _ = match missing {
                None => writeln!(out, "- [{name}]({name})"),
                Some(why) => writeln!(out, "- {name}：未生成（{why}）"),
            };
        }
        let _ = writeln!(out, "\n待补充事项（{}项）：\n", p.doc.open_items.len());
        for item in &p.doc.open_items {
            let _ = writeln!(out, "- [ ] `{}`：{}", item.id, item.text);
        }
        out.push('\n');
    }
    // The materials the filing needs, from the second-edition guide: what chujing wrote, what to supply.
    let mechanism = match a.pathway {
        Pathway::SecurityAssessment => Some(MechanismKind::SecurityAssessment),
        Pathway::StandardContractOrCertification => Some(MechanismKind::StandardContract),
        _ => None,
    };
    if let Some((guide, entries)) = mechanism.map(|m| filing_checklist(m, Lang::Zh)) {
        let _ = writeln!(out, "## 申报（备案）材料清单\n\n依据{guide}。\n");
        for e in entries {
            let mark = if e.done { "x" } else { " " };
            let _ = writeln!(out, "- [{mark}] {}——{}", e.text, e.note);
        }
        out.push('\n');
    }
    if !notes.is_empty() {
        let _ = writeln!(out, "## 字体说明\n");
        for n in notes {
            let _ = writeln!(out, "- {n}");
        }
    }
    out
}
