//! Every word the pages show, in Chinese and English: one list with both languages side by side, checked by
//! the compiler (an entry missing one language does not build).

use chujing_app::certify::orders::OrderKind;
use chujing_cert::{Action, ApplicationState, CertificateAction, CertificateStatus, MaterialKind};
use chujing_law::Lang;
use chujing_law::certification::Ineligible;

/// Declares [`Text`] and its two tables from one list: each entry's doc, name, Chinese and English words.
macro_rules! words {
    ($($(#[$doc:meta])* $name:ident: $zh:expr, $en:expr;)*) => {
        /// The pages' words in one language.
        #[derive(Debug)]
        pub struct Text {
            $($(#[$doc])* pub $name: &'static str,)*
        }

        /// 中文.
        pub const ZH: Text = Text { $($name: $zh,)* };

        /// English.
        pub const EN: Text = Text { $($name: $en,)* };
    };
}

words! {
    /// `zh-CN` or `en` (the page's `lang` attribute).
    html_lang: "zh-CN",
        "en";
    /// The product's name as shown.
    product: "出境 chujing",
        "chujing 出境";
    /// What the product is, under its name.
    tagline: "个人信息出境认证与合规",
        "Cross-border personal information: certification and compliance";
    /// The last day to correct a filing returned for correction.
    field_correct_by: "补正截止日期",
        "Correct by";
    /// The account page's title.
    account_title: "账户",
        "Account";
    /// Said to a user signed in with a one-time password.
    password_must_change: "您使用一次性密码登录：请先设置自己的密码，之后方可使用其他功能。",
        "You signed in with a one-time password: choose your own before doing anything else.";
    /// Said once the password is changed.
    password_changed: "密码已修改；您的其他会话已结束。",
        "Your password is changed; your other sessions have ended.";
    /// The password section's title.
    password_title: "修改密码",
        "Change the password";
    /// The current password's label.
    password_current: "当前密码（或一次性密码）",
        "Current password (or the one-time password)";
    /// The new password's label.
    password_new: "新密码（至少12个字符）",
        "New password (at least 12 characters)";
    /// The repeated new password's label.
    password_confirm: "再次输入新密码",
        "The new password again";
    /// The password form's button.
    password_button: "修改密码",
        "Change the password";
    /// When the new password and its repetition differ.
    password_mismatch: "两次输入的新密码不一致。",
        "The new password and its repetition differ.";
    /// The sessions and tokens section's title.
    tokens_title: "会话与API令牌",
        "Sessions and API tokens";
    /// Column: a token's id.
    col_token: "标识",
        "Id";
    /// Column: when a token expires.
    col_expires: "到期时间",
        "Expires";
    /// An API token.
    token_api: "API令牌",
        "API token";
    /// A session.
    token_session: "登录会话",
        "Session";
    /// The button that revokes a token.
    token_revoke: "撤销",
        "Revoke";
    /// The audit log's column: the entry's number.
    col_audit_seq: "序号",
        "No.";
    /// The audit log's column: when.
    col_audit_at: "时间",
        "When";
    /// The audit log's column: who.
    col_audit_actor: "操作者",
        "Who";
    /// The audit log's column: what was done.
    col_audit_action: "操作",
        "Action";
    /// The audit log's column: to what.
    col_audit_subject: "对象",
        "Subject";
    /// Before a table's count of rows shown of the whole list.
    page_shown: "本页显示（新→旧）",
        "Shown, newest first:";
    /// The link to a table's next page.
    page_next: "下一页",
        "Next page";
    /// The link back to a table's first page.
    page_first: "回到第一页",
        "First page";
    /// The link to the other language, in that language.
    other_language: "English",
        "中文";
    /// The main navigation's label.
    nav: "主导航",
        "Main";
    /// Navigation: the registry.
    nav_registry: "认证证书查询",
        "Certificate registry";
    /// Navigation: the report form.
    nav_report: "违法违规举报",
        "Report a violation";
    /// Navigation: sign in.
    nav_login: "登录",
        "Sign in";
    /// Navigation: sign out.
    nav_logout: "退出",
        "Sign out";
    /// The registry's title.
    registry_title: "个人信息保护认证证书查询",
        "Personal information protection certificates";
    /// What the registry is.
    registry_intro: "按证书编号或获证单位名称查询证书的状态、认证范围和有效期；暂停或撤销的证书注明原因。",
        "Find a certificate by its number or its holder: its status, scope and validity, and why it was suspended or revoked.";
    /// The search field's label.
    search_label: "证书编号或获证单位",
        "Certificate number or holder";
    /// The search button.
    search_button: "查询",
        "Search";
    /// No certificate matched.
    registry_none: "没有符合条件的证书。",
        "No certificate matches.";
    /// Column: certificate number.
    col_number: "证书编号",
        "Number";
    /// Column: holder.
    col_holder: "获证单位",
        "Holder";
    /// Column: certification body.
    col_body: "认证机构",
        "Certification body";
    /// Column: status.
    col_status: "状态",
        "Status";
    /// Column: scope.
    col_scope: "认证范围",
        "Scope";
    /// Column: validity.
    col_valid: "有效期",
        "Valid";
    /// Scope: categories.
    scope_categories: "个人信息类别",
        "PI categories";
    /// Scope: recipients.
    scope_recipients: "境外接收方",
        "Recipients abroad";
    /// Scope: countries.
    scope_countries: "国家或地区",
        "Countries or regions";
    /// Scope: the individuals cap.
    scope_max: "个人信息主体上限",
        "Individuals at most";
    /// Why a certificate was suspended or revoked.
    reason: "原因",
        "Reason";
    /// The report form's title.
    report_title: "举报违法违规行为",
        "Report a violation";
    /// What the report form is for (Art. 15).
    report_intro: "任何组织和个人均可举报个人信息保护认证活动中的违法违规行为（《认证办法》第十五条）。无需登录；提交后获得回执码，凭回执码查询处理状态。",
        "Anyone may report a violation in personal information protection certification (Certification Measures Art. 15). No sign-in: you get a receipt code to follow your report with.";
    /// Field: whom the report is about.
    report_about: "被举报的证书编号或单位名称",
        "Certificate number or organisation reported";
    /// Field: the province.
    report_province: "所在省份（行政区划代码，可不填）",
        "Province (administrative code, optional)";
    /// Hint under the province field.
    report_province_hint: "例如 310000（上海市）。填写后转至该省网信部门。",
        "For example 310000 (Shanghai). The report goes to that province's regulator.";
    /// Field: what happened.
    report_text: "举报内容",
        "What happened";
    /// The send button.
    report_send: "提交举报",
        "Send the report";
    /// The receipt page's title.
    receipt_title: "已收到您的举报",
        "Your report is received";
    /// What to do with the receipt code.
    receipt_keep: "请保存回执码，凭此查询处理状态：",
        "Keep this receipt code to follow your report:";
    /// The status page's title.
    status_title: "举报处理状态",
        "Report status";
    /// Label: the report's status.
    status_label: "状态",
        "Status";
    /// Label: when it was received.
    received_label: "收到时间",
        "Received";
    /// The sign-in page's title.
    login_title: "登录",
        "Sign in";
    /// Field: e-mail.
    login_email: "电子邮箱",
        "E-mail";
    /// Field: password.
    login_password: "密码",
        "Password";
    /// The sign-in button.
    login_button: "登录",
        "Sign in";
    /// Signed in as …
    signed_in_as: "当前用户",
        "Signed in as";
    /// The title of an error page.
    error_title: "出错了",
        "Something went wrong";
    /// Back to the start.
    home: "返回首页",
        "Back to the start";
    /// Navigation: the processor's dashboard.
    nav_dashboard: "出境概况",
        "Dashboard";
    /// The dashboard's title.
    dashboard_title: "个人信息出境概况",
        "Personal information exported";
    /// The counting window.
    window_label: "统计期间（自1月1日起）",
        "Counting window (since 1 January)";
    /// No window.
    no_window: "现行规定未设计数区间。",
        "The law in force sets no counting window.";
    /// Individuals.
    individuals: "个人信息主体",
        "Individuals";
    /// Individuals with sensitive PI.
    sensitive_individuals: "敏感个人信息主体",
        "Individuals with sensitive PI";
    /// A threshold reached.
    reached: "已达到",
        "reached";
    /// A threshold not reached.
    below: "未达到",
        "not reached";
    /// The processor's pathway.
    pathway_label: "应适用的出境途径",
        "Pathway required";
    /// No pathway needed.
    no_pathway: "无须出境机制",
        "No mechanism needed";
    /// What to look at.
    alerts_title: "提示",
        "To look at";
    /// The flows.
    flows_title: "数据流",
        "Flows";
    /// Column: flow.
    col_flow: "数据流",
        "Flow";
    /// Column: recipient.
    col_recipient: "境外接收方",
        "Recipient";
    /// Column: country.
    col_country: "国家或地区",
        "Country";
    /// Column: pathway.
    col_pathway: "出境途径",
        "Pathway";
    /// Column: mechanism.
    col_mechanism: "机制",
        "Mechanism";
    /// Column: individuals.
    col_individuals: "人数",
        "Individuals";
    /// Column: sensitive individuals.
    col_sensitive: "敏感人数",
        "Sensitive";
    /// A mechanism in force.
    satisfied: "机制有效",
        "in force";
    /// A mechanism missing.
    missing: "缺少有效机制",
        "missing";
    /// The batches.
    batches_title: "出境批次",
        "Batches";
    /// When the ledger holds no batch.
    batches_none: "尚无出境批次记录。",
        "No batch is recorded yet.";
    /// Column: batch.
    col_batch: "批次",
        "Batch";
    /// Column: date.
    col_date: "日期",
        "Date";
    /// The regulator suspended transfers.
    suspended_banner: "监管部门已暂停本单位的数据出境，决定文号：",
        "The regulator has suspended this organisation's transfers by order";
    /// Navigation: applications.
    nav_applications: "认证申请", "Applications";
    /// Navigation: the certification body's workspace.
    nav_body: "认证机构工作台", "Certification body";
    /// Navigation: the regulator's workspace.
    nav_regulator: "监管工作台", "Regulator";
    /// The applications page's title.
    applications_title: "个人信息保护认证申请", "Certification applications";
    /// No application yet.
    applications_none: "暂无申请。", "No application yet.";
    /// Starting an application.
    application_new: "提出认证申请", "Apply for certification";
    /// What the new application form needs (Certification Measures Art. 6-7).
    application_new_intro: "选择认证机构，提交本单位的出境情况（与 chujing assess 相同的 TOML 格式，已在评估页面保存的会预先填入）；其中载有个人信息的数据流即申请的认证范围。创建后上传申请材料并提交。", "Choose the certification body and give your organisation's profile (the TOML that chujing assess reads; the one saved on the assessment page is filled in): its flows carrying personal information are the scope applied for. Then upload the materials and submit.";
    /// Field: the certification body.
    field_body: "认证机构", "Certification body";
    /// Field: the profile as text.
    field_profile: "出境情况（TOML）", "Profile (TOML)";
    /// Field: the profile as a file.
    field_profile_file: "或上传文件", "or upload a file";
    /// Field: the representative in China.
    field_representative: "境内专门机构或指定代表（境外处理者填写）", "Office or representative in China (processors abroad)";
    /// The create button.
    create_button: "创建申请", "Create the application";
    /// Column: application.
    col_application: "申请编号", "Application";
    /// Column: processor.
    col_processor: "个人信息处理者", "Processor";
    /// Column: submitted on.
    col_submitted: "提交日期", "Submitted";
    /// Column: completeness.
    col_completeness: "材料", "Materials";
    /// Materials complete.
    complete: "齐全", "complete";
    /// Materials missing (followed by a count).
    incomplete: "缺少", "missing";
    /// Column: certificate.
    col_certificate: "证书", "Certificate";
    /// The application page's title.
    application_title: "认证申请", "Application";
    /// The scope applied for.
    scope_requested: "申请的认证范围", "Scope applied for";
    /// Scope: purposes.
    scope_purposes: "处理目的", "Purposes";
    /// Scope: the sensitive individuals cap.
    scope_max_sensitive: "敏感个人信息主体上限", "Individuals with sensitive PI at most";
    /// Eligibility.
    eligibility_title: "申请资格", "Eligibility";
    /// Eligible.
    eligible: "符合申请条件", "eligible";
    /// Not eligible.
    ineligible: "不符合申请条件", "not eligible";
    /// The materials.
    materials_title: "申请材料", "Materials";
    /// Column: material.
    col_material: "材料", "Material";
    /// Column: uploaded.
    col_uploaded: "上传", "Uploaded";
    /// Not yet uploaded.
    not_uploaded: "未上传", "not uploaded";
    /// Clauses the agreement lacks.
    clauses_missing: "协议缺少的条款", "Clauses the agreement lacks";
    /// The upload button.
    upload_button: "上传", "Upload";
    /// Field: the file.
    field_file: "文件", "File";
    /// Download a material.
    download: "下载", "Download";
    /// The review checklist.
    review_title: "审查清单", "Review checklist";
    /// What the review checklist is.
    review_intro: "逐项记录审查结论和所依据的证据；审查人为当前登录用户。", "Record each item's result and the evidence relied on; the reviewer is the signed-in user.";
    /// Passed.
    passed: "通过", "passed";
    /// Failed.
    failed: "不通过", "failed";
    /// Not yet reviewed.
    not_reviewed: "未审查", "not reviewed";
    /// Field: evidence.
    field_evidence: "证据", "Evidence";
    /// Field: the result.
    field_result: "结论", "Result";
    /// Reviewed by.
    reviewed_by: "审查人", "Reviewer";
    /// The save button.
    save_button: "保存", "Save";
    /// The next steps.
    steps_title: "办理", "Next steps";
    /// Field: reason.
    field_reason: "理由", "Reason";
    /// The scope certified (grant).
    grant_scope: "认证范围（可缩小申请范围）", "Scope certified (may be narrower than applied for)";
    /// Hint: comma-separated lists.
    comma_hint: "多项以逗号分隔", "separate several with commas";
    /// The history.
    history_title: "办理记录", "History";
    /// The body's workspace title.
    body_title: "认证机构工作台", "Certification body";
    /// The application queue.
    queue_title: "申请队列", "Application queue";
    /// Nothing in the queue.
    queue_none: "没有待办申请。", "No application waiting.";
    /// The certificates issued.
    certificates_title: "已颁发证书", "Certificates issued";
    /// No certificate.
    certificates_none: "暂无证书。", "No certificate.";
    /// The supervision calendar.
    supervision_title: "获证后监督计划", "Supervision calendar";
    /// Column: audits every … months.
    col_every: "监督频次（月）", "Every (months)";
    /// Column: next audit due.
    col_next_due: "下次监督", "Next audit";
    /// Column: findings overdue.
    col_overdue_findings: "逾期未整改", "Findings overdue";
    /// Overdue.
    overdue: "已逾期", "overdue";
    /// The scope cases.
    cases_title: "超范围案件", "Scope cases";
    /// No case.
    cases_none: "暂无案件。", "No case.";
    /// Column: breaches.
    col_breaches: "超出范围", "Outside the scope";
    /// Column: proposed.
    col_proposed: "建议处理", "Proposed";
    /// The close button.
    close_button: "结案", "Close";
    /// The platform reports.
    platform_title: "向认证信息平台报送", "Reports to the certification platform";
    /// What the platform reports are, before their period and article from the packs.
    platform_intro: "证书颁发、暂停、撤销等信息应报送认证信息平台，期限：", "Issuing, suspending and revoking certificates are reported to the platform within ";
    /// After the period: overdue reports are flagged.
    platform_flagged: "；逾期的标红。", "; overdue ones are flagged.";
    /// Where the law in force sets no platform report.
    platform_no_duty: "现行规定未设定向认证信息平台报送的期限。", "The law in force today sets no report to the certification platform.";
    /// No platform report.
    platform_none: "没有待报送事项。", "Nothing to report.";
    /// Column: event.
    col_event: "事项", "Event";
    /// Column: due on.
    col_due: "报送期限", "Due";
    /// Column: reported on.
    col_reported: "报送日期", "Reported";
    /// The mark-reported button.
    mark_reported: "已报送", "Mark reported";
    /// Column: actions.
    col_actions: "操作", "Actions";
    /// The regulator's workspace title.
    regulator_title: "监管工作台", "Regulator";
    /// The regulator's jurisdiction: national.
    national: "全国", "nationwide";
    /// The filings.
    filings_title: "标准合同备案", "Standard contract filings";
    /// No filing.
    filings_none: "暂无备案。", "No filing.";
    /// Column: filing.
    col_filing: "备案编号", "Filing";
    /// Column: contract effective.
    col_effective: "合同生效日期", "Contract effective";
    /// The certification bodies.
    bodies_title: "认证机构", "Certification bodies";
    /// Violation reports received.
    reports_title: "收到的举报", "Violation reports received";
    /// No report.
    reports_none: "暂无举报。", "No report.";
    /// Column: about.
    col_about: "被举报对象", "About";
    /// Column: text.
    col_text: "内容", "Text";
    /// The orders.
    orders_title: "监管决定", "Orders";
    /// No order.
    orders_none: "暂无决定。", "No order.";
    /// Column: reference.
    col_reference: "文号", "Reference";
    /// Column: kind.
    col_kind: "类别", "Kind";
    /// Column: deadline.
    col_deadline: "期限", "Deadline";
    /// Issuing an order.
    order_new: "作出决定", "Issue an order";
    /// Field: the order's text.
    field_order_text: "事实、依据和要求", "Grounds and what is required";
    /// Field: the deadline.
    field_deadline: "整改期限（责令整改时必填）", "Deadline (required for rectification)";
    /// Field: the order lifted.
    field_lifts: "解除的决定文号（解除时填写）", "Order lifted (for a lift)";
    /// The issue button.
    issue_button: "作出决定", "Issue";
    /// The audit log.
    audit_title: "审计日志核验", "Audit log verification";
    /// The audit log verifies.
    audit_ok: "哈希链完整，已核验条目：", "The hash chain verifies; entries checked:";
    /// The audit log does not verify.
    audit_bad: "哈希链校验失败，首个异常条目：", "The hash chain does not verify; first bad entry:";
    /// Accept a filing.
    filing_accept: "接收备案", "Accept the filing";
    /// Return a filing for correction.
    filing_return: "退回补正", "Return for correction";
    /// Upcoming deadlines.
    deadlines_title: "近期期限", "Upcoming deadlines";
    /// No deadline.
    deadlines_none: "暂无需要关注的期限。", "No deadline ahead.";
    /// Column: what it concerns.
    col_subject: "对象", "Concerns";
    /// Remove a batch.
    remove_batch: "删除批次", "Remove the batch";
    /// A change of the law in force, on the chart.
    regime_change: "新规施行", "new rules in force";
    /// Navigation: the assessment.
    nav_assess: "出境路径评估", "Assessment";
    /// The assessment page's title.
    assess_title: "数据出境路径评估", "Which pathway: the assessment";
    /// What the assessment page does.
    assess_intro: "填写或上传本单位的出境情况，查看截至某日应适用的出境途径及其理由、所依据的条款和尚存争议的解读；可以保存，之后再来修改。", "Fill in or upload your organisation's profile to see the pathway it needs as of a date, with the reasons, the articles relied on and the open questions of law; save it to come back to it.";
    /// Field: the date decided as of.
    field_as_of: "评估日期", "As of";
    /// The decide button.
    decide_button: "评估", "Decide";
    /// The save button of the profile.
    save_profile_button: "保存并评估", "Save and decide";
    /// Saved on … by ….
    saved_label: "已保存：", "Saved:";
    /// The decision.
    decision_title: "评估结论", "Decision";
    /// The reasoning.
    reasoning_title: "理由", "Reasoning";
    /// The duties that follow.
    obligations_title: "应履行的义务", "Duties that follow";
    /// Open questions of law.
    open_readings_title: "尚存争议的解读", "Open questions of law";
    /// The reading adopted.
    reading_adopted: "采用的解读", "Reading adopted";
    /// The other reading.
    reading_other: "另一种解读", "Other reading";
    /// The articles relied on.
    citations_title: "依据", "Articles relied on";
    /// The what-if gate.
    gate_title: "出境前预检", "What if: may this batch go?";
    /// What the gate does.
    gate_intro: "按本单位已登记的数据流和出境台账，预先判断一批数据出境后是否仍在现有机制之内；不作记录。", "Asks, on your recorded flows and ledger, whether a batch would stay within the mechanism you have; nothing is recorded.";
    /// No flow recorded for the gate.
    gate_no_flows: "尚未登记数据流：先通过接口或命令行登记数据流。", "No flow recorded yet: record your flows through the API or the command line first.";
    /// The gate button.
    gate_button: "预检", "Ask";
    /// The gate allows.
    gate_allow: "可以出境", "may go";
    /// The gate refuses.
    gate_deny: "不应出境", "should not go";
    /// Before the batch.
    gate_before: "出境前（人数 / 敏感人数）", "before (individuals / sensitive)";
    /// After the batch.
    gate_after: "出境后", "after";
    /// The documents.
    documents_title: "文书下载", "Documents";
    /// What the documents are made from.
    documents_intro: "按已保存的出境情况（评估页面）和本平台出境台账生成，语言与本页面相同。", "Made from the profile saved on the assessment page and the ledger kept here, in this page's language.";
    /// The link from the documents to the standard contract check.
    contract_link: "已签署的标准合同：对照范本逐条检查", "A signed standard contract: check it against the official form";
    /// The standard contract page's title.
    contract_title: "标准合同对照范本检查", "The standard contract against the official form";
    /// What the page does.
    contract_intro: "上传已签署的标准合同和范本（网信办发布的 Word 文件，或 chujing contract fingerprint 生成的指纹文件）：逐条逐项检查正文是否与范本一致（仅可填写空白处）、附录二是否与正文冲突，并将附录一的规模和种类与本平台出境台账、已保存的出境情况和最新扫描对照。文件不保存。", "Upload the signed standard contract and the form (the CAC's Word file, or fingerprints made by chujing contract fingerprint): every clause and item of the body is checked against the form (only its blanks may be filled), Annex II against the body, and Annex I's scale and categories against the ledger kept here, the saved profile and the newest scan. The files are not kept.";
    /// The contract field.
    contract_field_contract: "已签署的合同（.docx、.md、.txt）", "The signed contract (.docx, .md, .txt)";
    /// The form field.
    contract_field_reference: "范本（.docx、.md、.txt）或指纹文件（.toml）", "The form (.docx, .md, .txt) or its fingerprints (.toml)";
    /// The button.
    contract_check: "检查", "Check";
    /// No finding.
    contract_no_finding: "未发现问题：正文与范本一致（仅填写空白处），附录二未与正文冲突。", "No finding: the body is the form's with its blanks filled in, and Annex II overrides nothing.";
    /// The findings table.
    contract_findings: "发现的问题", "Findings";
    /// The filled blanks table.
    contract_filled: "填写的空白处（与范本唯一允许的差异，请复核）", "Blanks filled in (the one difference from the form allowed: review them)";
    /// Column: where.
    contract_col_where: "位置", "Where";
    /// Column: the finding.
    contract_col_finding: "结果", "Finding";
    /// Column: the contract's text.
    contract_col_text: "合同原文", "The contract's text";
    /// Column: the detail.
    contract_col_detail: "说明", "Detail";
    /// Column: what was written into the blanks.
    contract_col_written: "填写内容（已去除空白）", "What was written (white space dropped)";
    /// Column: line.
    col_line: "行", "Line";
    /// The scans.
    scans_title: "个人信息识别扫描", "Scans for personal information";
    /// What to send.
    scans_intro: "上传 chujing scan --json 的扫描报告（只含计数，不含数据本身）；文书使用最新一份。", "Upload the report of chujing scan --json (counts only, never the data itself); the documents use the newest.";
    /// No scan.
    scans_none: "尚未上传扫描报告。", "No scan report yet.";
    /// Column: file.
    col_file: "报告", "Report";
    /// Column: rows.
    col_rows: "行数", "Rows";
    /// Column: categories found.
    col_categories: "发现的个人信息类别", "PI categories found";
    /// Sensitive PI.
    sensitive: "敏感", "sensitive";
    /// Change a setting.
    change: "修改", "Change";
    /// Record a supervision audit.
    record_audit: "记录监督审核", "Record an audit";
    /// Field: a finding.
    field_finding: "发现的问题（无则不填）", "Finding (leave empty if none)";
    /// Field: rectify by.
    field_rectify_by: "整改期限", "Rectify by";
    /// Field: conclusion.
    field_conclusion: "结论", "Conclusion";
    /// No supervision plan yet.
    no_plan: "尚未制定", "no plan yet";
    /// What removing a batch does.
    remove_batch_intro: "删除后该批次不再计入统计期间的人数；删除记录和理由保存在台账中，并写入审计日志。", "Once removed, the batch no longer counts in the window; the removal and its reason are kept in the ledger and the audit log.";
    /// Cancel.
    cancel: "取消", "Cancel";
    /// Signed in as a user of an organisation with no workspace here.
    no_workspace: "本单位没有对应的工作台。", "Your organisation has no workspace here.";

}

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

/// Picks the words of `lang` from a `(id, 中文, English)` table; an id the table lacks is shown as it is.
fn pick<'a>(table: &[(&str, &'static str, &'static str)], lang: Lang, id: &'a str) -> &'a str {
    table
        .iter()
        .find(|(k, _, _)| *k == id)
        .map_or(id, |(_, zh, en)| match lang {
            Lang::Zh => zh,
            Lang::En => en,
        })
}

/// An application's state in words.
pub fn application_state(lang: Lang, s: ApplicationState) -> &'static str {
    const T: &[(&str, &str, &str)] = &[
        ("draft", "草稿", "draft"),
        ("submitted", "已提交", "submitted"),
        ("accepted", "已受理", "accepted"),
        ("returned", "退回补正", "returned for correction"),
        ("verification", "技术验证", "technical verification"),
        ("audit", "现场审核", "on-site audit"),
        ("granted", "已获证", "granted"),
        ("refused", "不予认证", "refused"),
        ("withdrawn", "已撤回", "withdrawn"),
    ];
    pick(T, lang, s.id())
}

/// An application's step in words (the button that takes it).
pub fn action(lang: Lang, a: Action) -> &'static str {
    const T: &[(&str, &str, &str)] = &[
        ("submit", "提交申请", "Submit"),
        ("accept", "受理", "Accept"),
        ("return", "退回补正", "Return for correction"),
        (
            "start_verification",
            "开始技术验证",
            "Start technical verification",
        ),
        ("start_audit", "开始现场审核", "Start the on-site audit"),
        ("grant", "颁发证书", "Grant the certificate"),
        ("refuse", "不予认证", "Refuse"),
        ("withdraw", "撤回申请", "Withdraw"),
    ];
    pick(T, lang, a.id())
}

