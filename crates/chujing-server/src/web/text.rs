//! Every word the pages show, in Chinese and English: one table per language, checked by the compiler (a
//! string missing in one language does not build).

use chujing_cert::CertificateStatus;
use chujing_law::Lang;

/// The pages' words in one language.
#[derive(Debug)]
pub struct Text {
    /// `zh-CN` or `en` (the page's `lang` attribute).
    pub html_lang: &'static str,
    /// The product's name as shown.
    pub product: &'static str,
    /// What the product is, under its name.
    pub tagline: &'static str,
    /// The link to the other language, in that language.
    pub other_language: &'static str,
    /// The main navigation's label.
    pub nav: &'static str,
    /// Navigation: the registry.
    pub nav_registry: &'static str,
    /// Navigation: the report form.
    pub nav_report: &'static str,
    /// Navigation: sign in.
    pub nav_login: &'static str,
    /// Navigation: sign out.
    pub nav_logout: &'static str,
    /// The registry's title.
    pub registry_title: &'static str,
    /// What the registry is.
    pub registry_intro: &'static str,
    /// The search field's label.
    pub search_label: &'static str,
    /// The search button.
    pub search_button: &'static str,
    /// No certificate matched.
    pub registry_none: &'static str,
    /// Column: certificate number.
    pub col_number: &'static str,
    /// Column: holder.
    pub col_holder: &'static str,
    /// Column: certification body.
    pub col_body: &'static str,
    /// Column: status.
    pub col_status: &'static str,
    /// Column: scope.
    pub col_scope: &'static str,
    /// Column: validity.
    pub col_valid: &'static str,
    /// Scope: categories.
    pub scope_categories: &'static str,
    /// Scope: recipients.
    pub scope_recipients: &'static str,
    /// Scope: countries.
    pub scope_countries: &'static str,
    /// Scope: the individuals cap.
    pub scope_max: &'static str,
    /// Why a certificate was suspended or revoked.
    pub reason: &'static str,
    /// The report form's title.
    pub report_title: &'static str,
    /// What the report form is for (Art. 15).
    pub report_intro: &'static str,
    /// Field: whom the report is about.
    pub report_about: &'static str,
    /// Field: the province.
    pub report_province: &'static str,
    /// Hint under the province field.
    pub report_province_hint: &'static str,
    /// Field: what happened.
    pub report_text: &'static str,
    /// The send button.
    pub report_send: &'static str,
    /// The receipt page's title.
    pub receipt_title: &'static str,
    /// What to do with the receipt code.
    pub receipt_keep: &'static str,
    /// The status page's title.
    pub status_title: &'static str,
    /// Label: the report's status.
    pub status_label: &'static str,
    /// Label: when it was received.
    pub received_label: &'static str,
    /// The sign-in page's title.
    pub login_title: &'static str,
    /// Field: e-mail.
    pub login_email: &'static str,
    /// Field: password.
    pub login_password: &'static str,
    /// The sign-in button.
    pub login_button: &'static str,
    /// Signed in as …
    pub signed_in_as: &'static str,
    /// The title of an error page.
    pub error_title: &'static str,
    /// Back to the start.
    pub home: &'static str,
    /// Navigation: the processor's dashboard.
    pub nav_dashboard: &'static str,
    /// The dashboard's title.
    pub dashboard_title: &'static str,
    /// The counting window.
    pub window_label: &'static str,
    /// No window.
    pub no_window: &'static str,
    /// Individuals.
    pub individuals: &'static str,
    /// Individuals with sensitive PI.
    pub sensitive_individuals: &'static str,
    /// A threshold reached.
    pub reached: &'static str,
    /// A threshold not reached.
    pub below: &'static str,
    /// The processor's pathway.
    pub pathway_label: &'static str,
    /// No pathway needed.
    pub no_pathway: &'static str,
    /// What to look at.
    pub alerts_title: &'static str,
    /// The flows.
    pub flows_title: &'static str,
    /// Column: flow.
    pub col_flow: &'static str,
    /// Column: recipient.
    pub col_recipient: &'static str,
    /// Column: country.
    pub col_country: &'static str,
    /// Column: pathway.
    pub col_pathway: &'static str,
    /// Column: mechanism.
    pub col_mechanism: &'static str,
    /// Column: individuals.
    pub col_individuals: &'static str,
    /// Column: sensitive individuals.
    pub col_sensitive: &'static str,
    /// A mechanism in force.
    pub satisfied: &'static str,
    /// A mechanism missing.
    pub missing: &'static str,
    /// The batches.
    pub batches_title: &'static str,
    /// Column: batch.
    pub col_batch: &'static str,
    /// Column: date.
    pub col_date: &'static str,
    /// The regulator suspended transfers.
    pub suspended_banner: &'static str,
}

