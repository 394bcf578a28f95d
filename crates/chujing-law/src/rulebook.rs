//! Loading, validating and indexing rule packs by date.

use std::collections::{BTreeSet, HashMap};

use crate::calendar::HolidayCalendar;
use crate::condition::{Condition, ConditionSpec};
use crate::date::Date;
use crate::error::{InputError, LawError};
use crate::pack::{ItemSpec, PackFile, PackMeta, WindowKind};
use crate::pathway::Pathway;
use crate::regime::{Exemption, Item, MAX_RULES, Obligation, Reading, Regime, Rule};
use crate::source::{Format, find_line, parse};

/// The packs embedded in the binary at build time: `(file name, contents)`.
pub const EMBEDDED_PACKS: &[(&str, &str)] = &[
    ("pipl.toml", include_str!("../rules/pipl.toml")),
    (
        "sa-measures-2022.toml",
        include_str!("../rules/sa-measures-2022.toml"),
    ),
    (
        "cert-rules-2022.toml",
        include_str!("../rules/cert-rules-2022.toml"),
    ),
    (
        "scc-measures-2023.toml",
        include_str!("../rules/scc-measures-2023.toml"),
    ),
    (
        "provisions-2024.toml",
        include_str!("../rules/provisions-2024.toml"),
    ),
    (
        "network-data-regs-2025.toml",
        include_str!("../rules/network-data-regs-2025.toml"),
    ),
    (
        "cert-measures-2026.toml",
        include_str!("../rules/cert-measures-2026.toml"),
    ),
    ("standards.toml", include_str!("../rules/standards.toml")),
];

/// The embedded holiday calendar: `(file name, contents)`.
pub const EMBEDDED_CALENDAR: (&str, &str) = (
    "calendar-cn.toml",
    include_str!("../rules/calendar-cn.toml"),
);

/// A loaded pack: its metadata, the file it came from, and its source text (for locating problems).
#[derive(Debug, Clone)]
pub struct Pack {
    /// The instrument.
    pub meta: PackMeta,
    /// The file name.
    pub file: String,
    /// The raw pack as parsed, for `rules show`.
    pub spec: PackFile,
}

impl Pack {
    /// Last day in force, if any.
    pub fn in_force(&self, date: Date) -> bool {
        self.meta.effective <= date && self.meta.ends.is_none_or(|e| date <= e)
    }
}

/// All rule packs and the holiday calendar, validated and indexed by date.
#[derive(Debug, Clone)]
pub struct RuleBook {
    packs: Vec<Pack>,
    calendar: HolidayCalendar,
    windows: Vec<Item<WindowKind>>,
    exemptions: Vec<Item<Exemption>>,
    rules: Vec<Item<Rule>>,
    obligations: Vec<Item<Obligation>>,
    readings: Vec<Item<Reading>>,
    standards: Vec<Item<crate::pack::StandardTopic>>,
    /// `(first day, regime)`, ascending; `None` marks a span with no pack in force.
    regimes: Vec<(Date, Option<Regime>)>,
}

/// A source file: `(name, contents)`.
pub type Source = (String, String);

impl RuleBook {
    /// The packs and calendar built into this binary.
    pub fn embedded() -> Result<RuleBook, LawError> {
        let (packs, calendar) = RuleBook::embedded_sources();
        RuleBook::from_sources(&packs, &calendar)
    }

    /// The sources of the built-in packs and of the built-in calendar, named `<embedded>/FILE`.
    pub fn embedded_sources() -> (Vec<Source>, Source) {
        let named = |(n, s): &(&str, &str)| (format!("<embedded>/{n}"), (*s).to_string());
        (
            EMBEDDED_PACKS.iter().map(named).collect(),
            named(&EMBEDDED_CALENDAR),
        )
    }

