//! The binding-agreement checker: which clauses the certification requirements and the standard contract
//! expect are found in an agreement, in Chinese or English wording, and where.

use serde::Serialize;

/// A clause an agreement must contain.
#[derive(Debug, Clone, Copy)]
pub struct Clause {
    /// Stable identifier.
    pub id: &'static str,
    /// What the clause is, in English and Chinese.
    pub name: (&'static str, &'static str),
    /// Where the requirement comes from, in English and Chinese.
    pub citation: (&'static str, &'static str),
    /// Ways to word it. A paragraph matches a wording when it holds every group; a group is alternatives
    /// separated by `|`, matched case-insensitively as substrings.
    pub wordings: &'static [&'static [&'static str]],
}

const CERT: (&str, &str) = (
    "TC260-PG-20222A certification specification §4.1 (binding agreement); Certification Implementation Rules",
    "TC260-PG-20222A《个人信息跨境处理活动安全认证规范》4.1（具有法律约束力的协议）；《个人信息保护认证实施规则》",
);
const SCC: (&str, &str) = (
    "Standard Contract Measures Art. 6 and the standard contract",
    "《个人信息出境标准合同办法》第六条及标准合同",
);

/// The clauses checked, in the order of the certification specification.
pub const CLAUSES: &[Clause] = &[
    Clause {
        id: "parties",
        name: (
            "the parties: the processor and the overseas recipient",
            "协议双方：个人信息处理者与境外接收方",
        ),
        citation: CERT,
        wordings: &[
            &["个人信息处理者|甲方", "境外接收方|乙方"],
            &[
                "processor|exporter|data exporter",
                "recipient|importer|overseas party",
            ],
        ],
    },
    Clause {
        id: "categories_and_purposes",
        name: (
            "the categories of personal information, scope and purposes",
            "个人信息的种类、范围和处理目的",
        ),
        citation: CERT,
        wordings: &[&["种类|类别", "目的"], &["categor", "purpose"]],
    },
    Clause {
        id: "protective_measures",
        name: (
            "the protective measures (technical and organisational)",
            "个人信息保护措施（管理和技术措施）",
        ),
        citation: CERT,
        wordings: &[
            &["安全措施|保护措施|技术措施|加密|访问控制"],
            &[
                "security measures|technical and organisational|technical and organizational|encryption|access control",
            ],
        ],
    },
    Clause {
        id: "rules_no_weaker_than_pipl",
        name: (
            "the recipient's commitment to unified rules no weaker than PIPL",
            "境外接收方承诺遵守不低于《个人信息保护法》标准的统一规则",
        ),
        citation: CERT,
        wordings: &[
            &["不低于", "个人信息保护法|保护标准|中华人民共和国"],
            &[
                "no less|not lower|no lower|at least equivalent|no weaker|not weaker|not less",
                "personal information protection law|pipl|level of protection|standard of protection",
            ],
        ],
    },
    Clause {
        id: "certification_supervision",
        name: (
            "acceptance of the certification body's supervision",
            "接受认证机构的监督",
        ),
        citation: CERT,
        wordings: &[
            &["认证机构", "监督|检查|审核"],
            &[
                "certification body",
                "supervision|oversight|audit|inspection",
            ],
        ],
    },
    Clause {
        id: "prc_governing_law",
        name: ("PRC law as the governing law", "适用中华人民共和国法律"),
        citation: CERT,
        wordings: &[
            &["中华人民共和国|中国", "法律", "适用|管辖"],
            &[
                "governed by|governing law",
                "people's republic of china|people’s republic of china|prc|chinese law|china",
            ],
        ],
    },
    Clause {
        id: "responsible_entity_in_china",
        name: (
            "the entity in China responsible for the processing",
            "在中国境内承担法律责任的主体",
        ),
        citation: CERT,
        wordings: &[
            &["境内", "承担|负责", "责任|义务"],
            &[
                "responsible|liable|represent",
                "in china|within china|in the prc|mainland china",
            ],
        ],
    },
    Clause {
        id: "liability_between_parties",
        name: (
            "allocation of liability between the parties",
            "双方之间的责任分配",
        ),
        citation: SCC,
        wordings: &[
            &["连带责任|违约责任|责任分担|承担赔偿"],
            &["liab", "joint|several|allocat|indemn|breach"],
        ],
    },
    Clause {
        id: "civil_liability_to_individuals",
        name: (
            "civil liability towards individuals",
            "对个人信息主体承担民事责任",
        ),
        citation: SCC,
        wordings: &[
            &["个人信息主体|个人", "民事责任|赔偿|损害"],
            &[
                "data subject|individual",
                "compensat|civil liability|damages|liable",
            ],
        ],
    },
    Clause {
        id: "individual_rights_and_remedies",
        name: (
            "individuals' rights and remedies",
            "个人信息主体的权利及救济",
        ),
        citation: SCC,
        wordings: &[
            &["查阅|复制|更正|补充|删除|解释说明", "权利|请求"],
            &["access|rectif|correct|erasure|delet|copy", "right|request"],
        ],
    },
    Clause {
        id: "onward_transfer_limits",
        name: (
            "limits on onward transfer to third parties",
            "向第三方再提供的限制",
        ),
        citation: SCC,
        wordings: &[
            &["再提供|转移|第三方", "不得|同意|条件|限制"],
            &[
                "onward transfer|third part|sub-processor|subprocessor",
                "not|consent|only|condition|restrict",
            ],
        ],
    },
    Clause {
        id: "retention_and_deletion",
        name: (
            "retention period, and deletion or anonymisation at its end",
            "保存期限及期满后的删除或匿名化",
        ),
        citation: SCC,
        wordings: &[
            &["保存期限|存储期限", "删除|匿名化"],
            &[
                "retention|retain|storage period",
                "delet|anonymi|destroy|erase",
            ],
        ],
    },
];

/// Whether a clause was found, and where.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    /// The clause's identifier.
    pub id: &'static str,
    /// What the clause is, in the report's language.
    pub name: &'static str,
    /// Where the requirement comes from.
    pub citation: &'static str,
    /// Whether a paragraph words it.
    pub found: bool,
    /// The 1-based paragraph number, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
    /// The passage, shortened, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage: Option<String>,
}

