//! What a certificate covers, and the transfers that fall outside it (Certification Measures 2026 Art. 10:
//! exports that do not match the certified scope lead to suspension until revocation).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// The scope of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// Categories of PI covered.
    pub categories: BTreeSet<String>,
    /// Purposes covered.
    pub purposes: BTreeSet<String>,
    /// Recipients covered (their names as recorded on the flows).
    pub recipients: BTreeSet<String>,
    /// Destination countries or regions (ISO 3166-1 alpha-2).
    pub countries: BTreeSet<String>,
    /// The most individuals whose PI may be exported in a counting window.
    pub max_individuals: u64,
    /// The most individuals whose sensitive PI may be exported in a counting window.
    pub max_sensitive_individuals: u64,
}

/// A transfer to check against a scope: one batch, with the window's figures after it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Transfer {
    /// Categories of PI in the batch.
    pub categories: Vec<String>,
    /// Its purposes.
    pub purposes: Vec<String>,
    /// Its recipient, if recorded.
    pub recipient: Option<String>,
    /// Its destination.
    pub country: String,
    /// Individuals exported in the window, this batch included.
    pub window_individuals: u64,
    /// Individuals with sensitive PI exported in the window, this batch included.
    pub window_sensitive_individuals: u64,
}

/// How a transfer falls outside a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScopeBreach {
    /// A category not certified.
    Category {
        /// The category.
        category: String,
    },
    /// A purpose not certified.
    Purpose {
        /// The purpose.
        purpose: String,
    },
    /// A recipient not certified.
    Recipient {
        /// The recipient.
        recipient: String,
    },
    /// A destination not certified.
    Country {
        /// The country code.
        country: String,
    },
    /// More individuals in the window than certified.
    Individuals {
        /// Individuals in the window.
        count: u64,
        /// The certified maximum.
        cap: u64,
    },
    /// More individuals with sensitive PI in the window than certified.
    SensitiveIndividuals {
        /// Individuals with sensitive PI in the window.
        count: u64,
        /// The certified maximum.
        cap: u64,
    },
}

impl Scope {
    /// Every way `t` falls outside the scope (empty: within it). A transfer that does not name its recipient
    /// is outside a scope that lists recipients: what is not shown to be covered is not covered.
    pub fn check(&self, t: &Transfer) -> Vec<ScopeBreach> {
        let mut out = Vec::new();
        for c in t
            .categories
            .iter()
            .filter(|c| !self.categories.contains(*c))
        {
            out.push(ScopeBreach::Category {
                category: c.clone(),
            });
        }
        for p in t.purposes.iter().filter(|p| !self.purposes.contains(*p)) {
            out.push(ScopeBreach::Purpose { purpose: p.clone() });
        }
        match &t.recipient {
            Some(r) if !self.recipients.contains(r) => out.push(ScopeBreach::Recipient {
                recipient: r.clone(),
            }),
            None if !self.recipients.is_empty() => out.push(ScopeBreach::Recipient {
                recipient: "(not recorded)".into(),
            }),
            _ => {}
        }
        if !self.countries.contains(&t.country) {
            out.push(ScopeBreach::Country {
                country: t.country.clone(),
            });
        }
        if t.window_individuals > self.max_individuals {
            out.push(ScopeBreach::Individuals {
                count: t.window_individuals,
                cap: self.max_individuals,
            });
        }
        if t.window_sensitive_individuals > self.max_sensitive_individuals {
            out.push(ScopeBreach::SensitiveIndividuals {
                count: t.window_sensitive_individuals,
                cap: self.max_sensitive_individuals,
            });
        }
        out
    }
}

/// Why a certificate may not be granted with a scope (Certification Measures 2026 Art. 5, Art. 10): the body
/// certifies what was applied for and reviewed, or less — never more — and only volumes that certification
/// may cover under the law in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GrantRefusal {
    /// The scope granted is wider than the scope applied for: each item outside it.
    WiderThanApplied {
        /// What the grant adds to the application's scope.
        excess: Vec<ScopeBreach>,
    },
    /// The scope's volumes lead to another pathway under the law in force (the security assessment), which a
    /// certificate cannot stand in for.
    BeyondCertification {
        /// The individuals the scope covers.
        individuals: u64,
        /// Of them, with sensitive PI.
        sensitive_individuals: u64,
        /// The pathway those volumes lead to (`Pathway` id).
        pathway: String,
    },
}