    /// Builds a rule book from pack sources and a calendar source. Every structural problem is reported
    /// (as [`LawError::Invalid`]) rather than only the first.
    pub fn from_sources(packs: &[Source], calendar: &Source) -> Result<RuleBook, LawError> {
        let calendar = HolidayCalendar::parse(&calendar.0, &calendar.1)?;
        let mut problems = Vec::new();
        let mut book = RuleBook {
            packs: Vec::new(),
            calendar,
            windows: Vec::new(),
            exemptions: Vec::new(),
            rules: Vec::new(),
            obligations: Vec::new(),
            readings: Vec::new(),
            standards: Vec::new(),
            regimes: Vec::new(),
        };
        let mut texts = Vec::new();
        for (file, src) in packs {
            match parse::<PackFile>(file, src, Format::Toml) {
                Ok(spec) => {
                    let index = book.packs.len();
                    book.compile_pack(index, file, src, &spec, &mut problems);
                    book.packs.push(Pack {
                        meta: spec.pack.clone(),
                        file: file.clone(),
                        spec,
                    });
                    texts.push(src.as_str());
                }
                Err(LawError::Input(e)) => problems.push(e),
                Err(other) => return Err(other),
            }
        }
        if book.packs.is_empty() && problems.is_empty() {
            problems.push(problem(
                "<rules>",
                None,
                "no rule packs found: expected *.toml files with a [pack] table",
            ));
        }
        book.validate(&texts, &mut problems);
        if !problems.is_empty() {
            return Err(LawError::Invalid(problems));
        }
        book.index_regimes(&mut problems);
        if !problems.is_empty() {
            return Err(LawError::Invalid(problems));
        }
        Ok(book)
    }

    /// The packs, in load order.
    pub fn packs(&self) -> &[Pack] {
        &self.packs
    }

    /// A pack by id.
    pub fn pack(&self, id: &str) -> Option<&Pack> {
        self.packs.iter().find(|p| p.meta.id == id)
    }

    /// The holiday calendar.
    pub fn calendar(&self) -> &HolidayCalendar {
        &self.calendar
    }

    /// Every span of days with a constant set of law, ascending.
    pub fn regimes(&self) -> impl Iterator<Item = &Regime> {
        self.regimes.iter().filter_map(|(_, r)| r.as_ref())
    }

    /// Every definition of an exemption across all packs, whenever in force.
    pub fn exemption_definitions(
        &self,
        id: crate::ExemptionId,
    ) -> impl Iterator<Item = &Item<Exemption>> {
        self.exemptions.iter().filter(move |e| e.body.id == id)
    }

    /// The earliest day any pack is in force.
    pub fn earliest(&self) -> Option<Date> {
        self.packs.iter().map(|p| p.meta.effective).min()
    }

    /// The law in force on `date`.
    pub fn regime_at(&self, date: Date) -> Result<&Regime, LawError> {
        let no_regime = || LawError::NoRegime {
            date,
            earliest: self.earliest().unwrap_or(date),
        };
        let i = self.regimes.partition_point(|(start, _)| *start <= date);
        match i.checked_sub(1).and_then(|i| self.regimes.get(i)) {
            Some((_, Some(regime))) => Ok(regime),
            _ => Err(no_regime()),
        }
    }

    /// The citation of the duty `id` (its id within its pack, e.g. `recipient-protection`) in force on `date`,
    /// as `PIPL Art. 38(3)`; `None` where no pack in force sets it.
    pub fn duty_citation(
        &self,
        date: Date,
        id: &str,
        lang: crate::Lang,
    ) -> Result<Option<String>, LawError> {
        let suffix = format!("/{id}");
        Ok(self
            .regime_at(date)?
            .obligations
            .iter()
            .find(|o| o.id.ends_with(&suffix))
            .and_then(|o| {
                let pack = self.packs.get(o.pack)?;
                Some(crate::regime::cite(&pack.meta, &o.article, lang))
            }))
    }