/// A material in words.
pub fn material(lang: Lang, m: MaterialKind) -> &'static str {
    const T: &[(&str, &str, &str)] = &[
        (
            "agreement",
            "与境外接收方的法律文件",
            "Agreement with the recipient",
        ),
        (
            "officer",
            "个人信息保护负责人和机构",
            "PI protection officer and department",
        ),
        (
            "processing_rules",
            "统一的个人信息处理规则",
            "Unified processing rules",
        ),
        (
            "pipia",
            "个人信息保护影响评估报告",
            "PI protection impact assessment",
        ),
        ("risk_plan", "风险处置方案", "Risk-mitigation plan"),
        ("compliance_strategy", "合规策略", "Compliance strategy"),
    ];
    pick(T, lang, m.id())
}

/// A certificate's step in words (the button that takes it).
pub fn certificate_action(lang: Lang, a: CertificateAction) -> &'static str {
    const T: &[(&str, &str, &str)] = &[
        ("suspend", "暂停", "Suspend"),
        ("reinstate", "恢复", "Reinstate"),
        ("revoke", "撤销", "Revoke"),
        ("renew", "换发", "Renew"),
    ];
    pick(T, lang, a.id())
}

/// A regulator order's kind in words.
pub fn order_kind(lang: Lang, k: OrderKind) -> &'static str {
    let id = match k {
        OrderKind::Interview => "interview",
        OrderKind::Rectification => "rectification",
        OrderKind::SuspendTransfers => "suspend_transfers",
        OrderKind::Lift => "lift",
    };
    const T: &[(&str, &str, &str)] = &[
        ("interview", "约谈", "interview"),
        ("rectification", "责令整改", "rectification"),
        ("suspend_transfers", "暂停数据出境", "suspend transfers"),
        ("lift", "解除", "lift"),
    ];
    pick(T, lang, id)
}

