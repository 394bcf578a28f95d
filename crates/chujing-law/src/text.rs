//! Bilingual text: Chinese is the language of the law, English its faithful parallel.

use serde::{Deserialize, Serialize};

/// The language of user-facing output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    /// English.
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese (zh-CN).
    #[serde(rename = "zh")]
    Zh,
}

impl Lang {
    /// Picks the string for this language.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Zh => zh,
        }
    }
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "en" => Ok(Lang::En),
            "zh" | "zh-CN" | "zh-cn" => Ok(Lang::Zh),
            other => Err(format!("unknown language `{other}`, expected `en` or `zh`")),
        }
    }
}

/// A text in Chinese and English, as written in rule packs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Simplified Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Text {
    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.en, &self.zh)
    }
}