impl Scope {
    /// What `granted` covers beyond `self` (the scope applied for): categories, purposes, recipients and
    /// countries it adds, and caps above the ones applied for. Empty: `granted` is within `self`.
    pub fn excess(&self, granted: &Scope) -> Vec<ScopeBreach> {
        let outside = |mine: &BTreeSet<String>, theirs: &BTreeSet<String>| {
            theirs.difference(mine).cloned().collect::<Vec<_>>()
        };
        let mut out: Vec<ScopeBreach> = Vec::new();
        out.extend(
            outside(&self.categories, &granted.categories)
                .into_iter()
                .map(|category| ScopeBreach::Category { category }),
        );
        out.extend(
            outside(&self.purposes, &granted.purposes)
                .into_iter()
                .map(|purpose| ScopeBreach::Purpose { purpose }),
        );
        out.extend(
            outside(&self.recipients, &granted.recipients)
                .into_iter()
                .map(|recipient| ScopeBreach::Recipient { recipient }),
        );
        out.extend(
            outside(&self.countries, &granted.countries)
                .into_iter()
                .map(|country| ScopeBreach::Country { country }),
        );
        if granted.max_individuals > self.max_individuals {
            out.push(ScopeBreach::Individuals {
                count: granted.max_individuals,
                cap: self.max_individuals,
            });
        }
        if granted.max_sensitive_individuals > self.max_sensitive_individuals {
            out.push(ScopeBreach::SensitiveIndividuals {
                count: granted.max_sensitive_individuals,
                cap: self.max_sensitive_individuals,
            });
        }
        out
    }

    /// The guard of a grant: `granted` must lie within `self` (the scope applied for), and its volumes on the
    /// pathway `pathway` (what the law in force makes of them: [`chujing_law::certification::pathway_for_volumes`])
    /// must be ones a certificate can cover.
    pub fn check_grant(
        &self,
        granted: &Scope,
        pathway: chujing_law::Pathway,
    ) -> Result<(), GrantRefusal> {
        let excess = self.excess(granted);
        if !excess.is_empty() {
            return Err(GrantRefusal::WiderThanApplied { excess });
        }
        if pathway == chujing_law::Pathway::SecurityAssessment {
            return Err(GrantRefusal::BeyondCertification {
                individuals: granted.max_individuals,
                sensitive_individuals: granted.max_sensitive_individuals,
                pathway: pathway.id().to_string(),
            });
        }
        Ok(())
    }
}

impl GrantRefusal {
    /// The refusal in words, naming each excess.
    pub fn describe(&self, lang: chujing_law::Lang) -> String {
        use chujing_law::Lang::{En, Zh};
        use chujing_law::explain::number;
        match (self, lang) {
            (GrantRefusal::WiderThanApplied { excess }, En) => format!(
                "the scope granted is wider than the scope applied for: {}",
                excess
                    .iter()
                    .map(ScopeBreach::applied_for_en)
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            (GrantRefusal::WiderThanApplied { excess }, Zh) => format!(
                "认证范围超出申请范围：{}",
                excess
                    .iter()
                    .map(ScopeBreach::applied_for_zh)
                    .collect::<Vec<_>>()
                    .join("；")
            ),
            (
                GrantRefusal::BeyondCertification {
                    individuals,
                    sensitive_individuals,
                    ..
                },
                En,
            ) => format!(
                "a scope of {} individuals ({} with sensitive PI) needs a security assessment under the law in \
                 force (Provisions 2024 Art. 7): certification cannot cover it",
                number(*individuals),
                number(*sensitive_individuals)
            ),
            (
                GrantRefusal::BeyondCertification {
                    individuals,
                    sensitive_individuals,
                    ..
                },
                Zh,
            ) => format!(
                "认证范围 {} 人（其中敏感个人信息 {} 人）依现行规定应当申报安全评估（《促进和规范数据跨境流动规定》第七条），不能以认证替代",
                number(*individuals),
                number(*sensitive_individuals)
            ),
        }
    }
}

impl ScopeBreach {
    /// What a grant adds beyond the scope applied for, in English.
    fn applied_for_en(&self) -> String {
        use chujing_law::explain::number;
        match self {
            ScopeBreach::Category { category } => {
                format!("category `{category}` was not applied for")
            }
            ScopeBreach::Purpose { purpose } => format!("purpose `{purpose}` was not applied for"),
            ScopeBreach::Recipient { recipient } => {
                format!("recipient `{recipient}` was not applied for")
            }
            ScopeBreach::Country { country } => {
                format!("destination {country} was not applied for")
            }
            ScopeBreach::Individuals { count, cap } => format!(
                "{} individuals, over the {} applied for",
                number(*count),
                number(*cap)
            ),
            ScopeBreach::SensitiveIndividuals { count, cap } => format!(
                "{} individuals with sensitive PI, over the {} applied for",
                number(*count),
                number(*cap)
            ),
        }
    }

