//! The binding-agreement checker: which clauses the certification requirements expect of the binding agreement
//! and the unified processing rules are found in an agreement, in Chinese or English wording, and where.

use serde::Serialize;

/// A clause an agreement must contain.
#[derive(Debug, Clone, Copy)]
pub struct Clause {
    /// Stable identifier.
    pub id: &'static str,
    /// What the clause is, in English and Chinese.
    pub name: (&'static str, &'static str),
    /// Where the requirement comes from.
    pub citation: Requirement,
    /// Ways to word it. A paragraph matches a wording when it holds every group; a group is alternatives
    /// separated by `|`, matched case-insensitively as substrings.
    pub wordings: &'static [&'static [&'static str]],
    /// Wordings that say the opposite (the recipient refuses supervision, another country's law governs,
    /// liability is excluded): a paragraph that words the clause but also holds one of these is reported for
    /// review rather than as found.
    pub contradictions: &'static [Contradiction],
}

/// A wording that contradicts a clause: one of `cues` in the same sentence or clause (text between
/// `。；，.;,!?`) as one of `with`, both `|`-separated alternatives matched case-insensitively. Requiring `with`
/// keeps a negation elsewhere in the paragraph ("乙方不承担…" next to "甲方在境内承担…") from counting.
#[derive(Debug, Clone, Copy)]
pub struct Contradiction {
    /// The contradicting phrases.
    pub cues: &'static str,
    /// What the same segment must also mention.
    pub with: &'static str,
    /// Whether the segment is the whole sentence rather than the clause between commas: "The laws of New
    /// York, and not the laws of the PRC, shall govern" names the law and the verb in different clauses.
    pub sentence: bool,
}

const fn against(cues: &'static str, with: &'static str) -> Contradiction {
    Contradiction {
        cues,
        with,
        sentence: false,
    }
}

const fn against_in_sentence(cues: &'static str, with: &'static str) -> Contradiction {
    Contradiction {
        cues,
        with,
        sentence: true,
    }
}

/// Where a clause's requirement comes from. The agreement check is the certification route's: its clauses
/// are the binding agreement's and the unified processing rules' (the standard contract is checked against its
/// own form, `form_check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// The certification requirements: the standard in force on the date checked, on the binding agreement.
    Certification,
    /// The certification requirements on the unified processing rules the parties follow (retention and
    /// deletion, individuals' rights, remedies).
    ProcessingRules,
    /// PIPL itself: the processor's duty to see that the recipient's processing meets PIPL's standard of
    /// protection (the pack's `recipient-protection` duty, PIPL Art. 38(3)).
    Pipl,
}

use Requirement::{Certification as CERT, Pipl as PIPL, ProcessingRules as RULES};

/// The law an agreement is checked against on the date checked, as the packs cite it.
#[derive(Debug, Clone, Copy)]
pub struct CheckedAgainst<'a> {
    /// The certification requirements in force (`Regime::standard`).
    pub standard: &'a str,
    /// PIPL's duty that the recipient's processing meets its standard (`RuleBook::duty_citation`).
    pub recipient_duty: &'a str,
}