/// Splits text into paragraphs: blank lines separate them, and so do Markdown headings and list items.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        let starts_new = trimmed.is_empty()
            || trimmed.starts_with('#')
            || trimmed.starts_with("- ")
            || trimmed.starts_with("* ")
            || trimmed.chars().next().is_some_and(|c| c.is_ascii_digit()) && trimmed.contains(". ");
        if starts_new && !current.trim().is_empty() {
            out.push(std::mem::take(&mut current));
        }
        if !trimmed.is_empty() {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(trimmed);
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

fn matches(paragraph: &str, wording: &[&str]) -> bool {
    wording
        .iter()
        .all(|group| group.split('|').any(|alt| paragraph.contains(alt)))
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// Checks an agreement, given as paragraphs; `zh` picks the language of names and citations.
pub fn check(paragraphs: &[String], zh: bool) -> Vec<ClauseResult> {
    let lower: Vec<String> = paragraphs.iter().map(|p| p.to_lowercase()).collect();
    CLAUSES
        .iter()
        .map(|clause| {
            let hit = lower
                .iter()
                .position(|p| clause.wordings.iter().any(|w| matches(p, w)));
            ClauseResult {
                id: clause.id,
                name: if zh { clause.name.1 } else { clause.name.0 },
                citation: if zh {
                    clause.citation.1
                } else {
                    clause.citation.0
                },
                found: hit.is_some(),
                paragraph: hit.map(|i| i + 1),
                passage: hit.and_then(|i| paragraphs.get(i)).map(|p| shorten(p, 160)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_at_blank_lines_headings_and_items() {
        let p = paragraphs("# Title\nline one\nline two\n\n- item\n1. numbered clause\n");
        assert_eq!(
            p,
            ["# Title line one line two", "- item", "1. numbered clause"]
        );
    }

    #[test]
    fn every_wording_group_must_appear() {
        let r = check(
            &[
                "This Agreement is governed by the laws of the People's Republic of China."
                    .to_string(),
            ],
            false,
        );
        let law = r.iter().find(|c| c.id == "prc_governing_law");
        assert!(law.is_some_and(|c| c.found && c.paragraph == Some(1)));
        let r = check(
            &["This Agreement is governed by the laws of England.".to_string()],
            false,
        );
        assert!(r.iter().all(|c| c.id != "prc_governing_law" || !c.found));
    }
}
