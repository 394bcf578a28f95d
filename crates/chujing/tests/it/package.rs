//! What the Debian package ships beside the binary: manual pages and shell completions, generated from the
//! command-line definition (so they cannot drift from `--help`).

use crate::util::chujing;

#[test]
fn man_writes_a_page_for_chujing_and_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = chujing(&["man", "--dir", dir.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    for page in [
        "chujing.1",
        "chujing-ledger-ingest.1",
        "chujing-demo.1",
        "chujing-serve.1",
    ] {
        let text = std::fs::read_to_string(dir.path().join(page))
            .unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(text.contains(".TH"), "{page} is a manual page: {text}");
    }
    let (code, out, err) = chujing(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("assess") && out.contains("ledger"), "{out}");
}

#[test]
fn completions_cover_the_subcommands_and_their_flags_in_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = chujing(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for word in ["assess", "ledger", "subject-column", "seed-only"] {
            assert!(out.contains(word), "{shell} completes {word}");
        }
    }
    let (code, _, err) = chujing(&["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell is a usage error: {err}");
}
