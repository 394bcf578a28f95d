//! The names of the identifiers a profile uses — purposes and categories of personal information — in the
//! document's language. Chinese documents are Chinese throughout: a category `chujing scan` detects takes the
//! scanner's own Chinese name, the common purposes and categories of profiles take theirs from this table, and
//! an identifier neither knows is kept as written and listed as an open item, to be named by the processor.

use chujing_law::Lang;

/// Purposes profiles commonly name: (id, English, 中文).
const PURPOSES: &[(&str, &str, &str)] = &[
    ("behaviour_analysis", "behaviour analysis", "用户行为分析"),
    (
        "personalised_marketing",
        "personalised marketing",
        "个性化营销",
    ),
    (
        "customer_relationship_management",
        "customer relationship management",
        "客户关系管理",
    ),
    ("customer_support", "customer support", "客户服务"),
    ("customer_service", "customer service", "客户服务"),
    ("fraud_detection", "fraud detection", "欺诈风险防控"),
    ("service_improvement", "service improvement", "服务改进"),
    ("hr_management", "HR management", "人力资源管理"),
    ("payroll", "payroll", "薪酬发放"),
    ("marketing", "marketing", "市场营销"),
    ("loyalty_programme", "loyalty programme", "会员积分计划"),
    ("medical_treatment", "medical treatment", "医疗服务"),
    ("order_fulfilment", "order fulfilment", "订单履行"),
    ("delivery", "delivery", "物流配送"),
    ("payment", "payment", "支付结算"),
];

/// Categories profiles commonly name that the scanner does not detect as such: (id, English, 中文).
const CATEGORIES: &[(&str, &str, &str)] = &[
    ("identity", "identity", "身份信息"),
    ("contact", "contact details", "联系方式"),
    ("address", "address", "地址"),
    ("purchase_history", "purchase history", "购买记录"),
    ("employment", "employment", "工作信息"),
    ("precise_location", "precise location", "精准定位信息"),
    ("trajectory", "whereabouts", "行踪轨迹信息"),
    ("health", "health", "医疗健康信息"),
    ("bank_card", "bank card number", "银行卡号"),
    ("browsing_history", "browsing history", "网页浏览记录"),
    ("device", "device information", "设备信息"),
    ("biometric", "biometric", "生物识别信息"),
    ("financial_account", "financial account", "金融账户信息"),
];

fn lookup(
    table: &[(&str, &'static str, &'static str)],
    lang: Lang,
    id: &str,
) -> Option<&'static str> {
    table
        .iter()
        .find(|(k, _, _)| *k == id)
        .map(|(_, en, zh)| lang.pick(en, zh))
}

/// A purpose in words; `None` when the table does not know it.
pub fn purpose(lang: Lang, id: &str) -> Option<&'static str> {
    lookup(PURPOSES, lang, id)
}

/// A category of personal information in words; `None` when neither the table nor the scanner knows it.
pub fn category(lang: Lang, id: &str) -> Option<String> {
    if let Some(name) = lookup(CATEGORIES, lang, id) {
        return Some(name.to_string());
    }
    let c = chujing_scan::Category::from_id(id)?;
    Some(match lang {
        Lang::Zh => c.name_zh().to_string(),
        Lang::En => id.replace('_', " "),
    })
}

/// Identifiers named, joined for a cell: each by its name, or as written when unknown (then also returned,
/// for the open item that asks for its name).
pub fn join(
    lang: Lang,
    ids: &[String],
    name: impl Fn(Lang, &str) -> Option<String>,
) -> (String, Vec<String>) {
    let mut unknown = Vec::new();
    let named: Vec<String> = ids
        .iter()
        .map(|id| {
            name(lang, id).unwrap_or_else(|| {
                unknown.push(id.clone());
                id.clone()
            })
        })
        .collect();
    let sep = lang.pick(", ", "、");
    (named.join(sep), unknown)
}
