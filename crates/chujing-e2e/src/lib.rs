//! A real browser for chujing's end-to-end tests: Debian's headless Chromium behind its chromedriver, driven
//! over WebDriver with fantoccini. [`Browser::start`] reports the test skipped (and fails it under CI) when
//! either is missing; `scripts/test-tools` installs both.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

/// axe-core, the accessibility engine (see `vendor/README.md`).
const AXE: &str = include_str!("../vendor/axe.min.js");

/// Where Debian puts them.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A headless Chromium session; its chromedriver is stopped when this is dropped.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: tokio::process::Child,
}

impl std::fmt::Debug for Browser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Browser").finish_non_exhaustive()
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

impl Browser {
    /// Starts chromedriver and a headless Chromium with a phone-or-desktop `width` × `height` window; `None`
    /// (the test skipped) when Chromium or chromedriver is not installed.
    pub async fn start(test: &str, width: u32, height: u32) -> Option<Browser> {
        // Present, not run: `chromium -v` would start a browser.
        for (path, package) in [(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")] {
            if !std::path::Path::new(path).exists() {
                chujing_testkit::skip(
                    test,
                    &format!("needs `{path}` (Debian's {package}; scripts/test-tools installs it)"),
                );
                return None;
            }
        }
        let port = free_port().ok()?;
        let driver = tokio::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .ok()?;
        let caps: fantoccini::wd::Capabilities = serde_json::from_value(serde_json::json!({
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--no-first-run", "--lang=en-US", format!("--window-size={width},{height}")]
            }
        }))
        .ok()?;
        let url = format!("http://127.0.0.1:{port}");
        // chromedriver takes a moment to listen.
        for _ in 0..100 {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            if let Ok(client) = ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                return Some(Browser { client, driver });
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        None
    }

    /// Saves a screenshot of the page as `<target>/screenshots/<name>.png`; returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf, fantoccini::error::CmdError> {
        let png = self.client.screenshot().await?;
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| fantoccini::error::CmdError::NotJson(e.to_string()))?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)
            .map_err(|e| fantoccini::error::CmdError::NotJson(e.to_string()))?;
        Ok(path)
    }

    /// Runs axe-core on the current page; returns its serious and critical violations, each as `rule: what
    /// (where)`.
    pub async fn accessibility_violations(
        &self,
    ) -> Result<Vec<String>, fantoccini::error::CmdError> {
        let script = format!(
            "{AXE}\nconst done = arguments[arguments.length - 1];\n\
             axe.run(document).then(r => done(r.violations\n\
               .filter(v => v.impact === 'serious' || v.impact === 'critical')\n\
               .map(v => v.id + ': ' + v.help + ' (' + v.nodes.map(n => n.target.join(' ')).join(', ') + ')')));"
        );
        let found = self.client.execute_async(&script, vec![]).await?;
        serde_json::from_value(found.clone())
            .map_err(|_| fantoccini::error::CmdError::NotJson(format!("axe-core answered {found}")))
    }

    /// Types `text` into the field with id `id`.
    pub async fn type_into(&self, id: &str, text: &str) -> Result<(), fantoccini::error::CmdError> {
        self.client
            .find(Locator::Id(id))
            .await?
            .send_keys(text)
            .await
    }

    /// Clicks the element `css` once it is on the page.
    pub async fn click(&self, css: &str) -> Result<(), fantoccini::error::CmdError> {
        self.client
            .wait()
            .for_element(Locator::Css(css))
            .await?
            .click()
            .await
    }

    /// Clicks the element `css` (a link, a form's button) and waits until the page it leads to has replaced
    /// this one: the current document goes stale.
    pub async fn follow(&self, css: &str) -> Result<(), fantoccini::error::CmdError> {
        let old = self.client.find(Locator::Css("html")).await?;
        self.click(css).await?;
        self.wait_for_new_page(old).await
    }

    /// Clicks `element` and waits for the page it leads to.
    pub async fn follow_element(
        &self,
        element: fantoccini::elements::Element,
    ) -> Result<(), fantoccini::error::CmdError> {
        let old = self.client.find(Locator::Css("html")).await?;
        element.click().await?;
        self.wait_for_new_page(old).await
    }

    async fn wait_for_new_page(
        &self,
        old: fantoccini::elements::Element,
    ) -> Result<(), fantoccini::error::CmdError> {
        for _ in 0..200 {
            if let Err(fantoccini::error::CmdError::Standard(e)) = old.attr("lang").await
                && e.error == fantoccini::error::ErrorStatus::StaleElementReference
            {
                self.client.wait().for_element(Locator::Css("main")).await?;
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(fantoccini::error::CmdError::WaitTimeout)
    }

    /// Waits until the element `css` shows `expected` (an element htmx swaps out while it is read is read
    /// again); returns the text last read when it never does.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> Result<(), String> {
        let mut last = String::new();
        for _ in 0..100 {
            match self.text(css).await {
                Ok(t) if t == expected => return Ok(()),
                Ok(t) => last = t,
                Err(e) => last = e.to_string(),
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(last)
    }

    /// The text of the element `css` once it is on the page.
    pub async fn text(&self, css: &str) -> Result<String, fantoccini::error::CmdError> {
        self.client
            .wait()
            .for_element(Locator::Css(css))
            .await?
            .text()
            .await
    }

    /// Follows the language switch to `lang` (`zh` or `en`) and waits for the page in it.
    pub async fn switch_language(&self, lang: &str) -> Result<(), fantoccini::error::CmdError> {
        self.follow(&format!("a[hreflang={lang}]")).await?;
        let html = if lang == "zh" { "zh-CN" } else { lang };
        self.client
            .wait()
            .for_element(Locator::Css(&format!("html[lang={html}]")))
            .await
            .map(|_| ())
    }

    /// Signs in at `url`'s sign-in page and waits for the page it leads to (the user's workspace).
    pub async fn sign_in(
        &self,
        url: &str,
        email: &str,
        password: &str,
    ) -> Result<(), fantoccini::error::CmdError> {
        self.client.goto(&format!("{url}/login")).await?;
        self.type_into("email", email).await?;
        self.type_into("password", password).await?;
        self.follow("main form button").await?;
        self.client
            .wait()
            .for_element(Locator::Css("nav form[action='/logout']"))
            .await
            .map(|_| ())
    }

    /// Signs out with the navigation's button and waits for the sign-in link.
    pub async fn sign_out(&self) -> Result<(), fantoccini::error::CmdError> {
        self.follow("nav form[action='/logout'] button").await?;
        self.client
            .wait()
            .for_element(Locator::Css("nav a[href='/login']"))
            .await
            .map(|_| ())
    }

    /// The page's language: `zh` or `en`.
    pub async fn language(&self) -> Result<&'static str, fantoccini::error::CmdError> {
        let html = self.client.find(Locator::Css("html")).await?;
        Ok(match html.attr("lang").await?.as_deref() {
            Some("zh-CN") => "zh",
            _ => "en",
        })
    }

    /// Saves a screenshot of the page in each language (`<name>-en.png`, `<name>-zh.png`) and runs axe-core
    /// on each; comes back to the language it started in. Returns the serious and critical violations, each
    /// prefixed with its language.
    pub async fn in_both_languages(
        &self,
        name: &str,
    ) -> Result<Vec<String>, fantoccini::error::CmdError> {
        let first = self.language().await?;
        let second = if first == "zh" { "en" } else { "zh" };
        let mut found = Vec::new();
        for lang in [first, second] {
            if lang == second {
                self.switch_language(lang).await?;
            }
            self.screenshot(&format!("{name}-{lang}")).await?;
            let v = self.accessibility_violations().await?;
            found.extend(v.into_iter().map(|v| format!("{lang}: {v}")));
        }
        self.switch_language(first).await?;
        Ok(found)
    }

    /// Closes the browser and stops the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}

/// `$CARGO_TARGET_DIR/screenshots`, or the workspace's `target/screenshots`.
pub fn screenshots_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"))
        .join("screenshots")
}