/// 中文.
pub const ZH: Text = Text {
    html_lang: "zh-CN",
    product: "出境 chujing",
    tagline: "个人信息出境认证与合规",
    other_language: "English",
    nav: "主导航",
    nav_registry: "认证证书查询",
    nav_report: "违法违规举报",
    nav_login: "登录",
    nav_logout: "退出",
    registry_title: "个人信息保护认证证书查询",
    registry_intro: "按证书编号或获证单位名称查询证书的状态、认证范围和有效期；暂停或撤销的证书注明原因。",
    search_label: "证书编号或获证单位",
    search_button: "查询",
    registry_none: "没有符合条件的证书。",
    col_number: "证书编号",
    col_holder: "获证单位",
    col_body: "认证机构",
    col_status: "状态",
    col_scope: "认证范围",
    col_valid: "有效期",
    scope_categories: "个人信息类别",
    scope_recipients: "境外接收方",
    scope_countries: "国家或地区",
    scope_max: "个人信息主体上限",
    reason: "原因",
    report_title: "举报违法违规行为",
    report_intro: "任何组织和个人均可举报个人信息保护认证活动中的违法违规行为（《认证办法》第十五条）。无需登录；提交后获得回执码，凭回执码查询处理状态。",
    report_about: "被举报的证书编号或单位名称",
    report_province: "所在省份（行政区划代码，可不填）",
    report_province_hint: "例如 310000（上海市）。填写后转至该省网信部门。",
    report_text: "举报内容",
    report_send: "提交举报",
    receipt_title: "已收到您的举报",
    receipt_keep: "请保存回执码，凭此查询处理状态：",
    status_title: "举报处理状态",
    status_label: "状态",
    received_label: "收到时间",
    login_title: "登录",
    login_email: "电子邮箱",
    login_password: "密码",
    login_button: "登录",
    signed_in_as: "当前用户",
    error_title: "出错了",
    home: "返回首页",
    nav_dashboard: "出境概况",
    dashboard_title: "个人信息出境概况",
    window_label: "统计期间（自1月1日起）",
    no_window: "现行规定未设计数区间。",
    individuals: "个人信息主体",
    sensitive_individuals: "敏感个人信息主体",
    reached: "已达到",
    below: "未达到",
    pathway_label: "应适用的出境途径",
    no_pathway: "无须出境机制",
    alerts_title: "提示",
    flows_title: "数据流",
    col_flow: "数据流",
    col_recipient: "境外接收方",
    col_country: "国家或地区",
    col_pathway: "出境途径",
    col_mechanism: "机制",
    col_individuals: "人数",
    col_sensitive: "敏感人数",
    satisfied: "机制有效",
    missing: "缺少有效机制",
    batches_title: "出境批次（最近）",
    col_batch: "批次",
    col_date: "日期",
    suspended_banner: "监管部门已暂停本单位的数据出境，决定文号：",
};

