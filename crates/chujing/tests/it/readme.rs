//! The README's tour runs as written: every command of its shell blocks, in order, in a scratch copy of the
//! repository's examples and rule packs, with the exit code its comment gives (0 when it gives none).

use std::path::Path;

use crate::util::root;

/// The tour's command lines: the shell blocks between "## A quick tour" and the profile format.
fn tour_commands(readme: &str) -> Vec<String> {
    let start = readme
        .find("## A quick tour")
        .expect("the README has a tour");
    let end = readme[start..]
        .find("A profile describes the processor")
        .map_or(readme.len(), |e| start + e);
    let mut commands = Vec::new();
    let mut in_sh = false;
    for line in readme[start..end].lines() {
        match line.trim() {
            "```sh" => in_sh = true,
            "```" => in_sh = false,
            l if in_sh && !l.is_empty() && !l.starts_with('#') && !l.starts_with("alias ") => {
                commands.push(l.to_string());
            }
            _ => {}
        }
    }
    commands
}

/// The exit code a command's comment promises: `# exit N…`, else 0.
fn expected_exit(command: &str) -> i32 {
    command
        .split_once("# exit ")
        .and_then(|(_, rest)| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_readme_tour_runs_as_written() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let commands = tour_commands(&readme);
    assert!(commands.len() >= 25, "{commands:#?}");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&root().join("examples"), &dir.path().join("examples"));
    copy_dir(
        &root().join("crates/chujing-law/rules"),
        &dir.path().join("crates/chujing-law/rules"),
    );
    let bin = assert_cmd::cargo::cargo_bin("chujing");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    // No PDF without the `pdf` feature (scripts/test builds it) or a CJK font (scripts/test-tools).
    let no_pdf = chujing_pdf::find_font(None).err();
    for command in &commands {
        if let Some(e) = no_pdf.as_ref().filter(|_| command.contains(".pdf")) {
            chujing_testkit::skip(&format!("README tour: `{command}`"), &e.to_string());
            continue;
        }
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(command)
            .current_dir(dir.path())
            .env("PATH", &path)
            .env_remove("CHUJING_RULES")
            .env_remove("CHUJING_DATABASE_URL")
            .env_remove("CHUJING_LEDGER_KEY")
            .env_remove("CHUJING_PDF_FONT")
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(expected_exit(command)),
            "`{command}`\nstdout:\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The scan wrote the profile's figures, and the documents were written from it.
    let profile = std::fs::read_to_string(dir.path().join("profile.toml")).unwrap();
    assert!(profile.contains("# from `chujing scan`"), "{profile}");
    let filing = std::fs::read_to_string(dir.path().join("filing.html")).unwrap();
    assert!(filing.starts_with("<!DOCTYPE html>"));
}

#[test]
fn the_readme_profile_is_a_valid_profile() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("A profile describes the processor and its flows")
        .expect("the README describes the profile");
    let body = readme[start..]
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a toml block");
    let (_dir, path) = crate::util::temp_file("profile.toml", body);
    let (code, out, err) = crate::util::chujing(&["assess", path.to_str().unwrap(), "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["pathway"], "exempt", "{out}");
}