impl Requirement {
    /// The citation, naming the certification requirements or PIPL's duty in force where it applies.
    pub fn citation(self, law: &CheckedAgainst<'_>, lang: chujing_law::Lang) -> String {
        let standard = law.standard;
        match (self, lang) {
            (CERT, chujing_law::Lang::En) => {
                format!("{standard}, the binding agreement; Certification Implementation Rules")
            }
            (CERT, chujing_law::Lang::Zh) => {
                format!("{standard}（具有法律约束力的协议）；《个人信息保护认证实施规则》")
            }
            (RULES, chujing_law::Lang::En) => {
                format!("{standard}, the unified processing rules")
            }
            (RULES, chujing_law::Lang::Zh) => format!("{standard}（统一的个人信息处理规则）"),
            (PIPL, _) => law.recipient_duty.to_string(),
        }
    }
}

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
        contradictions: &[],
    },
    Clause {
        id: "categories_and_purposes",
        name: (
            "the categories of personal information, scope and purposes",
            "个人信息的种类、范围和处理目的",
        ),
        citation: CERT,
        wordings: &[&["种类|类别", "目的"], &["categor", "purpose"]],
        contradictions: &[
            against(
                "any purpose|any other purpose|unlimited purpose|without limitation as to purpose",
                "purpose",
            ),
            against("任何目的|不限目的|其他任何目的", "目的"),
        ],
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
        contradictions: &[
            against(
                "no security measures|not required to implement|not obliged to implement|no obligation to implement|not required to take|not obliged to take|no obligation to take",
                "measure|safeguard|encrypt",
            ),
            against("无需采取|无须采取|不采取|不必采取", "措施"),
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
        contradictions: &[
            against(
                "may be lower|may be weaker|may fall below|need not meet|not required to meet|not bound by|may deviate",
                "pipl|personal information protection law|protection",
            ),
            against(
                "可以低于|可低于|无需遵守|无须遵守|不必遵守|不受",
                "个人信息保护法|保护标准|保护水平",
            ),
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
        contradictions: &[
            against(
                "not accept|not be subject to|not subject to|refuse|decline|not permit|not allow|no audit",
                "certification body",
            ),
            against("不接受|拒绝|不受|无需接受|无须接受|不配合", "认证机构"),
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
        contradictions: &[
            against(
                "not be governed|not governed|not apply|rather than|instead of|other than|not the laws of|not the law of|not by the laws",
                "prc|people's republic of china|people’s republic of china|chinese law|china",
            ),
            // Another country's law named as the governing law.
            against_in_sentence(
                "laws of new york|laws of the state of|laws of england|english law|laws of singapore|laws of hong kong|laws of japan|laws of germany|laws of delaware|laws of california|laws of the united states|united states law|u.s. law|us law",
                "govern",
            ),
            against_in_sentence(
                "纽约州法律|英格兰法律|英国法律|美国法律|新加坡法律|香港法律|日本法律|德国法律",
                "管辖|适用",
            ),
            against(
                "不适用|不受|排除适用|而非|而不是|非中华人民共和国",
                "中华人民共和国|中国",
            ),
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
        contradictions: &[
            against(
                "not responsible|not be responsible|no responsibility|not liable|not be liable|disclaim",
                "china|prc",
            ),
            against("不承担|不负责|免除", "境内"),
        ],
    },
    Clause {
        id: "liability_between_parties",
        name: (
            "allocation of liability between the parties",
            "双方之间的责任分配",
        ),
        citation: CERT,
        wordings: &[
            &["连带责任|违约责任|责任分担|承担赔偿"],
            &["liab", "joint|several|allocat|indemn|breach"],
        ],
        contradictions: &[
            against(
                "no liability whatsoever|have no liability|excludes all liability|exclude all liability|disclaims all liability|not be liable for any|no liability of any kind",
                "liab",
            ),
            against(
                "概不负责|不承担任何责任|免除全部责任|免除一切责任|不承担一切责任",
                "责任",
            ),
        ],
    },
    Clause {
        id: "civil_liability_to_individuals",
        name: (
            "civil liability towards individuals",
            "对个人信息主体承担民事责任",
        ),
        citation: CERT,
        wordings: &[
            &["个人信息主体|个人", "民事责任|赔偿|损害"],
            &[
                "data subject|individual",
                "compensat|civil liability|damages|liable",
            ],
        ],
        contradictions: &[
            against(
                "not be liable to|no liability to|not liable to|not entitled to compensation|no right to compensation|no compensation|waive",
                "data subject|individual",
            ),
            against(
                "不承担民事责任|不予赔偿|无权要求赔偿|不承担赔偿|不赔偿|放弃",
                "个人",
            ),
        ],
    },
    Clause {
        id: "individual_rights_and_remedies",
        name: (
            "individuals' rights and remedies",
            "个人信息主体的权利及救济",
        ),
        citation: RULES,
        wordings: &[
            &["查阅|复制|更正|补充|删除|解释说明", "权利|请求"],
            &["access|rectif|correct|erasure|delet|copy", "right|request"],
        ],
        contradictions: &[
            against(
                "no right|not entitled|may not request|shall not request|cannot request|waive|not exercise",
                "data subject|individual",
            ),
            against("无权|不得要求|不得请求|放弃|不享有", "个人"),
        ],
    },
    Clause {
        id: "onward_transfer_limits",
        name: (
            "limits on onward transfer to third parties",
            "向第三方再提供的限制",
        ),
        citation: PIPL,
        wordings: &[
            &["再提供|转移|第三方", "不得|同意|条件|限制"],
            &[
                "onward transfer|third part|sub-processor|subprocessor",
                "not|consent|only|condition|restrict",
            ],
        ],
        contradictions: &[
            against(
                "without restriction|without any restriction|freely|at its sole discretion|at its discretion|unrestricted|no restriction|not restricted",
                "transfer|third part|sub-processor|subprocessor|disclos|shar|affiliat",
            ),
            against(
                "不受限制|无需同意|无须同意|无需取得|无需经|自行决定|任意|自由|无限制",
                "第三方|再提供|转移|共享|关联方|关联公司|提供给",
            ),
            // Sharing with affiliates, and its absence of limits in another clause of the sentence.
            against_in_sentence(
                "without restriction|without any restriction|without limitation",
                "share with|shared with|sharing with|affiliat",
            ),
            against_in_sentence("不受限制|无限制|不受任何限制", "共享|关联方|关联公司"),
        ],
    },
    Clause {
        id: "retention_and_deletion",
        name: (
            "retention period, and deletion or anonymisation at its end",
            "保存期限及期满后的删除或匿名化",
        ),
        citation: RULES,
        wordings: &[
            &["保存期限|存储期限", "删除|匿名化"],
            &[
                "retention|retain|storage period",
                "delet|anonymi|destroy|erase",
            ],
        ],
        contradictions: &[
            against(
                "indefinitely|in perpetuity|perpetual|permanently|no obligation to delete|not be deleted|not delete|never be deleted|no obligation to erase",
                "retain|retention|stor|delet|keep|kept|held|erase",
            ),
            against(
                "永久|无限期|不予删除|不删除|无需删除|无须删除",
                "保存|保留|存储|删除",
            ),
        ],
    },
];

/// What the checker concluded about a clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClauseStatus {
    /// A paragraph words the clause, and none that words it says the opposite.
    Found,
    /// A paragraph words the clause but says the opposite (or seems to): a person must review it.
    Contradicted,
    /// No paragraph words the clause.
    Missing,
}

impl ClauseStatus {
    /// Whether the agreement satisfies the clause as far as the checker can tell.
    pub fn is_satisfied(self) -> bool {
        self == ClauseStatus::Found
    }
}

/// Whether a clause was found, and where.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    /// The clause's identifier.
    pub id: &'static str,
    /// What the clause is, in the report's language.
    pub name: &'static str,
    /// Where the requirement comes from.
    pub citation: String,
    /// What the checker concluded.
    pub status: ClauseStatus,
    /// Whether the clause was found and not contradicted (`status` is `found`).
    pub found: bool,
    /// The 1-based paragraph number of the passage shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub paragraph: Option<usize>,
    /// The passage, shortened: the wording found, or the contradicting one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub passage: Option<String>,
    /// The segment that contradicts the clause, when `status` is `contradicted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contradiction: Option<String>,
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
    wording.iter().all(|group| holds_any(paragraph, group))
}

fn holds_any(text: &str, alternatives: &str) -> bool {
    alternatives.split('|').any(|alt| text.contains(alt))
}

/// The first segment of a paragraph that contradicts the clause, as written. Segments end at sentence and
/// clause punctuation, so that a negation is read next to what it negates.
pub(crate) fn contradiction<'p>(paragraph: &'p str, clause: &Clause) -> Option<&'p str> {
    let sentences = || {
        paragraph
            .split(['。', '；', ';', '!', '?', '！', '？'])
            .flat_map(|s| s.split(". "))
    };
    let found = |segment: &str, sentence: bool| {
        let segment = segment.to_lowercase();
        clause.contradictions.iter().any(|c| {
            c.sentence == sentence && holds_any(&segment, c.cues) && holds_any(&segment, c.with)
        })
    };
    sentences()
        .flat_map(|s| s.split(['，', ',']))
        .find(|segment| found(segment, false))
        .or_else(|| sentences().find(|sentence| found(sentence, true)))
        .map(str::trim)
}