/// English.
pub const EN: Text = Text {
    html_lang: "en",
    product: "chujing 出境",
    tagline: "Cross-border personal information: certification and compliance",
    other_language: "中文",
    nav: "Main",
    nav_registry: "Certificate registry",
    nav_report: "Report a violation",
    nav_login: "Sign in",
    nav_logout: "Sign out",
    registry_title: "Personal information protection certificates",
    registry_intro: "Find a certificate by its number or its holder: its status, scope and validity, and why it was suspended or revoked.",
    search_label: "Certificate number or holder",
    search_button: "Search",
    registry_none: "No certificate matches.",
    col_number: "Number",
    col_holder: "Holder",
    col_body: "Certification body",
    col_status: "Status",
    col_scope: "Scope",
    col_valid: "Valid",
    scope_categories: "PI categories",
    scope_recipients: "Recipients abroad",
    scope_countries: "Countries or regions",
    scope_max: "Individuals at most",
    reason: "Reason",
    report_title: "Report a violation",
    report_intro: "Anyone may report a violation in personal information protection certification (Certification Measures Art. 15). No sign-in: you get a receipt code to follow your report with.",
    report_about: "Certificate number or organisation reported",
    report_province: "Province (administrative code, optional)",
    report_province_hint: "For example 310000 (Shanghai). The report goes to that province's regulator.",
    report_text: "What happened",
    report_send: "Send the report",
    receipt_title: "Your report is received",
    receipt_keep: "Keep this receipt code to follow your report:",
    status_title: "Report status",
    status_label: "Status",
    received_label: "Received",
    login_title: "Sign in",
    login_email: "E-mail",
    login_password: "Password",
    login_button: "Sign in",
    signed_in_as: "Signed in as",
    error_title: "Something went wrong",
    home: "Back to the start",
    nav_dashboard: "Dashboard",
    dashboard_title: "Personal information exported",
    window_label: "Counting window (since 1 January)",
    no_window: "The law in force sets no counting window.",
    individuals: "Individuals",
    sensitive_individuals: "Individuals with sensitive PI",
    reached: "reached",
    below: "not reached",
    pathway_label: "Pathway required",
    no_pathway: "No mechanism needed",
    alerts_title: "To look at",
    flows_title: "Flows",
    col_flow: "Flow",
    col_recipient: "Recipient",
    col_country: "Country",
    col_pathway: "Pathway",
    col_mechanism: "Mechanism",
    col_individuals: "Individuals",
    col_sensitive: "Sensitive",
    satisfied: "in force",
    missing: "missing",
    batches_title: "Batches (newest first)",
    col_batch: "Batch",
    col_date: "Date",
    suspended_banner: "The regulator has suspended this organisation's transfers by order",
};

/// The words of `lang`.
pub fn text(lang: Lang) -> &'static Text {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

/// A certificate status in words.
pub fn status(lang: Lang, s: CertificateStatus) -> &'static str {
    match (lang, s) {
        (Lang::Zh, CertificateStatus::Valid) => "有效",
        (Lang::Zh, CertificateStatus::Suspended) => "暂停",
        (Lang::Zh, CertificateStatus::Revoked) => "撤销",
        (Lang::Zh, CertificateStatus::Expired) => "过期",
        (Lang::En, CertificateStatus::Valid) => "valid",
        (Lang::En, CertificateStatus::Suspended) => "suspended",
        (Lang::En, CertificateStatus::Revoked) => "revoked",
        (Lang::En, CertificateStatus::Expired) => "expired",
    }
}

/// A report's status in words.
pub fn report_status(lang: Lang, s: &str) -> &str {
    match (lang, s) {
        (Lang::Zh, "received") => "已收到",
        (Lang::Zh, "in_review") => "处理中",
        (Lang::Zh, "closed") => "已办结",
        _ => s,
    }
}

/// A mechanism's kind in words.
pub fn mechanism(lang: Lang, id: &str) -> &str {
    match (lang, id) {
        (Lang::Zh, "standard_contract") => "标准合同",
        (Lang::Zh, "certification") => "个人信息保护认证",
        (Lang::Zh, "security_assessment") => "安全评估",
        (Lang::En, "standard_contract") => "standard contract",
        (Lang::En, "certification") => "certification",
        (Lang::En, "security_assessment") => "security assessment",
        _ => id,
    }
}