    fn compile_pack(
        &mut self,
        pack: usize,
        file: &str,
        src: &str,
        spec: &PackFile,
        problems: &mut Vec<InputError>,
    ) {
        let meta = &spec.pack;
        let locate = |id: &str, field: &str, message: String| InputError {
            file: file.to_string(),
            line: find_line(src, &format!("id = \"{id}\"")),
            column: None,
            field: Some(format!("{id}.{field}")),
            message,
        };
        let mut compile = |id: &str, field: &str, c: &ConditionSpec| -> Option<Condition> {
            c.compile()
                .map_err(|m| problems.push(locate(id, field, m)))
                .ok()
        };
        let mut errors = Vec::new();
        for w in &spec.window {
            self.windows
                .push(make_item(pack, meta, w, w.note.clone(), w.kind));
        }
        for e in &spec.exemption {
            let id = match e.exemption_id() {
                Ok(id) => id,
                Err(m) => {
                    errors.push(locate(&e.id, "id", m));
                    continue;
                }
            };
            if let Some(when) = compile(&e.id, "when", &e.when) {
                if !e.counted && when.mentions_count() {
                    errors.push(locate(&e.id, "when", "an exemption whose transfers are not counted cannot depend on counts (the counts depend on it)".into()));
                }
                let body = Exemption {
                    id,
                    automatic: e.automatic,
                    counted: e.counted,
                    when,
                };
                self.exemptions
                    .push(make_item(pack, meta, e, e.note.clone(), body));
            }
        }
        for r in &spec.rule {
            if matches!(r.pathway, Pathway::Exempt | Pathway::NotApplicable) {
                errors.push(locate(
                    &r.id,
                    "pathway",
                    format!(
                        "a rule cannot require `{}`: write an [[exemption]] instead",
                        r.pathway
                    ),
                ));
            }
            if let Some(when) = compile(&r.id, "when", &r.when) {
                let body = Rule {
                    pathway: r.pathway,
                    when,
                    overrides: r.overrides.clone(),
                };
                self.rules
                    .push(make_item(pack, meta, r, r.note.clone(), body));
            }
        }
        for o in &spec.obligation {
            let when = match &o.when {
                Some(c) => match compile(&o.id, "when", c) {
                    Some(c) => Some(c),
                    None => continue,
                },
                None => None,
            };
            if o.pathways.is_empty() {
                errors.push(locate(
                    &o.id,
                    "pathways",
                    "list at least one pathway".into(),
                ));
            }
            if let crate::pack::DueSpec::AfterMechanism {
                working_days,
                years,
            } = o.due
                && working_days.is_some() == years.is_some()
            {
                errors.push(locate(
                    &o.id,
                    "due",
                    "`after_mechanism` takes exactly one of `working_days` or `years`".into(),
                ));
            }
            let anchored = matches!(
                o.due,
                crate::pack::DueSpec::AfterMechanism { .. }
                    | crate::pack::DueSpec::BeforeExpiry { .. }
                    | crate::pack::DueSpec::MonthsBeforeExpiry { .. }
            );
            if anchored && o.mechanism.is_none() {
                errors.push(locate(&o.id, "mechanism", "a deadline counted from a mechanism needs `mechanism = \"standard_contract\" | \"certification\" | \"security_assessment\"`".into()));
            }
            let body = Obligation {
                pathways: o.pathways.clone(),
                when,
                mechanism: o.mechanism,
                due: o.due.clone(),
                party: o.party,
            };
            self.obligations
                .push(make_item(pack, meta, o, o.note.clone(), body));
        }
        for r in &spec.reading {
            let mut counts = Vec::new();
            for id in &r.counts {
                match crate::pathway::ExemptionId::parse(id) {
                    Ok(e) => counts.push(e),
                    Err(m) => errors.push(locate(&r.id, "counts", m)),
                }
            }
            let body = Reading {
                adopted: r.adopted.clone(),
                alternative: r.alternative.clone(),
                counts,
                sensitive_per_flow: r.sensitive_per_flow,
            };
            self.readings
                .push(make_item(pack, meta, r, r.note.clone(), body));
        }
        for s in &spec.standard {
            self.standards
                .push(make_item(pack, meta, s, s.note.clone(), s.topic));
        }
        problems.extend(errors);
    }

