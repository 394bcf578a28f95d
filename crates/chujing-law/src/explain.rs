//! Words for explanations, in English and Chinese. The law's own words live in the packs; this module only
//! names facts and figures.

use crate::condition::{BoolFact, CountFact, Figure};
use crate::pathway::{FlowKind, MechanismKind};
use crate::text::Lang;

/// `1234567` → `1,234,567`.
pub fn number(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The name of a yes/no fact.
pub fn bool_fact(fact: BoolFact, lang: Lang) -> &'static str {
    match fact {
        BoolFact::Ciio => lang.pick("CIIO", "关键信息基础设施运营者"),
        BoolFact::LocatedInChina => lang.pick("processor located in China", "处理者位于境内"),
        BoolFact::ImportantData => lang.pick("important data", "重要数据"),
        BoolFact::PersonalInformation => lang.pick("personal information", "个人信息"),
        BoolFact::SensitivePersonalInformation => {
            lang.pick("sensitive personal information", "敏感个人信息")
        }
    }
}

/// The name of a count.
pub fn count_fact(fact: CountFact, lang: Lang) -> &'static str {
    match fact {
        CountFact::Individuals => lang.pick("individuals exported", "出境个人信息人数"),
        CountFact::SensitiveIndividuals => lang.pick(
            "individuals with sensitive PI exported",
            "出境敏感个人信息人数",
        ),
        CountFact::IndividualsProcessed => lang.pick("individuals processed", "处理个人信息人数"),
    }
}

/// The name of a kind of flow.
pub fn flow_kind(kind: FlowKind, lang: Lang) -> &'static str {
    match kind {
        FlowKind::Transfer => lang.pick("transfer abroad", "向境外传输"),
        FlowKind::RemoteAccess => lang.pick("remote access from abroad", "境外远程访问"),
        FlowKind::OffshoreProcessing => lang.pick(
            "processing from abroad (PIPL Art. 3(2))",
            "境外处理境内个人信息（第三条第二款）",
        ),
    }
}

/// The name of a mechanism.
pub fn mechanism(kind: MechanismKind, lang: Lang) -> &'static str {
    match kind {
        MechanismKind::StandardContract => lang.pick("standard contract", "标准合同"),
        MechanismKind::Certification => lang.pick("certification", "个人信息保护认证"),
        MechanismKind::SecurityAssessment => lang.pick("security assessment", "安全评估"),
    }
}

fn yes_no(v: bool, lang: Lang) -> &'static str {
    match (v, lang) {
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
        (true, Lang::Zh) => "是",
        (false, Lang::Zh) => "否",
    }
}

/// One figure in words: `individuals exported 150,000 ≥ 100,000 (以上, inclusive)`.
pub fn figure(f: &Figure, lang: Lang) -> String {
    match f {
        Figure::Bool { fact, value } => {
            format!("{} = {}", bool_fact(*fact, lang), yes_no(*value, lang))
        }
        Figure::Kind { value } => flow_kind(*value, lang).to_string(),
        Figure::Negated { inner } => match lang {
            Lang::En => format!("not ({})", figure(inner, lang)),
            Lang::Zh => format!("非（{}）", figure(inner, lang)),
        },
        Figure::Count {
            fact,
            value,
            at_least,
            less_than,
        } => {
            let mut parts = Vec::new();
            if let Some(lo) = at_least {
                let op = if value >= lo { "≥" } else { "<" };
                parts.push(match lang {
                    Lang::En => format!("{op} {} (以上, inclusive)", number(*lo)),
                    Lang::Zh => format!("{op} {}（以上，含本数）", number(*lo)),
                });
            }
            if let Some(hi) = less_than {
                let op = if value < hi { "<" } else { "≥" };
                parts.push(match lang {
                    Lang::En => format!("{op} {} (不满, exclusive)", number(*hi)),
                    Lang::Zh => format!("{op} {}（不满，不含本数）", number(*hi)),
                });
            }
            let sep = lang.pick(" and ", "且");
            format!(
                "{} {} {}",
                count_fact(*fact, lang),
                number(*value),
                parts.join(sep)
            )
        }
    }
}

/// Figures joined for a trace line.
pub fn figures(list: &[Figure], lang: Lang) -> String {
    list.iter()
        .map(|f| figure(f, lang))
        .collect::<Vec<_>>()
        .join(lang.pick("; ", "；"))
}

/// What the other reading of an open question changes, in words: the flows whose pathway it changes, and the
/// processor's pathway (`current` as decided).
pub fn reading_outcome(
    r: &crate::assess::OpenReading,
    current: crate::pathway::Pathway,
    lang: Lang,
) -> String {
    let flows: Vec<String> = r
        .flows
        .iter()
        .map(|f| format!("{} → {}", f.flow, f.pathway.label(lang)))
        .collect();
    let processor = if r.alternative_pathway == current {
        lang.pick("the processor's pathway would stay", "处理者路径仍为")
    } else {
        lang.pick("the processor's pathway would be", "处理者路径将为")
    };
    let processor = format!("{processor} {}", r.alternative_pathway.label(lang));
    match (flows.is_empty(), lang) {
        (true, _) => processor,
        (false, Lang::En) => format!(
            "{} {}; {processor}",
            if flows.len() == 1 { "flow" } else { "flows" },
            flows.join(", ")
        ),
        (false, Lang::Zh) => format!("数据流 {}；{processor}", flows.join("，")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_figures() {
        assert_eq!(number(0), "0");
        assert_eq!(number(999), "999");
        assert_eq!(number(1_000), "1,000");
        assert_eq!(number(1_000_000), "1,000,000");
        let f = Figure::Count {
            fact: CountFact::Individuals,
            value: 100_000,
            at_least: Some(100_000),
            less_than: Some(1_000_000),
        };
        assert_eq!(
            figure(&f, Lang::En),
            "individuals exported 100,000 ≥ 100,000 (以上, inclusive) and < 1,000,000 (不满, exclusive)"
        );
        assert_eq!(
            figure(&f, Lang::Zh),
            "出境个人信息人数 100,000 ≥ 100,000（以上，含本数）且< 1,000,000（不满，不含本数）"
        );
    }
}
