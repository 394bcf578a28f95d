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
}