    /// Structural checks across packs: ids, dates, citations, supersession, windows, coverage.
    fn validate(&self, texts: &[&str], problems: &mut Vec<InputError>) {
        let at = |pack: usize, needle: &str, field: Option<String>, message: String| {
            let file = self.packs.get(pack).map_or("<rules>", |p| p.file.as_str());
            let line = texts.get(pack).and_then(|t| find_line(t, needle));
            InputError {
                file: file.to_string(),
                line,
                column: None,
                field,
                message,
            }
        };
        // Packs: unique ids, sane dates, bilingual metadata.
        let mut seen = HashMap::new();
        for (i, p) in self.packs.iter().enumerate() {
            let m = &p.meta;
            let here =
                |f: &str, msg: String| at(i, &format!("{f} ="), Some(format!("pack.{f}")), msg);
            if let Some(first) = seen.insert(m.id.clone(), p.file.clone()) {
                problems.push(here(
                    "id",
                    format!("pack id `{}` is also used by {first}", m.id),
                ));
            }
            if m.issued > m.effective {
                problems.push(here(
                    "issued",
                    format!("issued {} after it takes effect {}", m.issued, m.effective),
                ));
            }
            if let Some(ends) = m.ends.filter(|e| *e < m.effective) {
                problems.push(here(
                    "ends",
                    format!("ends {ends} before it takes effect {}", m.effective),
                ));
            }
            for (field, t) in [
                ("title", &m.title),
                ("short", &m.short),
                ("issuer", &m.issuer),
                ("document", &m.document),
            ] {
                if t.zh.trim().is_empty() || t.en.trim().is_empty() {
                    problems.push(here(field, "needs both `zh` and `en`".into()));
                }
            }
        }
        // Items: unique ids, dates inside the pack's, citations and paraphrases in both languages.
        let mut ids: HashMap<&str, (usize, &'static str, Date, Option<Date>)> = HashMap::new();
        let all = self.items();
        for (kind, pack, id, effective, ends, article, text) in &all {
            let local = id.split_once('/').map_or(id.as_str(), |(_, l)| l);
            let needle = format!("id = \"{local}\"");
            let err = |field: &str, msg: String| {
                at(*pack, &needle, Some(format!("{local}.{field}")), msg)
            };
            if ids
                .insert(id.as_str(), (*pack, kind, *effective, *ends))
                .is_some()
            {
                problems.push(err(
                    "id",
                    format!("`{local}` is defined twice in this pack"),
                ));
            }
            if let Some(meta) = self.packs.get(*pack).map(|p| &p.meta)
                && (*effective < meta.effective
                    || ends.is_some_and(|e| meta.ends.is_some_and(|pe| e > pe)))
            {
                problems.push(err(
                    "effective",
                    format!(
                        "dates fall outside the pack's ({} to {})",
                        meta.effective,
                        meta.ends.map_or("open".into(), |d| d.to_string())
                    ),
                ));
            }
            if let Some(e) = ends.filter(|e| e < effective) {
                problems.push(err(
                    "ends",
                    format!("ends {e} before it takes effect {effective}"),
                ));
            }
            if article.zh.trim().is_empty() || article.en.trim().is_empty() {
                problems.push(err(
                    "article",
                    "a citation needs the article in both `zh` and `en`".into(),
                ));
            }
            if text.zh.trim().is_empty() || text.en.trim().is_empty() {
                problems.push(err("text", "a paraphrase needs both `zh` and `en`".into()));
            }
        }
        // Supersession: the successor starts the day after its predecessor ends — no overlap, no gap.
        for (i, p) in self.packs.iter().enumerate() {
            let specs: Vec<&dyn ItemSpec> = p
                .spec
                .window
                .iter()
                .map(|x| x as &dyn ItemSpec)
                .chain(p.spec.exemption.iter().map(|x| x as &dyn ItemSpec))
                .chain(p.spec.rule.iter().map(|x| x as &dyn ItemSpec))
                .chain(p.spec.obligation.iter().map(|x| x as &dyn ItemSpec))
                .collect();
            for s in specs {
                let Some(target) = s.supersedes() else {
                    continue;
                };
                let needle = format!("id = \"{}\"", s.id());
                let field = Some(format!("{}.supersedes", s.id()));
                let me = ids
                    .get(format!("{}/{}", p.meta.id, s.id()).as_str())
                    .copied();
                match (ids.get(target), me) {
                    (None, _) => problems.push(at(
                        i,
                        &needle,
                        field,
                        format!(
                            "supersedes `{target}`, which no pack defines (write `pack-id/item-id`)"
                        ),
                    )),
                    (Some((_, tkind, _, tends)), Some((_, kind, start, _))) => {
                        if *tkind != kind {
                            problems.push(at(
                                i,
                                &needle,
                                field,
                                format!("a {kind} cannot supersede a {tkind} (`{target}`)"),
                            ));
                        } else {
                            match tends {
                                None => problems.push(at(i, &needle, field, format!("overlap: `{target}` has no end date, so it stays in force after {start}"))),
                                Some(e) if e.tomorrow() > start => problems.push(at(i, &needle, field, format!("overlap: `{target}` is in force until {e}, after this takes effect on {start}"))),
                                Some(e) if e.tomorrow() < start => problems.push(at(i, &needle, field, format!("gap: `{target}` ends {e} but this takes effect only on {start}"))),
                                Some(_) => {}
                            }
                        }
                    }
                    (Some(_), None) => {}
                }
            }
            for r in &p.spec.rule {
                for o in &r.overrides {
                    if !matches!(ids.get(o.as_str()), Some((_, "rule", ..))) {
                        problems.push(at(i, &format!("id = \"{}\"", r.id), Some(format!("{}.overrides", r.id)), format!("overrides `{o}`, which is not a rule of any pack (write `pack-id/rule-id`)")));
                    }
                }
            }
        }
        // Counting windows: one at a time, and no gap once counting has begun.
        let mut windows: Vec<&Item<WindowKind>> = self.windows.iter().collect();
        windows.sort_by_key(|w| w.effective);
        for pair in windows.windows(2) {
            let [a, b] = pair else { continue };
            let text_of = |w: &Item<WindowKind>| {
                w.id.split_once('/')
                    .map_or(String::new(), |(_, l)| format!("id = \"{l}\""))
            };
            let problem = match a.ends {
                None => Some(format!(
                    "overlap: windows `{}` and `{}` are both in force from {}",
                    a.id, b.id, b.effective
                )),
                Some(e) if e >= b.effective => Some(format!(
                    "overlap: windows `{}` (until {e}) and `{}` (from {})",
                    a.id, b.id, b.effective
                )),
                Some(e) if e.tomorrow() < b.effective => Some(format!(
                    "gap: no counting window from {} to {}",
                    e.tomorrow(),
                    b.effective.yesterday()
                )),
                Some(_) => None,
            };
            if let Some(message) = problem {
                problems.push(at(b.pack, &text_of(b), Some("window".into()), message));
            }
        }
        if let Some(last) = windows.last()
            && let Some(e) = last.ends
        {
            problems.push(at(
                last.pack,
                "[[window]]",
                Some("window".into()),
                format!(
                    "gap: counting stops after {e}: no window follows `{}`",
                    last.id
                ),
            ));
        }
        // Coverage: from the earliest pack on, some pack is in force every day.
        let mut spans: Vec<(Date, Option<Date>, usize)> = self
            .packs
            .iter()
            .enumerate()
            .map(|(i, p)| (p.meta.effective, p.meta.ends, i))
            .collect();
        spans.sort_by_key(|s| s.0);
        let mut covered_until: Option<Option<Date>> = None; // Some(None) = open-ended
        for (start, ends, i) in spans {
            if let Some(Some(until)) = covered_until
                && until.tomorrow() < start
            {
                problems.push(at(
                    i,
                    "effective =",
                    Some("pack.effective".into()),
                    format!(
                        "gap: no pack is in force from {} to {}",
                        until.tomorrow(),
                        start.yesterday()
                    ),
                ));
            }
            covered_until = match (covered_until, ends) {
                (Some(None), _) | (_, None) => Some(None),
                (Some(Some(u)), Some(e)) => Some(Some(u.max(e))),
                (None, Some(e)) => Some(Some(e)),
            };
        }
    }

    /// Every item as `(kind, pack, id, effective, ends, article, text)`.
    #[allow(clippy::type_complexity, reason = "a private flat view for validation")]
    fn items(
        &self,
    ) -> Vec<(
        &'static str,
        usize,
        &String,
        Date,
        Option<Date>,
        &crate::Text,
        &crate::Text,
    )> {
        let mut out = Vec::new();
        macro_rules! push {
            ($list:expr, $kind:expr) => {
                for x in &$list {
                    out.push((
                        $kind,
                        x.pack,
                        &x.id,
                        x.effective,
                        x.ends,
                        &x.article,
                        &x.text,
                    ));
                }
            };
        }
        push!(self.windows, "window");
        push!(self.exemptions, "exemption");
        push!(self.rules, "rule");
        push!(self.obligations, "obligation");
        push!(self.readings, "reading");
        push!(self.standards, "standard");
        out
    }

    /// Splits time at every date where something takes effect or ends, and compiles the law of each span.
    fn index_regimes(&mut self, problems: &mut Vec<InputError>) {
        let mut cuts = BTreeSet::new();
        for p in &self.packs {
            cuts.insert(p.meta.effective);
            if let Some(e) = p.meta.ends {
                cuts.insert(e.tomorrow());
            }
        }
        for (_, _, _, effective, ends, _, _) in self.items() {
            cuts.insert(effective);
            if let Some(e) = ends {
                cuts.insert(e.tomorrow());
            }
        }
        let cuts: Vec<Date> = cuts.into_iter().collect();
        let mut regimes = Vec::with_capacity(cuts.len());
        for (i, from) in cuts.iter().enumerate() {
            let to = cuts.get(i + 1).map(|d| d.yesterday());
            let d = *from;
            let packs: Vec<usize> = (0..self.packs.len())
                .filter(|i| self.packs.get(*i).is_some_and(|p| p.in_force(d)))
                .collect();
            if packs.is_empty() {
                regimes.push((d, None));
                continue;
            }
            let live = |item_pack: usize| packs.contains(&item_pack);
            let rules: Vec<Item<Rule>> = self
                .rules
                .iter()
                .filter(|r| live(r.pack) && r.in_force(d))
                .cloned()
                .collect();
            if rules.len() > MAX_RULES {
                problems.push(problem(
                    "<rules>",
                    None,
                    &format!(
                        "{} rules are in force on {d}; at most {MAX_RULES} are supported",
                        rules.len()
                    ),
                ));
            }
            let overrides = rules
                .iter()
                .map(|r| {
                    r.body
                        .overrides
                        .iter()
                        .filter_map(|o| rules.iter().position(|x| &x.id == o))
                        .collect()
                })
                .collect();
            regimes.push((
                d,
                Some(Regime {
                    from: d,
                    to,
                    window: self
                        .windows
                        .iter()
                        .find(|w| live(w.pack) && w.in_force(d))
                        .cloned(),
                    exemptions: self
                        .exemptions
                        .iter()
                        .filter(|e| live(e.pack) && e.in_force(d))
                        .cloned()
                        .collect(),
                    rules,
                    overrides,
                    obligations: self
                        .obligations
                        .iter()
                        .filter(|o| live(o.pack) && o.in_force(d))
                        .cloned()
                        .collect(),
                    readings: self
                        .readings
                        .iter()
                        .filter(|r| live(r.pack) && r.in_force(d))
                        .cloned()
                        .collect(),
                    standards: self
                        .standards
                        .iter()
                        .filter(|s| live(s.pack) && s.in_force(d))
                        .cloned()
                        .collect(),
                    packs,
                }),
            ));
        }
        self.regimes = regimes;
    }
}

fn make_item<T>(
    pack: usize,
    meta: &PackMeta,
    spec: &dyn ItemSpec,
    note: Option<crate::Text>,
    body: T,
) -> Item<T> {
    Item {
        pack,
        id: format!("{}/{}", meta.id, spec.id()),
        effective: spec.effective().unwrap_or(meta.effective),
        ends: spec.ends().or(meta.ends),
        article: spec.article().clone(),
        text: spec.text().clone(),
        note,
        body,
    }
}

fn problem(file: &str, field: Option<String>, message: &str) -> InputError {
    InputError {
        file: file.to_string(),
        line: None,
        column: None,
        field,
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_packs_load() {
        let book = RuleBook::embedded().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(book.packs().len(), EMBEDDED_PACKS.len());
        let d = |s: &str| Date::parse(s).unwrap();
        assert!(matches!(
            book.regime_at(d("2021-10-31")),
            Err(LawError::NoRegime { .. })
        ));
        let r = book.regime_at(d("2026-11-22")).unwrap();
        assert_eq!(
            r.window.as_ref().map(|w| w.body),
            Some(WindowKind::CalendarYear)
        );
        let r = book.regime_at(d("2024-03-21")).unwrap();
        assert_eq!(
            r.window.as_ref().map(|w| w.body),
            Some(WindowKind::SincePreviousYear)
        );
        assert!(book.regime_at(d("2022-08-31")).unwrap().window.is_none());
    }
}