    /// What a grant adds beyond the scope applied for, in Chinese.
    fn applied_for_zh(&self) -> String {
        use chujing_law::explain::number;
        match self {
            ScopeBreach::Category { category } => format!("个人信息类别“{category}”未申请"),
            ScopeBreach::Purpose { purpose } => format!("目的“{purpose}”未申请"),
            ScopeBreach::Recipient { recipient } => format!("境外接收方“{recipient}”未申请"),
            ScopeBreach::Country { country } => format!("目的地 {country} 未申请"),
            ScopeBreach::Individuals { count, cap } => {
                format!("{} 人，超过申请的 {} 人", number(*count), number(*cap))
            }
            ScopeBreach::SensitiveIndividuals { count, cap } => format!(
                "敏感个人信息 {} 人，超过申请的 {} 人",
                number(*count),
                number(*cap)
            ),
        }
    }
}

impl ScopeBreach {
    /// The breach in words.
    pub fn describe(&self, lang: chujing_law::Lang) -> String {
        use chujing_law::Lang::{En, Zh};
        use chujing_law::explain::number;
        match (self, lang) {
            (ScopeBreach::Category { category }, En) => {
                format!("category `{category}` is not certified")
            }
            (ScopeBreach::Category { category }, Zh) => {
                format!("个人信息类别“{category}”不在认证范围内")
            }
            (ScopeBreach::Purpose { purpose }, En) => {
                format!("purpose `{purpose}` is not certified")
            }
            (ScopeBreach::Purpose { purpose }, Zh) => format!("目的“{purpose}”不在认证范围内"),
            (ScopeBreach::Recipient { recipient }, En) => {
                format!("recipient `{recipient}` is not certified")
            }
            (ScopeBreach::Recipient { recipient }, Zh) => {
                format!("境外接收方“{recipient}”不在认证范围内")
            }
            (ScopeBreach::Country { country }, En) => {
                format!("destination {country} is not certified")
            }
            (ScopeBreach::Country { country }, Zh) => format!("目的地 {country} 不在认证范围内"),
            (ScopeBreach::Individuals { count, cap }, En) => format!(
                "{} individuals in the window, over the certified {}",
                number(*count),
                number(*cap)
            ),
            (ScopeBreach::Individuals { count, cap }, Zh) => {
                format!(
                    "本期出境 {} 人，超过认证上限 {} 人",
                    number(*count),
                    number(*cap)
                )
            }
            (ScopeBreach::SensitiveIndividuals { count, cap }, En) => format!(
                "{} individuals' sensitive PI in the window, over the certified {}",
                number(*count),
                number(*cap)
            ),
            (ScopeBreach::SensitiveIndividuals { count, cap }, Zh) => format!(
                "本期出境敏感个人信息 {} 人，超过认证上限 {} 人",
                number(*count),
                number(*cap)
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Scope {
        let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
        Scope {
            categories: set(&["contact", "identity"]),
            purposes: set(&["crm"]),
            recipients: set(&["Acme Inc."]),
            countries: set(&["SG"]),
            max_individuals: 500_000,
            max_sensitive_individuals: 0,
        }
    }

    #[test]
    fn a_transfer_within_scope_has_no_breach() {
        let t = Transfer {
            categories: vec!["contact".into()],
            purposes: vec!["crm".into()],
            recipient: Some("Acme Inc.".into()),
            country: "SG".into(),
            window_individuals: 500_000,
            window_sensitive_individuals: 0,
        };
        assert_eq!(scope().check(&t), []);
    }

    #[test]
    fn every_breach_is_named() {
        let t = Transfer {
            categories: vec!["contact".into(), "health".into()],
            purposes: vec!["marketing".into()],
            recipient: None,
            country: "US".into(),
            window_individuals: 500_001,
            window_sensitive_individuals: 3,
        };
        let kinds: Vec<String> = scope()
            .check(&t)
            .iter()
            .map(|b| b.describe(chujing_law::Lang::En))
            .collect();
        assert_eq!(
            kinds,
            [
                "category `health` is not certified",
                "purpose `marketing` is not certified",
                "recipient `(not recorded)` is not certified",
                "destination US is not certified",
                "500,001 individuals in the window, over the certified 500,000",
                "3 individuals' sensitive PI in the window, over the certified 0",
            ]
        );
    }

    #[test]
    fn a_grant_within_the_application_passes_and_every_excess_is_named() {
        let applied = scope();
        let mut narrower = applied.clone();
        narrower.categories.remove("identity");
        narrower.max_individuals = 100_000;
        assert_eq!(
            applied.check_grant(
                &narrower,
                chujing_law::Pathway::StandardContractOrCertification
            ),
            Ok(())
        );
        let mut wider = applied.clone();
        wider.categories.insert("health".into());
        wider.recipients.insert("Other LLC".into());
        wider.countries.extend(["US".to_string(), "RU".to_string()]);
        wider.max_individuals = 9_999_999;
        let refused = applied
            .check_grant(&wider, chujing_law::Pathway::SecurityAssessment)
            .unwrap_err();
        assert_eq!(
            refused.describe(chujing_law::Lang::En),
            "the scope granted is wider than the scope applied for: category `health` was not applied for; \
             recipient `Other LLC` was not applied for; destination RU was not applied for; destination US was \
             not applied for; 9,999,999 individuals, over the 500,000 applied for"
        );
    }

    #[test]
    fn a_grant_whose_volumes_need_the_assessment_is_refused() {
        let applied = scope();
        let refused = applied
            .check_grant(&applied, chujing_law::Pathway::SecurityAssessment)
            .unwrap_err();
        assert!(matches!(
            refused,
            GrantRefusal::BeyondCertification {
                individuals: 500_000,
                ..
            }
        ));
        assert!(refused.describe(chujing_law::Lang::Zh).contains("安全评估"));
    }
}