/// `s` cut to `max` characters, with an ellipsis when cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// Checks an agreement, given as paragraphs; `lang` picks the language of names and citations.
///
/// A clause is found when some paragraph words it and no paragraph contradicts it; a contradiction anywhere
/// wins — also in a paragraph that does not word the clause ("may retain the data indefinitely" with no
/// deletion clause is a contradiction, not a clause merely missing) — because one clause saying the opposite
/// of another is what a reviewer must see.
/// `law` names what is in force on the date checked, from the packs.
pub fn check(
    paragraphs: &[String],
    lang: chujing_law::Lang,
    law: &CheckedAgainst<'_>,
) -> Vec<ClauseResult> {
    let lower: Vec<String> = paragraphs.iter().map(|p| p.to_lowercase()).collect();
    CLAUSES
        .iter()
        .map(|clause| {
            let worded: Vec<usize> = lower
                .iter()
                .enumerate()
                .filter(|(_, p)| clause.wordings.iter().any(|w| matches(p, w)))
                .map(|(i, _)| i)
                .collect();
            let contradicted = paragraphs
                .iter()
                .enumerate()
                .find_map(|(i, p)| contradiction(p, clause).map(|c| (i, c.to_string())));
            let (status, shown) = match (&contradicted, worded.first()) {
                (Some((i, _)), _) => (ClauseStatus::Contradicted, Some(*i)),
                (None, Some(&i)) => (ClauseStatus::Found, Some(i)),
                (None, None) => (ClauseStatus::Missing, None),
            };
            ClauseResult {
                id: clause.id,
                name: lang.pick(clause.name.0, clause.name.1),
                citation: clause.citation.citation(law, lang),
                status,
                found: status.is_satisfied(),
                paragraph: shown.map(|i| i + 1),
                passage: shown
                    .and_then(|i| paragraphs.get(i))
                    .map(|p| shorten(p, 160)),
                contradiction: contradicted.map(|(_, c)| shorten(&c, 160)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEST_LAW: CheckedAgainst<'static> = CheckedAgainst {
        standard: "TC260-PG-20222A",
        recipient_duty: "PIPL Art. 38(3)",
    };

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
            chujing_law::Lang::En,
            &TEST_LAW,
        );
        let law = r.iter().find(|c| c.id == "prc_governing_law");
        assert!(law.is_some_and(|c| c.found && c.paragraph == Some(1)));
        let r = check(
            &["This Agreement is governed by the laws of England.".to_string()],
            chujing_law::Lang::En,
            &TEST_LAW,
        );
        assert!(r.iter().all(|c| c.id != "prc_governing_law" || !c.found));
    }

    fn status(text: &str, id: &str) -> (ClauseStatus, Option<String>) {
        let r = check(&paragraphs(text), chujing_law::Lang::En, &TEST_LAW);
        let c = r.iter().find(|c| c.id == id);
        (
            c.map_or(ClauseStatus::Missing, |c| c.status),
            c.and_then(|c| c.contradiction.clone()),
        )
    }

    #[test]
    fn a_negated_clause_is_contradicted_not_found() {
        let (s, seg) = status(
            "This Agreement shall not be governed by the laws of the People's Republic of China.",
            "prc_governing_law",
        );
        assert_eq!(s, ClauseStatus::Contradicted);
        assert!(seg.is_some_and(|s| s.starts_with("This Agreement shall not be governed")));
        assert_eq!(
            status("本协议不适用中华人民共和国法律。", "prc_governing_law").0,
            ClauseStatus::Contradicted
        );
        assert_eq!(
            status(
                "乙方不接受认证机构的监督检查。",
                "certification_supervision"
            )
            .0,
            ClauseStatus::Contradicted
        );
        assert_eq!(
            status(
                "The recipient may retain the personal information indefinitely and has no obligation to delete it.",
                "retention_and_deletion"
            )
            .0,
            ClauseStatus::Contradicted
        );
        assert_eq!(
            status(
                "Onward transfer to third parties is not restricted; the importer may disclose the data freely.",
                "onward_transfer_limits"
            )
            .0,
            ClauseStatus::Contradicted
        );
    }

    #[test]
    fn negations_elsewhere_or_restricting_do_not_contradict() {
        // Conflict-of-law exclusions, negations that restrict, and a negation about something else.
        for (text, id) in [
            (
                "This Agreement is governed by the laws of the PRC, excluding its conflict-of-law rules.",
                "prc_governing_law",
            ),
            (
                "本合同适用中华人民共和国法律，不适用冲突规范。",
                "prc_governing_law",
            ),
            (
                "The importer shall not transfer the data to a third party without the individual's consent.",
                "onward_transfer_limits",
            ),
            (
                "甲方在境内承担法律责任；乙方不承担甲方原因造成的损失。",
                "responsible_entity_in_china",
            ),
            (
                "境外接收方承诺其保护标准不低于《个人信息保护法》。",
                "rules_no_weaker_than_pipl",
            ),
        ] {
            assert_eq!(status(text, id).0, ClauseStatus::Found, "{text}");
        }
    }

    #[test]
    fn contradictions_the_checker_used_to_report_as_found_or_missing() {
        for (text, id) in [
            (
                "The laws of New York, and not the laws of the PRC, shall govern this Agreement.",
                "prc_governing_law",
            ),
            (
                "This Agreement is governed by the laws of the State of New York.",
                "prc_governing_law",
            ),
            (
                "The recipient may share the personal information with its affiliates without restriction. \
                 Onward transfer to third parties requires consent.",
                "onward_transfer_limits",
            ),
            (
                "The recipient may retain the personal information indefinitely.",
                "retention_and_deletion",
            ),
            (
                "境外接收方可以无限期保存上述个人信息。",
                "retention_and_deletion",
            ),
            (
                "乙方可将个人信息与其关联公司共享，不受限制。乙方向第三方再提供须经同意。",
                "onward_transfer_limits",
            ),
        ] {
            assert_eq!(status(text, id).0, ClauseStatus::Contradicted, "{text}");
        }
    }

    #[test]
    fn a_contradiction_anywhere_wins_over_a_clean_wording() {
        let text = "Governing law: the laws of the PRC.\n\nNotwithstanding the above, this Agreement shall not be governed by Chinese law.";
        let r = check(&paragraphs(text), chujing_law::Lang::En, &TEST_LAW);
        let law = r.iter().find(|c| c.id == "prc_governing_law");
        assert!(law.is_some_and(|c| c.status == ClauseStatus::Contradicted
            && c.paragraph == Some(2)
            && !c.found));
    }
}