/// A filing's, an order's, a scope case's or a platform report's state or event in words.
pub fn state(lang: Lang, id: &str) -> &str {
    const T: &[(&str, &str, &str)] = &[
        ("draft", "草稿", "draft"),
        ("submitted", "已提交", "submitted"),
        ("returned", "退回补正", "returned for correction"),
        ("accepted", "已接收", "accepted"),
        ("in_force", "有效", "in force"),
        ("lifted", "已解除", "lifted"),
        ("open", "待处理", "open"),
        ("closed", "已结案", "closed"),
        ("issued", "颁发", "issued"),
        ("suspended", "暂停", "suspended"),
        ("reinstated", "恢复", "reinstated"),
        ("revoked", "撤销", "revoked"),
        ("renewed", "换发", "renewed"),
    ];
    pick(T, lang, id)
}

/// Why a processor may not apply for certification, in words.
pub fn ineligible(lang: Lang, i: &Ineligible) -> &'static str {
    match (lang, i) {
        (Lang::Zh, Ineligible::NoRoute) => "现行规定尚无认证办法的适用条件",
        (Lang::Zh, Ineligible::NeedsAssessment) => "应当申报数据出境安全评估",
        (Lang::Zh, Ineligible::NotNeeded) => "无须出境机制",
        (Lang::Zh, Ineligible::SplitAcrossGroup) => "集团合并计算的数量应当申报安全评估，不得拆分",
        (Lang::Zh, Ineligible::NoRepresentative) => "境外处理者应通过境内专门机构或指定代表申请",
        (Lang::En, Ineligible::NoRoute) => {
            "the law in force has no eligibility rule for certification yet"
        }
        (Lang::En, Ineligible::NeedsAssessment) => "its transfers need a security assessment",
        (Lang::En, Ineligible::NotNeeded) => "no mechanism is needed",
        (Lang::En, Ineligible::SplitAcrossGroup) => {
            "its group's combined volumes need the assessment: splitting is banned"
        }
        (Lang::En, Ineligible::NoRepresentative) => {
            "a processor abroad applies through its office or representative in China"
        }
    }
}

/// A document's name in words.
pub fn document(lang: Lang, kind: chujing_docs::DocumentKind) -> &'static str {
    const T: &[(&str, &str, &str)] = &[
        (
            "pipia",
            "个人信息保护影响评估报告",
            "PI protection impact assessment",
        ),
        (
            "self-assessment",
            "数据出境风险自评估报告",
            "Self-assessment report",
        ),
        (
            "standard-contract-filing",
            "标准合同备案材料",
            "Standard contract filing",
        ),
        (
            "certification-application",
            "认证申请材料",
            "Certification application",
        ),
    ];
    pick(T, lang, kind.id())
}
